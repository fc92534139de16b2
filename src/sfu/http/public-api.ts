// The node's public port: WHIP (RFC 9725) to publish and WHEP to subscribe.
//   POST   /whip/{room}                        -> 201, Location /whip/{room}/{id}, ETag, Link
//   PATCH  /whip/{room}/{id}                   -> trickle ICE (204) or ICE restart (200)
//   DELETE /whip/{room}/{id}
//   POST   /whep/{room}/{publisherId}          -> 201, Location /whep/{room}/{publisherId}/{id}
//   PATCH  /whep/{room}/{publisherId}/{id}
//   DELETE /whep/{room}/{publisherId}/{id}
//   OPTIONS on any of them: CORS preflight, Allow, and on endpoints the ICE servers (Link).
// Every failure is a 4xx/5xx with a JSON error body; one bad client never affects others.
import type {IncomingMessage, ServerResponse} from 'node:http'
import {NoPortsError, SdpError, type PeerOptions} from '../peer-factory.js'
import {TokenError, type JoinClaims} from '../join-token.js'
import type {Identity} from '../participant.js'
import {DrainingError, SessionClosedError, type RoomRegistry} from '../room-registry.js'
import {BudgetError, type SessionBudget} from '../session-budget.js'
import {admitPublisher, admitSubscriber, GrantError, type AdmissionDeps} from '../session-admission.js'
import {HttpError, answeringErrors, bearerToken, matchPath, readBody, requireContentType} from './http-kit.js'
import {requestIp, routeToOwner, type FleetRouting} from './fleet-routing.js'
import {trackIceSession} from '../ice-session.js'
import {iceServerLinks, type IceServer} from '../../api/ice-servers.js'
import type {Participant} from '../participant.js'
import {answerOptions, requireMethod, setCorsHeaders, type ResourceKind} from './resource-methods.js'
import {patchSession} from './session-patch.js'

export const MAX_SDP_BYTES = 64 * 1024
const ROOM_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/

export interface PublicApiDeps {
  registry: RoomRegistry
  /** Checks join tokens (join-token-verifier.ts): keys by kid, audience, skew, revocations. */
  tokens: {verify(token: string): Promise<JoinClaims>}
  peer: PeerOptions
  budget: SessionBudget
  /** Milliseconds a session may take to connect before it is closed. */
  connectTimeoutMs: number
  /** STUN/TURN servers announced to clients (Link headers, RFC 9725 §4.6). */
  iceServers?: IceServer[]
  /** In a coordinated fleet (--redis): placement, and relaying to the room's owner (fleet-routing.ts). */
  fleet?: FleetRouting
}

export function createPublicHandler(deps: PublicApiDeps) {
  return answeringErrors((req, res) => route(deps, req, res))
}

async function route(deps: PublicApiDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0]!
  const method = req.method ?? 'GET'
  setCorsHeaders(res)
  let m
  let kind: ResourceKind | undefined
  if ((m = matchPath('/whip/:room', path)) || (m = matchPath('/whep/:room/:publisher', path))) kind = 'endpoint'
  else if ((m = matchPath('/whip/:room/:id', path)) || (m = matchPath('/whep/:room/:publisher/:id', path)))
    kind = 'session'
  if (!m || !kind) throw new HttpError(404, 'not_found', `no such endpoint: ${method} ${path}`)
  if (method === 'OPTIONS') return answerOptions(res, kind, iceServerLinks(deps.iceServers ?? []))
  requireMethod(req, kind, kind === 'endpoint' ? ['POST'] : ['PATCH', 'DELETE'])
  const room = m.room!
  const newPublisher = kind === 'endpoint' && m.publisher === undefined
  if (deps.fleet && (await routeToOwner(deps.fleet, req, res, room, newPublisher, () => authenticate(deps, req, room))))
    return
  if (kind === 'endpoint') {
    return m.publisher === undefined ? publish(deps, req, res, room) : subscribe(deps, req, res, room, m.publisher)
  }
  if (method === 'PATCH') return patchSession(req, res, await ownSession(deps, req, room, m.id!))
  return leave(deps, req, res, room, m.id!)
}

async function authenticate(deps: PublicApiDeps, req: IncomingMessage, room: string): Promise<JoinClaims> {
  if (!ROOM_NAME.test(room))
    throw new HttpError(400, 'bad_room', `room name '${room}' is invalid: use 1-64 letters, digits, '.', '_' or '-'`)
  const token = bearerToken(req)
  if (!token) throw new HttpError(401, 'missing_token', 'an Authorization: Bearer <join token> header is required')
  let claims: JoinClaims
  try {
    claims = await deps.tokens.verify(token)
  } catch (err) {
    if (err instanceof TokenError) throw new HttpError(401, 'bad_token', err.message)
    throw err
  }
  if (claims.room !== room)
    throw new HttpError(403, 'wrong_room', `the join token is for room '${claims.room}', not '${room}'`)
  return claims
}

