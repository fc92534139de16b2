// The X-Confctl-Relay header: a node that relays a client's WHIP/WHEP request to the room's
// owner proves it belongs to the fleet with a short JWT signed by the fleet key (fleet.secret),
// bound to the request's method and path so that a captured header cannot be replayed for
// another request. The owner then trusts the X-Forwarded-For address the relay names (its
// per-address session caps apply to the client, not to the relaying node).
import {decodeProtectedHeader, jwtVerify, SignJWT} from 'jose'
import type {JoinKey} from './join-token.js'
import {FLEET_AUDIENCE} from './join-token.js'

export const RELAY_HEADER = 'x-confctl-relay'
export const RELAY_AUDIENCE = 'confctl-relay'
/** A relay token lives this long: one request's way between two nodes, plus clock skew. */
export const RELAY_TOKEN_SECONDS = 30
const CLOCK_SKEW_SECONDS = 5

export class RelayTokenError extends Error {}

export async function signRelayToken(key: JoinKey, fromNode: string, method: string, path: string): Promise<string> {
  return new SignJWT({req: `${method} ${path}`})
    .setProtectedHeader({alg: 'HS256', typ: 'JWT', kid: key.kid})
    .setIssuer(FLEET_AUDIENCE)
    .setAudience(RELAY_AUDIENCE)
    .setSubject(fromNode)
    .setIssuedAt()
    .setExpirationTime(`${RELAY_TOKEN_SECONDS}s`)
    .sign(key.secret)
}

/** The relaying node's id, when `token` is a valid relay token for this request; else RelayTokenError. */
export async function verifyRelayToken(
  token: string,
  fleetKeys: readonly JoinKey[],
  method: string,
  path: string,
): Promise<string> {
  let kid: unknown
  try {
    kid = decodeProtectedHeader(token).kid
  } catch {
    throw new RelayTokenError('the relay token is not a JWT')
  }
  const key = fleetKeys.find((k) => k.scope === 'fleet' && k.kid === kid)
  if (!key) throw new RelayTokenError('the relay token is signed with a fleet key this node does not have')
  let payload: Record<string, unknown>
  try {
    ;({payload} = await jwtVerify(token, key.secret, {
      algorithms: ['HS256'],
      issuer: FLEET_AUDIENCE,
      audience: RELAY_AUDIENCE,
      clockTolerance: CLOCK_SKEW_SECONDS,
      maxTokenAge: RELAY_TOKEN_SECONDS + CLOCK_SKEW_SECONDS,
      requiredClaims: ['exp', 'iat', 'sub'],
    }))
  } catch (err) {
    throw new RelayTokenError(`the relay token is not valid: ${(err as Error).message}`)
  }
  if (payload.req !== `${method} ${path}`)
    throw new RelayTokenError(`the relay token is for another request ('${String(payload.req).slice(0, 80)}')`)
  return String(payload.sub)
}
