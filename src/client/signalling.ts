// WHIP/WHEP signalling (RFC 9725 style, non-trickle): the offer goes out with all ICE
// candidates in it, the 201 answer comes back with the node's, and DELETE on the Location
// ends the session. Failures name the URL and the HTTP status so a smoke report says
// exactly which request to the node went wrong.
import {request} from 'undici'
import {CheckFailedError, UnreachableError} from '../errors.js'

export const DEFAULT_GATHER_TIMEOUT_MS = 5000
export const DEFAULT_HTTP_TIMEOUT_MS = 10_000

/** What a WHIP/WHEP POST gives back. */
export interface SignalledSession {
  answerSdp: string
  /** Absolute URL of the session resource (the Location header resolved against the POST URL). */
  resourceUrl: string
}

/**
 * Resolves once the peer connection has gathered all its ICE candidates, because a
 * non-trickle offer is only as good as the candidates inside it. If gathering stalls (an
 * unreachable STUN server, a slow interface) we go ahead at the timeout with what we have,
 * as long as there is at least one candidate; with none the offer could never connect.
 */
export function waitForIceGathering(pc: RTCPeerConnection, timeoutMs = DEFAULT_GATHER_TIMEOUT_MS): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve()
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer)
      pc.removeEventListener('icegatheringstatechange', onChange)
    }
    const onChange = () => {
      if (pc.iceGatheringState === 'complete') {
        done()
        resolve()
      }
    }
    const timer = setTimeout(() => {
      done()
      if (/^a=candidate:/m.test(pc.localDescription?.sdp ?? '')) resolve()
      else reject(new Error(`ICE gathering found no candidate within ${timeoutMs} ms (no usable network interface?)`))
    }, timeoutMs)
    pc.addEventListener('icegatheringstatechange', onChange)
  })
}

/** Creates the local offer, waits for ICE gathering, and returns the SDP to send. */
export async function createCompleteOffer(pc: RTCPeerConnection, gatherTimeoutMs?: number): Promise<string> {
  await pc.setLocalDescription(await pc.createOffer())
  await waitForIceGathering(pc, gatherTimeoutMs)
  const sdp = pc.localDescription?.sdp
  if (!sdp) throw new Error('the peer connection has no local description after createOffer')
  return sdp
}

/** POSTs an SDP offer to a WHIP or WHEP endpoint; expects 201 + Location + SDP answer. */
export async function postOffer(
  url: string,
  token: string,
  offerSdp: string,
  timeoutMs = DEFAULT_HTTP_TIMEOUT_MS,
): Promise<SignalledSession> {
  let res = await send(url, 'POST', token, timeoutMs, offerSdp)
  // A fleet node in --redirect-mode 307 sends the offer to the room's node (RFC 9725 §4.5).
  // HTTP clients drop Authorization on a redirect to another origin, so the token is sent
  // again here, explicitly, once: a second redirect is an error, not a loop.
  const redirect = res.headers.location
  if ((res.status === 307 || res.status === 308) && typeof redirect === 'string') {
    url = new URL(redirect, url).toString()
    res = await send(url, 'POST', token, timeoutMs, offerSdp)
  }
  const location = res.headers.location
  if (res.status !== 201 || typeof location !== 'string' || !res.text.trim()) {
    const got =
      res.status === 201
        ? `201 without ${typeof location === 'string' ? 'an SDP answer' : 'a Location header'}`
        : `HTTP ${res.status}${apiErrorDetail(res.text)}`
    throw new CheckFailedError(`POST ${url} answered ${got}`)
  }
  return {answerSdp: res.text, resourceUrl: new URL(location, url).toString()}
}

/** DELETE on the session resource: leaves the room. 404 counts as gone already. */
export async function deleteSession(
  resourceUrl: string,
  token: string,
  timeoutMs = DEFAULT_HTTP_TIMEOUT_MS,
): Promise<void> {
  const res = await send(resourceUrl, 'DELETE', token, timeoutMs)
  if (res.status >= 300 && res.status !== 404)
    throw new CheckFailedError(`DELETE ${resourceUrl} answered HTTP ${res.status}${apiErrorDetail(res.text)}`)
}

interface RawResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
}

async function send(
  url: string,
  method: 'POST' | 'DELETE',
  token: string,
  timeoutMs: number,
  body?: string,
): Promise<RawResponse> {
  try {
    const res = await request(url, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        'user-agent': 'confctl-smoke',
        ...(body === undefined ? {} : {'content-type': 'application/sdp', accept: 'application/sdp'}),
      },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    })
    return {status: res.statusCode, headers: res.headers, text: await res.body.text()}
  } catch (err) {
    throw new UnreachableError(`${method} ${url} failed: ${networkReason(err, timeoutMs)}`)
  }
}

/** The node's `{"error":{"code","message"}}` body as ": code: message", or nothing. */
export function apiErrorDetail(text: string): string {
  try {
    const e = (JSON.parse(text) as {error?: {code?: string; message?: string}}).error
    if (e?.message) return `: ${e.code ? `${e.code}: ` : ''}${e.message}`
  } catch {}
  return ''
}

function networkReason(err: unknown, timeoutMs: number): string {
  const e = err as {name?: string; code?: string; message?: string; cause?: {code?: string}}
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `no answer within ${timeoutMs / 1000} s`
  const code = e?.code ?? e?.cause?.code
  if (code === 'ECONNREFUSED') return 'connection refused (is the node running?)'
  return code ?? e?.message ?? String(err)
}