async function readOffer(req: IncomingMessage): Promise<string> {
  requireContentType(req, 'application/sdp')
  const sdp = await readBody(req, MAX_SDP_BYTES)
  if (!sdp.trim()) throw new HttpError(400, 'bad_sdp', 'the request body is empty; expected an SDP offer')
  return sdp
}

function identityOf(claims: JoinClaims, req: IncomingMessage, room: string): Identity {
  return {
    room,
    identity: claims.sub,
    name: claims.name,
    remoteIp: requestIp(req),
    userAgent: String(req.headers['user-agent'] ?? ''),
  }
}

/** Turns the admission's domain errors into answers; anything else stays a 500. */
function asHttpError(deps: PublicApiDeps, err: unknown): unknown {
  if (err instanceof SdpError || err instanceof SessionClosedError) return new HttpError(400, 'bad_sdp', err.message)
  if (err instanceof GrantError) return new HttpError(403, 'not_granted', err.message)
  if (err instanceof DrainingError) return new HttpError(503, 'draining', err.message, {'retry-after': '60'})
  const budgetError = err instanceof NoPortsError ? deps.budget.noPortsError() : err
  if (budgetError instanceof BudgetError) {
    return new HttpError(budgetError.status, budgetError.code, budgetError.message, {
      'retry-after': String(budgetError.retryAfterSeconds),
    })
  }
  return err
}

function admission(deps: PublicApiDeps): AdmissionDeps {
  return {registry: deps.registry, budget: deps.budget, peer: deps.peer, connectTimeoutMs: deps.connectTimeoutMs}
}

async function publish(
  deps: PublicApiDeps,
  req: IncomingMessage,
  res: ServerResponse,
  roomName: string,
): Promise<void> {
  const claims = await authenticate(deps, req, roomName)
  const offer = await readOffer(req)
  const {participant, answer} = await admitPublisher(
    admission(deps),
    claims,
    identityOf(claims, req, roomName),
    offer,
  ).catch((err) => {
    throw asHttpError(deps, err)
  })
  created(deps, res, participant, offer, `/whip/${encodeURIComponent(roomName)}/${participant.id}`, answer)
}

async function subscribe(
  deps: PublicApiDeps,
  req: IncomingMessage,
  res: ServerResponse,
  roomName: string,
  publisherId: string,
): Promise<void> {
  const claims = await authenticate(deps, req, roomName)
  const offer = await readOffer(req)
  const room = deps.registry.get(roomName)
  if (!room) throw new HttpError(404, 'unknown_room', `room '${roomName}' does not exist on this node`)
  const publisher = room.publishers.get(publisherId)
  if (!publisher)
    throw new HttpError(404, 'unknown_publisher', `publisher '${publisherId}' is not in room '${roomName}'`)
  const {participant, answer} = await admitSubscriber(
    admission(deps),
    claims,
    identityOf(claims, req, roomName),
    room,
    publisher,
    offer,
  ).catch((err) => {
    throw asHttpError(deps, err)
  })
  created(
    deps,
    res,
    participant,
    offer,
    `/whep/${encodeURIComponent(roomName)}/${publisherId}/${participant.id}`,
    answer,
  )
}

/** The session at a resource URL, if the token's identity is the one that joined with it. */
async function ownSession(
  deps: PublicApiDeps,
  req: IncomingMessage,
  roomName: string,
  id: string,
): Promise<Participant> {
  const claims = await authenticate(deps, req, roomName)
  const room = deps.registry.get(roomName)
  const participant = room?.publishers.get(id) ?? room?.subscribers.get(id)
  if (!participant) throw new HttpError(404, 'unknown_session', `session '${id}' is not in room '${roomName}'`)
  // Only the identity that joined may change or end its session; operators use the admin API to kick.
  if (participant.who.identity !== claims.sub)
    throw new HttpError(403, 'not_your_session', `session '${id}' belongs to another identity`)
  return participant
}

async function leave(
  deps: PublicApiDeps,
  req: IncomingMessage,
  res: ServerResponse,
  roomName: string,
  id: string,
): Promise<void> {
  const participant = await ownSession(deps, req, roomName, id)
  await participant.close('left')
  res.writeHead(200)
  res.end()
}

/** The 201: the answer, where the session lives, its ICE session's ETag and the ICE servers. */
function created(
  deps: PublicApiDeps,
  res: ServerResponse,
  participant: Participant,
  offer: string,
  location: string,
  sdp: string,
): void {
  const ice = trackIceSession(participant, offer, sdp)
  const links = iceServerLinks(deps.iceServers ?? [])
  res.writeHead(201, {
    'content-type': 'application/sdp',
    location,
    etag: ice.etag,
    ...(links.length > 0 ? {link: links} : {}),
    'content-length': Buffer.byteLength(sdp),
  })
  res.end(sdp)
}
