// The admin API's join-token routes, kept apart from admin-api.ts's routing:
//   POST /v1/tokens               issue a token (room, identity, name, ttlSeconds, grants)
//   POST /v1/tokens/revocations   revoke one by its jti (and optionally its exp)
//   GET  /v1/tokens/revocations   list revoked token ids not yet expired
// Input is checked field by field so that a bad request gets one sentence naming the field.
import type {IncomingMessage} from 'node:http'
import type {RevocationRequest, TokenGrants, TokenRequest, TokenResponse, TokenRevocation} from '../../api/node-api.js'
import {
  DEFAULT_GRANTS,
  FLEET_AUDIENCE,
  MAX_SESSIONS_GRANT,
  MAX_TOKEN_LIFETIME_SECONDS,
  signJoinToken,
  type JoinKey,
} from '../join-token.js'
import type {TokenRevocations} from '../token-revocations.js'
import {HttpError, readBody, requireContentType} from './http-kit.js'

export interface AdminTokenDeps {
  /** Signs issued tokens; its kid goes in the header. */
  signingKey: JoinKey
  /** iss and aud of issued tokens. */
  nodeId: string
  /** In a coordinated fleet, the fleet key: tokens it signs (iss/aud confctl-fleet) are valid on every node. */
  fleetKey?: () => JoinKey | undefined
  revocations: TokenRevocations
}

const MAX_JSON_BYTES = 16 * 1024
const DEFAULT_TTL_SECONDS = 3600
const MAX_JTI_CHARS = 128

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  requireContentType(req, 'application/json')
  let body: unknown
  try {
    body = JSON.parse(await readBody(req, MAX_JSON_BYTES))
  } catch (err) {
    if (err instanceof HttpError) throw err
    throw new HttpError(400, 'bad_json', 'the request body is not valid JSON')
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new HttpError(400, 'bad_request', 'the request body must be a JSON object')
  return body as Record<string, unknown>
}

const bad = (sentence: string) => new HttpError(400, 'bad_request', sentence)

function grantsOfRequest(value: unknown): TokenGrants {
  if (value === undefined) return {...DEFAULT_GRANTS}
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw bad('\'grants\' must be an object like {"publish": true, "subscribe": false, "maxSessions": 1}')
  const g = value as Partial<Record<keyof TokenGrants, unknown>>
  for (const k of ['publish', 'subscribe'] as const) {
    if (g[k] !== undefined && typeof g[k] !== 'boolean') throw bad(`'grants.${k}' must be true or false`)
  }
  if (
    g.maxSessions !== undefined &&
    (!Number.isInteger(g.maxSessions) ||
      (g.maxSessions as number) < 1 ||
      (g.maxSessions as number) > MAX_SESSIONS_GRANT)
  ) {
    throw bad(`'grants.maxSessions' must be a whole number from 1 to ${MAX_SESSIONS_GRANT}`)
  }
  const grants = {
    publish: (g.publish as boolean | undefined) ?? DEFAULT_GRANTS.publish,
    subscribe: (g.subscribe as boolean | undefined) ?? DEFAULT_GRANTS.subscribe,
    maxSessions: (g.maxSessions as number | undefined) ?? DEFAULT_GRANTS.maxSessions,
  }
  if (!grants.publish && !grants.subscribe)
    throw bad("'grants' must allow publish or subscribe (a token allowing neither admits nobody)")
  return grants
}

export async function issueToken(deps: AdminTokenDeps, req: IncomingMessage): Promise<TokenResponse> {
  const body = (await readJson(req)) as Partial<Record<keyof TokenRequest, unknown>>
  if (typeof body.room !== 'string' || !body.room) throw bad("'room' must be a non-empty string")
  if (typeof body.identity !== 'string' || !body.identity) throw bad("'identity' must be a non-empty string")
  if (body.name !== undefined && typeof body.name !== 'string') throw bad("'name' must be a string")
  const ttl = body.ttlSeconds ?? DEFAULT_TTL_SECONDS
  if (!Number.isInteger(ttl) || (ttl as number) <= 0 || (ttl as number) > MAX_TOKEN_LIFETIME_SECONDS) {
    throw bad(`'ttlSeconds' must be a whole number from 1 to ${MAX_TOKEN_LIFETIME_SECONDS}`)
  }
  const fleetKey = deps.fleetKey?.()
  const signed = await signJoinToken(fleetKey ?? deps.signingKey, {
    room: body.room,
    sub: body.identity,
    name: body.name || body.identity,
    ttlSeconds: ttl as number,
    grants: grantsOfRequest(body.grants),
    issuer: fleetKey ? FLEET_AUDIENCE : deps.nodeId,
    audience: fleetKey ? FLEET_AUDIENCE : deps.nodeId,
  })
  return {
    token: signed.token,
    expiresAt: new Date(signed.exp * 1000).toISOString(),
    jti: signed.jti,
    grants: signed.grants,
  }
}

export async function revokeToken(deps: AdminTokenDeps, req: IncomingMessage): Promise<TokenRevocation> {
  const body = (await readJson(req)) as Partial<Record<keyof RevocationRequest, unknown>>
  if (typeof body.jti !== 'string' || !body.jti || body.jti.length > MAX_JTI_CHARS)
    throw bad(`'jti' must be a token id of 1 to ${MAX_JTI_CHARS} characters`)
  const now = Date.now()
  // No token lives longer than the lifetime bound, so a revocation is never needed longer.
  const latest = now + (MAX_TOKEN_LIFETIME_SECONDS + 60) * 1000
  let until = latest
  if (body.exp !== undefined) {
    if (typeof body.exp !== 'number' || !Number.isFinite(body.exp) || body.exp <= 0)
      throw bad("'exp' must be the token's expiry in seconds since the epoch")
    until = Math.min(body.exp * 1000 + 60_000, latest) // a minute past exp covers the verifier's clock skew
  }
  return deps.revocations.revoke(body.jti, new Date(until), new Date(now))
}

export function listRevocations(deps: AdminTokenDeps): {revocations: TokenRevocation[]} {
  return {revocations: deps.revocations.list()}
}
