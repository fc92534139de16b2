// The node's admin port (127.0.0.1 by default). Every route but /healthz needs the bearer
// token from admin.token; /healthz stays open so that a supervisor or load balancer can
// probe without a secret, and it reveals nothing but "ok" or "draining".
import {timingSafeEqual} from 'node:crypto'
import type {IncomingMessage, ServerResponse} from 'node:http'
import type {HealthResponse, NodeInfo} from '../../api/node-api.js'
import type {QoeRecorder} from '../qoe-recorder.js'
import type {RoomRegistry} from '../room-registry.js'
import {issueToken, listRevocations, revokeToken, type AdminTokenDeps} from './admin-tokens.js'
import {HttpError, answeringErrors, bearerToken, matchPath, sendJson} from './http-kit.js'
import {renderMetrics, type SessionCounters} from './metrics.js'

export interface AdminApiDeps {
  registry: RoomRegistry
  adminToken: string
  tokens: AdminTokenDeps
  nodeInfo: () => NodeInfo
  qoe: QoeRecorder
  health: () => HealthResponse
  sessionCounters: () => SessionCounters
  /** After drain/undrain: a coordinated node tells the fleet at once instead of at its next heartbeat. */
  onDrainChange?: () => void
}

export function createAdminHandler(deps: AdminApiDeps) {
  return answeringErrors((req, res) => route(deps, req, res))
}

function authorise(deps: AdminApiDeps, req: IncomingMessage): void {
  const given = Buffer.from(bearerToken(req) ?? '')
  const expected = Buffer.from(deps.adminToken)
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new HttpError(
      401,
      'unauthorized',
      'a valid admin bearer token is required (see admin.token in the node directory)',
    )
  }
}

async function route(deps: AdminApiDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://admin')
  const path = url.pathname
  const method = req.method ?? 'GET'
  const key = `${method} ${path}`
  if (key === 'GET /healthz') {
    const health = deps.health()
    // A degraded node answers 503 so that a load balancer stops sending new sessions.
    sendJson(res, health.status === 'degraded' ? 503 : 200, health)
    return
  }
  authorise(deps, req)
  if (key === 'GET /v1/node') return sendJson(res, 200, deps.nodeInfo())
  if (key === 'GET /v1/rooms') return sendJson(res, 200, {rooms: deps.registry.list().map((r) => r.summary())})
  if (key === 'POST /v1/drain' || key === 'POST /v1/undrain') {
    deps.registry.draining = key === 'POST /v1/drain'
    deps.onDrainChange?.()
    return sendJson(res, 200, {draining: deps.registry.draining})
  }
  if (key === 'GET /v1/qoe/samples') return sendJson(res, 200, {samples: qoeSamples(deps, url.searchParams)})
  if (key === 'POST /v1/tokens') return sendJson(res, 201, await issueToken(deps.tokens, req))
  if (key === 'POST /v1/tokens/revocations') return sendJson(res, 201, await revokeToken(deps.tokens, req))
  if (key === 'GET /v1/tokens/revocations') return sendJson(res, 200, listRevocations(deps.tokens))
  if (key === 'GET /metrics') {
    const text = renderMetrics(deps.nodeInfo(), deps.registry, deps.sessionCounters())
    res.writeHead(200, {'content-type': 'text/plain; version=0.0.4'})
    res.end(text)
    return
  }
  let m
  if ((m = matchPath('/v1/rooms/:room', path))) {
    const room = deps.registry.get(m.room!)
    if (!room) throw new HttpError(404, 'unknown_room', `room '${m.room}' does not exist on this node`)
    if (method === 'GET') return sendJson(res, 200, room.detail())
    if (method === 'DELETE')
      return sendJson(res, 200, {closed: room.name, participants: await deps.registry.closeRoom(room)})
    throw new HttpError(405, 'method_not_allowed', `method ${method} is not allowed on ${path}`)
  }
  if ((m = matchPath('/v1/rooms/:room/participants/:id', path))) {
    if (method !== 'DELETE')
      throw new HttpError(405, 'method_not_allowed', `method ${method} is not allowed on ${path}`)
    const room = deps.registry.get(m.room!)
    if (!room) throw new HttpError(404, 'unknown_room', `room '${m.room}' does not exist on this node`)
    const found = deps.registry.findParticipants(room, m.id!)
    if (found.length === 0)
      throw new HttpError(404, 'unknown_participant', `no participant or identity '${m.id}' in room '${m.room}'`)
    await Promise.all(found.map((p) => p.close('kicked')))
    return sendJson(res, 200, {kicked: found.map((p) => p.id)})
  }
  throw new HttpError(404, 'not_found', `no such endpoint: ${key}`)
}

function qoeSamples(deps: AdminApiDeps, params: URLSearchParams) {
  const since = params.get('since') ?? new Date(Date.now() - 15 * 60_000).toISOString()
  if (Number.isNaN(Date.parse(since)))
    throw new HttpError(400, 'bad_request', `'since' must be an ISO 8601 time, not '${since}'`)
  const limit = Number(params.get('limit') ?? 100_000)
  if (!Number.isInteger(limit) || limit < 1 || limit > 1_000_000)
    throw new HttpError(400, 'bad_request', "'limit' must be a whole number from 1 to 1000000")
  return deps.qoe.query({
    since: new Date(since).toISOString(),
    room: params.get('room') ?? undefined,
    participant: params.get('participant') ?? undefined,
    limit,
  })
}
