// Typed client for a node's admin API. Its job beyond HTTP: turn every failure into the
// documented exit codes with a sentence naming the node and URL, so commands never see a
// raw socket error (unreachable -> exit 3, unknown room/participant or refused input -> exit 2).
import {readFileSync} from 'node:fs'
import {X509Certificate} from 'node:crypto'
import {checkServerIdentity, type PeerCertificate} from 'node:tls'
import {Agent, request, type Dispatcher} from 'undici'
import type {
  ApiError,
  HealthResponse,
  NodeInfo,
  QoeSample,
  RoomDetail,
  RoomSummary,
  TokenRequest,
  TokenResponse,
  TokenRevocation,
} from '../api/node-api.js'
import {BadInputError, UnreachableError} from '../errors.js'

export type {HealthResponse} from '../api/node-api.js'
/** DELETE /v1/rooms/{room}. (The node answers `closed: <room name>`; normalised here.) */
export interface CloseRoomResponse {
  closed: boolean
  participants: number // how many were disconnected
}
/** DELETE /v1/rooms/{room}/participants/{id}: the node matches a session id or an identity
 *  (one identity may have several sessions) and answers the session ids it closed. */
export interface KickResponse {
  kicked: string[]
}

export interface AdminClientOptions {
  nodeName: string
  adminUrl: string // e.g. http://127.0.0.1:8081 (no trailing slash needed)
  token: string
  /** Per-request limit covering connect, headers and body. */
  timeoutMs?: number
  /** For an https admin URL: the node's certificate file (PEM, state.json's adminTlsCert).
   *  Exactly that certificate is trusted, whatever name it carries; no public CA is. */
  caFile?: string
}

export const DEFAULT_ADMIN_TIMEOUT_MS = 5000

interface Call {
  method: 'GET' | 'POST' | 'DELETE'
  path: string
  body?: unknown
  /** The sentence for a 404, given the node's error (so kick can tell room from participant). */
  notFound?: (err: ApiError['error'] | undefined) => string
  /** Statuses other than 2xx whose body is still the answer (e.g. /healthz 503 "draining"). */
  acceptStatus?: number[]
}

export class AdminClient {
  readonly nodeName: string
  readonly adminUrl: string
  private readonly token: string
  private readonly timeoutMs: number
  private readonly caFile?: string
  private agent?: Dispatcher

  constructor(opts: AdminClientOptions) {
    this.caFile = opts.caFile
    this.nodeName = opts.nodeName
    this.adminUrl = opts.adminUrl.replace(/\/+$/, '')
    this.token = opts.token
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_ADMIN_TIMEOUT_MS
  }

  health(): Promise<HealthResponse> {
    return this.json({method: 'GET', path: '/healthz', acceptStatus: [503]})
  }

  node(): Promise<NodeInfo> {
    return this.json({method: 'GET', path: '/v1/node'})
  }

  async rooms(): Promise<RoomSummary[]> {
    return (await this.json<{rooms: RoomSummary[]}>({method: 'GET', path: '/v1/rooms'})).rooms
  }

  room(room: string): Promise<RoomDetail> {
    return this.json({method: 'GET', path: `/v1/rooms/${enc(room)}`, notFound: () => this.noRoom(room)})
  }

  async closeRoom(room: string): Promise<CloseRoomResponse> {
    const r = await this.json<{closed: unknown; participants: number}>({
      method: 'DELETE',
      path: `/v1/rooms/${enc(room)}`,
      notFound: () => this.noRoom(room),
    })
    return {closed: Boolean(r.closed), participants: Number(r.participants) || 0}
  }

  async kick(room: string, participantId: string): Promise<KickResponse> {
    const r = await this.json<{kicked: unknown}>({
      method: 'DELETE',
      path: `/v1/rooms/${enc(room)}/participants/${enc(participantId)}`,
      // The node says which one is missing in its error code; without one, name both.
      notFound: (e) =>
        /room/i.test(e?.code ?? '') && !/participant/i.test(e?.code ?? '')
          ? this.noRoom(room)
          : `participant '${participantId}' is not in room '${room}' on node '${this.nodeName}' (see \`confctl room show ${room}\`).`,
    })
    // Older or other nodes may answer a boolean; keep the type to "ids closed".
    return {kicked: Array.isArray(r.kicked) ? r.kicked.map(String) : r.kicked ? [participantId] : []}
  }

  drain(): Promise<unknown> {
    return this.json({method: 'POST', path: '/v1/drain'})
  }

  undrain(): Promise<unknown> {
    return this.json({method: 'POST', path: '/v1/undrain'})
  }

  createToken(req: TokenRequest): Promise<TokenResponse> {
    return this.json({method: 'POST', path: '/v1/tokens', body: req})
  }

  /** Refuses the token with this jti from now on (until `exp`, seconds; default: 7 days). */
  revokeToken(jti: string, exp?: number): Promise<TokenRevocation> {
    return this.json({method: 'POST', path: '/v1/tokens/revocations', body: exp === undefined ? {jti} : {jti, exp}})
  }

  async revocations(): Promise<TokenRevocation[]> {
    return (await this.json<{revocations: TokenRevocation[]}>({method: 'GET', path: '/v1/tokens/revocations'}))
      .revocations
  }

