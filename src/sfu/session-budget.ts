// How many media sessions the node admits: per join token, per client address and in
// total. Every session holds a UDP port and a peer connection, so without these caps one
// token or one address could take the whole port range (issue: 94 POSTs with one token
// used 100 ports). A slot is reserved before the offer is negotiated, so concurrent
// requests cannot overshoot, and released exactly once when the session ends.

export interface SessionBudgetOptions {
  /** Sessions on the node at once (default: the number of ports in the RTC range). */
  maxSessions: number
  /** Sessions from one client address at once (default: half of maxSessions). */
  maxSessionsPerIp: number
}

export interface SessionClaim {
  /** The join token's id (jti). */
  tokenId: string
  /** The token's maxSessions grant. */
  tokenMaxSessions: number
  /** The client's address as the node sees it. */
  ip: string
}

/** A refusal the HTTP layer answers with `status` and a Retry-After header. */
export class BudgetError extends Error {
  constructor(
    readonly status: 429 | 503,
    readonly code: 'too_many_sessions_for_token' | 'too_many_sessions_for_ip' | 'node_full' | 'no_ports',
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message)
  }
}

/** One admitted (or being negotiated) session's slot; release() is idempotent. */
export interface Reservation {
  release(): void
}

const RETRY_AFTER_BUSY_S = 10
const RETRY_AFTER_FULL_S = 30

export class SessionBudget {
  readonly #options: SessionBudgetOptions
  readonly #perToken = new Map<string, number>()
  readonly #perIp = new Map<string, number>()
  #total = 0
  #portsExhausted = false
  /** Refusals since start, by BudgetError code (for /metrics). */
  readonly refusals = new Map<BudgetError['code'], number>()

  constructor(options: SessionBudgetOptions) {
    if (options.maxSessions < 1) throw new TypeError('maxSessions must be at least 1')
    if (options.maxSessionsPerIp < 1) throw new TypeError('maxSessionsPerIp must be at least 1')
    this.#options = options
  }

  get total(): number {
    return this.#total
  }

  get limits(): Readonly<SessionBudgetOptions> {
    return this.#options
  }

  /** Reserves a slot or throws BudgetError saying which cap was reached. */
  reserve(claim: SessionClaim): Reservation {
    try {
      return this.#reserve(claim)
    } catch (err) {
      if (err instanceof BudgetError) this.refusals.set(err.code, (this.refusals.get(err.code) ?? 0) + 1)
      throw err
    }
  }

  #reserve(claim: SessionClaim): Reservation {
    const {maxSessions, maxSessionsPerIp} = this.#options
    if (this.#total >= maxSessions) {
      throw new BudgetError(
        503,
        'node_full',
        `the node is at its limit of ${maxSessions} sessions; try again later or another node`,
        RETRY_AFTER_FULL_S,
      )
    }
    const byIp = this.#perIp.get(claim.ip) ?? 0
    if (byIp >= maxSessionsPerIp) {
      throw new BudgetError(
        429,
        'too_many_sessions_for_ip',
        `address ${claim.ip} already holds ${byIp} sessions, the limit per address`,
        RETRY_AFTER_BUSY_S,
      )
    }
    const byToken = this.#perToken.get(claim.tokenId) ?? 0
    if (byToken >= claim.tokenMaxSessions) {
      throw new BudgetError(
        429,
        'too_many_sessions_for_token',
        `this join token already holds ${byToken} session${byToken === 1 ? '' : 's'}, the most it allows (maxSessions ${claim.tokenMaxSessions})`,
        RETRY_AFTER_BUSY_S,
      )
    }
    this.#total++
    this.#perIp.set(claim.ip, byIp + 1)
    this.#perToken.set(claim.tokenId, byToken + 1)
    let released = false
    return {
      release: () => {
        if (released) return
        released = true
        this.#total--
        decrement(this.#perIp, claim.ip)
        decrement(this.#perToken, claim.tokenId)
        // A session that ended gave its port back.
        this.#portsExhausted = false
      },
    }
  }

  /** Called when a peer connection got no UDP port: the range is used up (by us or others). */
  markPortsExhausted(): void {
    this.#portsExhausted = true
    this.refusals.set('no_ports', (this.refusals.get('no_ports') ?? 0) + 1)
  }

  /** Called when a peer connection did get a port: the range has room again. */
  markPortsAvailable(): void {
    this.#portsExhausted = false
  }

  get portsExhausted(): boolean {
    return this.#portsExhausted
  }

  /** The refusal to give while no port is free. */
  noPortsError(): BudgetError {
    return new BudgetError(
      503,
      'no_ports',
      'the node has no free UDP port in its RTC range; try again later or another node',
      RETRY_AFTER_FULL_S,
    )
  }
}

function decrement(map: Map<string, number>, key: string): void {
  const n = (map.get(key) ?? 0) - 1
  if (n <= 0) map.delete(key)
  else map.set(key, n)
}
