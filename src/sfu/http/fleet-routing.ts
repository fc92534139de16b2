// Requests for rooms another node hosts (docs/fleet.md "Relay and 307"). In a coordinated
// fleet any node takes WHIP, WHEP, PATCH and DELETE for any room: the first WHIP of a room
// places it (claim-room.ts); a request for a room another node owns is relayed to that
// node, node to node, and the owner's answer returned as is. Its ICE candidates are the
// owner's, so media flows straight there; the Location stays relative, so PATCH and DELETE
// come back here and are relayed again. With --redirect-mode 307 the node answers
// 307 Temporary Redirect to the owner instead (RFC 9725 §4.5): for deployments where nodes
// cannot reach each other; a client must then resend its token itself, since browsers and
// fetch drop Authorization on a redirect to another origin.
import type {IncomingMessage, ServerResponse} from 'node:http'
import type {RegisteredNode} from '../../coord/registered-node.js'
import type {RoomRoute} from '../coordination.js'
import type {JoinKey} from '../join-token.js'
import type {RedirectMode} from '../node-config.js'
import {RELAY_HEADER, RelayTokenError, signRelayToken, verifyRelayToken} from '../relay-token.js'
import {HttpError, clientIp, readBody} from './http-kit.js'

export interface FleetRouting {
  selfId: string
  placeRoom(room: string): Promise<RoomRoute>
  routeOf(room: string): Promise<RoomRoute>
  /** The fleet keys this node accepts now (current and, within its overlap window, previous). */
  fleetKeys(): JoinKey[]
  /** The current fleet key, which signs relay tokens; undefined without fleet.secret. */
  relayKey(): JoinKey | undefined
  redirectMode: RedirectMode
  relayTimeoutMs?: number
}

/** Largest body relayed (an SDP offer or a trickle fragment). */
const MAX_RELAYED_BYTES = 64 * 1024
const DEFAULT_RELAY_TIMEOUT_MS = 20_000
/** Response headers of the owner a client needs (WHIP/WHEP, CORS exposure is set here). */
const PASSED_HEADERS = [
  'content-type',
  'location',
  'etag',
  'link',
  'retry-after',
  'allow',
  'accept-post',
  'accept-patch',
]
/** Request headers passed on to the owner; Authorization unchanged: join tokens are valid fleet-wide. */
const FORWARDED_HEADERS = ['authorization', 'content-type', 'if-match', 'user-agent', 'accept']

const forwardedIps = new WeakMap<IncomingMessage, string>()

/** The client's address: the socket's, or for a relayed request the one the relaying node names. */
export function requestIp(req: IncomingMessage): string {
  return forwardedIps.get(req) ?? clientIp(req)
}

/**
 * Answers the request by relaying or redirecting it when another node hosts the room, and
 * returns true; returns false when this node serves it. `authenticate` checks the join token
 * first, so that no request without one can place (claim) a room.
 */
export async function routeToOwner(
  fleet: FleetRouting,
  req: IncomingMessage,
  res: ServerResponse,
  room: string,
  newPublisher: boolean,
  authenticate: () => Promise<unknown>,
): Promise<boolean> {
  const method = req.method ?? 'GET'
  const url = req.url ?? '/'
  const relayToken = req.headers[RELAY_HEADER]
  if (relayToken !== undefined) {
    try {
      await verifyRelayToken(String(relayToken), fleet.fleetKeys(), method, url)
    } catch (err) {
      if (err instanceof RelayTokenError) throw new HttpError(401, 'bad_relay_token', err.message)
      throw err
    }
    const forwarded = String(req.headers['x-forwarded-for'] ?? '')
      .split(',')[0]!
      .trim()
    if (forwarded) forwardedIps.set(req, forwarded)
    return false // a relayed request is served here, never relayed on: no loops
  }
  await authenticate()
  const route = newPublisher ? await fleet.placeRoom(room) : await fleet.routeOf(room)
  if (route.here) return false
  if (fleet.redirectMode === '307') {
    res.writeHead(307, {location: new URL(url, route.owner.publicUrl).toString(), 'content-length': '0'})
    res.end()
    return true
  }
  await relay(fleet, req, res, route.owner, method, url)
  return true
}

async function relay(
  fleet: FleetRouting,
  req: IncomingMessage,
  res: ServerResponse,
  owner: RegisteredNode,
  method: string,
  url: string,
): Promise<void> {
  const key = fleet.relayKey()
  if (!key)
    throw new HttpError(
      503,
      'no_fleet_key',
      `room is hosted by node ${owner.name}, and this node has no fleet key (fleet.secret) to relay with`,
    )
  const body = method === 'POST' || method === 'PATCH' ? await readBody(req, MAX_RELAYED_BYTES) : undefined
  const headers: Record<string, string> = {
    [RELAY_HEADER]: await signRelayToken(key, fleet.selfId, method, url),
    'x-forwarded-for': requestIp(req),
  }
  for (const name of FORWARDED_HEADERS) {
    const value = req.headers[name]
    if (typeof value === 'string') headers[name] = value
  }
  let answer: Response
  try {
    answer = await fetch(new URL(url, owner.relayUrl), {
      method,
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(fleet.relayTimeoutMs ?? DEFAULT_RELAY_TIMEOUT_MS),
    })
  } catch (err) {
    const cause = (err as {cause?: {code?: string}}).cause?.code ?? (err as Error).name
    throw new HttpError(
      502,
      'owner_unreachable',
      `room is hosted by node ${owner.name} (${owner.relayUrl}), which did not answer (${cause}); try again in a few seconds`,
      {'retry-after': '5'},
    )
  }
  const text = Buffer.from(await answer.arrayBuffer())
  const out: Record<string, string | string[]> = {'content-length': String(text.length)}
  for (const name of PASSED_HEADERS) {
    if (name === 'link') {
      const links = splitLinks(answer.headers.get('link'))
      if (links.length > 0) out.link = links
      continue
    }
    const value = answer.headers.get(name)
    if (value !== null) out[name] = value
  }
  res.writeHead(answer.status, out)
  res.end(text)
}

/** fetch joins repeated Link headers with ", "; each ICE server stays its own header here. */
function splitLinks(value: string | null): string[] {
  if (!value) return []
  return value.split(/,\s*(?=<)/)
}