  /** Stored QoE samples (GET /v1/qoe/samples): since an ISO time, optionally filtered. */
  async qoeSamples(filter: {since: string; room?: string; participant?: string; limit?: number}): Promise<QoeSample[]> {
    const q = new URLSearchParams({since: filter.since})
    if (filter.room) q.set('room', filter.room)
    if (filter.participant) q.set('participant', filter.participant)
    if (filter.limit) q.set('limit', String(filter.limit))
    return (await this.json<{samples: QoeSample[]}>({method: 'GET', path: `/v1/qoe/samples?${q}`})).samples
  }

  /** Prometheus text exposition. */
  async metrics(): Promise<string> {
    return (await this.send({method: 'GET', path: '/metrics'})).text
  }

  private noRoom(room: string): string {
    return `room '${room}' does not exist on node '${this.nodeName}'.`
  }

  private async json<T>(call: Call): Promise<T> {
    const {text, url} = await this.send(call)
    try {
      return JSON.parse(text) as T
    } catch {
      throw new UnreachableError(`node '${this.nodeName}' sent a reply that is not JSON from ${url}.`)
    }
  }

  private async send(call: Call): Promise<{text: string; url: string}> {
    const url = `${this.adminUrl}${call.path}`
    let statusCode: number
    let text: string
    try {
      const res = await request(url, {
        method: call.method,
        headers: {
          authorization: `Bearer ${this.token}`,
          accept: 'application/json',
          ...(call.body === undefined ? {} : {'content-type': 'application/json'}),
        },
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
        signal: AbortSignal.timeout(this.timeoutMs),
        ...(this.caFile ? {dispatcher: this.pinnedAgent()} : {}),
      })
      statusCode = res.statusCode
      text = await res.body.text()
    } catch (err) {
      if (err instanceof BadInputError) throw err
      throw new UnreachableError(`node '${this.nodeName}' is unreachable at ${url}: ${this.networkReason(err)}.`)
    }
    if ((statusCode >= 200 && statusCode < 300) || call.acceptStatus?.includes(statusCode)) return {text, url}
    throw this.httpError(statusCode, text, url, call)
  }

  private httpError(status: number, text: string, url: string, call: Call): Error {
    let apiError: ApiError['error'] | undefined
    try {
      apiError = (JSON.parse(text) as ApiError).error
    } catch {}
    const detail = apiError?.message ? `: ${apiError.message.replace(/\.$/, '')}` : ''
    if (status === 404 && call.notFound) return new BadInputError(call.notFound(apiError))
    if (status === 401 || status === 403) {
      return new UnreachableError(
        `node '${this.nodeName}' rejected confctl's admin token (HTTP ${status}) at ${url}; the token file may belong to another node.`,
      )
    }
    if (status >= 400 && status < 500) {
      return new BadInputError(`node '${this.nodeName}' refused ${call.method} ${call.path} (HTTP ${status})${detail}.`)
    }
    return new UnreachableError(`node '${this.nodeName}' failed ${call.method} ${call.path} (HTTP ${status})${detail}.`)
  }

  /** An agent that trusts the node's own certificate and nothing else. The host name is not
   *  checked against it when it is that very certificate: a node listening on 0.0.0.0 is
   *  dialled as 127.0.0.1, which a certificate made for its public name does not list. */
  private pinnedAgent(): Dispatcher {
    if (this.agent) return this.agent
    let pem: Buffer
    let pinned: X509Certificate
    try {
      pem = readFileSync(this.caFile!)
      pinned = new X509Certificate(pem)
    } catch (err) {
      const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message
      throw new BadInputError(
        `the admin TLS certificate of node '${this.nodeName}' (${this.caFile}) cannot be read as PEM: ${why}.`,
      )
    }
    this.agent = new Agent({
      connect: {
        ca: pem,
        checkServerIdentity: (host: string, cert: PeerCertificate) =>
          cert.raw?.equals(pinned.raw) ? undefined : checkServerIdentity(host, cert),
      },
    })
    return this.agent
  }

  private networkReason(err: unknown): string {
    const e = err as {
      name?: string
      code?: string
      message?: string
      cause?: {code?: string}
      errors?: {code?: string}[]
    }
    if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `no answer within ${this.timeoutMs / 1000}s`
    const code = e?.code ?? e?.cause?.code ?? e?.errors?.[0]?.code
    const reasons: Record<string, string> = {
      ECONNREFUSED: 'connection refused (is the node running?)',
      ECONNRESET: 'connection reset',
      EHOSTUNREACH: 'host unreachable',
      ENETUNREACH: 'network unreachable',
      ENOTFOUND: 'host name not found',
      EAI_AGAIN: 'host name lookup failed',
      UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
      UND_ERR_HEADERS_TIMEOUT: `no answer within ${this.timeoutMs / 1000}s`,
      UND_ERR_BODY_TIMEOUT: 'the reply stalled',
      UND_ERR_SOCKET: 'the connection closed unexpectedly',
      // https: the node's certificate is not the one confctl was told to trust (or none was).
      DEPTH_ZERO_SELF_SIGNED_CERT:
        'its TLS certificate is self-signed and not the one recorded for this node (state.json adminTlsCert)',
      SELF_SIGNED_CERT_IN_CHAIN: 'its TLS certificate chain is not trusted',
      UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate is not the one recorded for this node',
      ERR_TLS_CERT_ALTNAME_INVALID: 'its TLS certificate does not name this host',
      EPROTO: 'the TLS handshake failed (is the admin URL http where the node speaks https, or the reverse?)',
    }
    return (code && reasons[code]) ?? (code ? `${code}` : (e?.message ?? String(err)))
  }
}

const enc = encodeURIComponent
