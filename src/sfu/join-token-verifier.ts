// Decides whether a join token admits its bearer to this node: the one place that knows the
// node's keys (by kid), its id (the audience), the clock skew, the lifetime bound and the
// revoked token ids. public-api.ts calls verify() on every WHIP/WHEP request.
//
// Checked in this order, each failure a TokenError with one sentence (HTTP 401):
//   1. strictly the compact form: three canonical unpadded base64url parts, at most 4 KiB
//      (a signature with '=' or trailing bits changed must not verify: no malleability);
//   2. header: alg HS256 and a kid naming one of our keys;
//   3. jose: HMAC signature, alg allow-list, iss and aud for that key's scope, nbf and exp
//      with CLOCK_SKEW_SECONDS, iat present and not in the future;
//   4. ours: exp, iat (and nbf) finite, exp after iat and at most 7 days after it (jose
//      accepts exp = 1e309, which JSON reads as Infinity), room/sub/jti/grants shapes;
//   5. the jti is not revoked.
import {decodeProtectedHeader, errors, jwtVerify} from 'jose'
import {
  CLOCK_SKEW_SECONDS,
  FLEET_AUDIENCE,
  MAX_TOKEN_LIFETIME_SECONDS,
  TokenError,
  grantsOf,
  type JoinClaims,
  type JoinKey,
} from './join-token.js'

export const MAX_TOKEN_CHARS = 4096
const COMPACT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/
const MAX_JTI_CHARS = 128

export interface RevocationCheck {
  isRevoked(jti: string): boolean
}

export interface VerifierOptions {
  keys: JoinKey[]
  nodeId: string
  revocations: RevocationCheck
  skewSeconds?: number
  maxLifetimeSeconds?: number
}

export class JoinTokenVerifier {
  private keys: Map<string, JoinKey>
  private readonly skew: number
  private readonly maxLifetime: number

  constructor(private readonly opts: VerifierOptions) {
    this.keys = new Map(opts.keys.map((k) => [k.kid, k]))
    this.skew = opts.skewSeconds ?? CLOCK_SKEW_SECONDS
    this.maxLifetime = opts.maxLifetimeSeconds ?? MAX_TOKEN_LIFETIME_SECONDS
  }

  /** Replaces the accepted keys (a fleet key rotation, read while the node runs). */
  setKeys(keys: JoinKey[]): void {
    this.keys = new Map(keys.map((k) => [k.kid, k]))
  }

  async verify(token: string, now = Date.now()): Promise<JoinClaims> {
    checkCompact(token)
    const key = this.keyFor(token)
    const fleet = key.scope === 'fleet'
    let payload: Record<string, unknown>
    try {
      ;({payload} = await jwtVerify(token, key.secret, {
        algorithms: ['HS256'],
        issuer: fleet ? FLEET_AUDIENCE : this.opts.nodeId,
        audience: fleet ? [FLEET_AUDIENCE, this.opts.nodeId] : this.opts.nodeId,
        clockTolerance: this.skew,
        // maxTokenAge makes jose require iat and refuse one in the future (beyond the skew).
        maxTokenAge: this.maxLifetime,
        requiredClaims: ['exp', 'jti', 'sub'],
        currentDate: new Date(now),
      }))
    } catch (err) {
      throw new TokenError(this.reason(err, fleet))
    }
    return this.claimsOf(payload, now)
  }

  private keyFor(token: string): JoinKey {
    let header: {alg?: unknown; kid?: unknown}
    try {
      header = decodeProtectedHeader(token)
    } catch {
      throw new TokenError('the join token header is not base64url-encoded JSON')
    }
    if (header.alg !== 'HS256')
      throw new TokenError(`the join token must be signed with HS256, not '${String(header.alg)}'`)
    if (typeof header.kid !== 'string')
      throw new TokenError('the join token header lacks a kid naming the key that signed it')
    const key = this.keys.get(header.kid)
    if (!key)
      throw new TokenError(
        `the join token was signed with key '${header.kid.slice(0, 64)}', which this node does not know`,
      )
    return key
  }

  private claimsOf(p: Record<string, unknown>, now: number): JoinClaims {
    const {iat, exp, nbf} = p as {iat: number; exp: number; nbf?: unknown}
    if (!Number.isFinite(iat) || !Number.isFinite(exp) || (nbf !== undefined && !Number.isFinite(nbf))) {
      throw new TokenError("the join token's iat, nbf and exp must be finite times")
    }
    if (exp <= iat || exp - iat > this.maxLifetime) {
      throw new TokenError(
        `the join token's exp must lie after its iat and at most ${this.maxLifetime} seconds after it`,
      )
    }
    if (exp * 1000 <= now - this.skew * 1000) throw new TokenError('the join token has expired')
    if (typeof p.room !== 'string' || !p.room) throw new TokenError('the join token lacks a room claim')
    if (typeof p.sub !== 'string' || !p.sub)
      throw new TokenError("the join token's sub claim must be a non-empty string")
    if (typeof p.jti !== 'string' || !p.jti || p.jti.length > MAX_JTI_CHARS) {
      throw new TokenError(`the join token's jti claim must be a string of 1 to ${MAX_JTI_CHARS} characters`)
    }
    const grants = grantsOf(p.grants)
    if (this.opts.revocations.isRevoked(p.jti)) throw new TokenError(`the join token ${p.jti} has been revoked`)
    return {
      room: p.room,
      sub: p.sub,
      name: typeof p.name === 'string' && p.name ? p.name : p.sub,
      iat,
      exp,
      jti: p.jti,
      grants,
    }
  }

  private reason(err: unknown, fleet: boolean): string {
    if (err instanceof TokenError) return err.message
    if (err instanceof errors.JWSSignatureVerificationFailed)
      return 'the join token signature does not match the key it names'
    if (err instanceof errors.JOSEAlgNotAllowed) return 'the join token must be signed with HS256'
    if (err instanceof errors.JWTExpired) return 'the join token has expired'
    if (err instanceof errors.JWTClaimValidationFailed) {
      if (err.reason === 'missing') return `the join token lacks the required ${err.claim} claim`
      switch (err.claim) {
        case 'nbf':
          return 'the join token is not valid yet (its nbf lies in the future)'
        case 'iat':
          return /number/.test(err.message)
            ? "the join token's iat must be a number"
            : "the join token was issued in the future (its iat lies ahead of this node's clock)"
        case 'aud':
          return `the join token is for another audience (this node accepts '${this.opts.nodeId}'${fleet ? ` or '${FLEET_AUDIENCE}'` : ''})`
        case 'iss':
          return `the join token was issued by someone else (expected iss '${fleet ? FLEET_AUDIENCE : this.opts.nodeId}')`
        default:
          return `the join token's ${err.claim} claim is invalid`
      }
    }
    if (err instanceof errors.JOSEError) return 'the join token is not a valid signed JWT'
    throw err
  }
}

/** The compact serialization exactly: JWS allows nothing else, and jose's base64url decoder
 *  tolerates padding and stray bits that would make one signature verify under many spellings. */
function checkCompact(token: string): void {
  if (token.length > MAX_TOKEN_CHARS)
    throw new TokenError(`the join token is longer than ${MAX_TOKEN_CHARS} characters`)
  if (!COMPACT.test(token)) {
    throw new TokenError('the join token is not a compact JWT (three dot-separated base64url parts without padding)')
  }
  for (const part of token.split('.')) {
    if (Buffer.from(part, 'base64url').toString('base64url') !== part) {
      throw new TokenError('the join token is not canonical base64url (a part has a stray length or trailing bits)')
    }
  }
}
