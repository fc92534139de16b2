// Join tokens: compact JWTs (RFC 7519) signed with HMAC-SHA256 (JWS "HS256"), issued by the
// node's admin API and checked on every WHIP/WHEP request (join-token-verifier.ts). Signing
// and verifying go through jose, a maintained JWT library, restricted to this one algorithm
// so that "none", RS256 and other alg-confusion tricks are refused by construction.
import {randomUUID} from 'node:crypto'
import {SignJWT} from 'jose'

/** What a token allows; tokens without a grants claim may publish and subscribe, two sessions at once. */
export interface JoinGrants {
  publish: boolean
  subscribe: boolean
  /** Sessions this token may hold at once on the node (default 2). */
  maxSessions: number
}

export interface JoinClaims {
  room: string
  sub: string // identity
  name: string // display name
  iat: number
  exp: number
  /** Token id, for revocation. */
  jti: string
  grants: JoinGrants
}

export class TokenError extends Error {}

export const DEFAULT_GRANTS: Readonly<JoinGrants> = Object.freeze({publish: true, subscribe: true, maxSessions: 2})
/** Upper bound of maxSessions in a token: more parallel sessions than this is never one person. */
export const MAX_SESSIONS_GRANT = 100
/** No token may live longer than this after its iat (the admin API issues at most this too). */
export const MAX_TOKEN_LIFETIME_SECONDS = 7 * 86400
/** Clocks of the issuer and the node may disagree by this much (nbf, iat, exp). */
export const CLOCK_SKEW_SECONDS = 30
/** The audience of tokens signed by a fleet key, valid on every node that holds that key. */
export const FLEET_AUDIENCE = 'confctl-fleet'

/** One HMAC key. `kid` travels in the token header so a verifier with several keys (a
 *  rotation's old and new one, a fleet key) picks the right one without trying each. */
export interface JoinKey {
  kid: string
  secret: Uint8Array
  /** 'node': issued by this node (aud = iss = node id). 'fleet': shared by the fleet (aud = iss = FLEET_AUDIENCE). */
  scope: 'node' | 'fleet'
}

export interface SignRequest {
  room: string
  sub: string
  name: string
  ttlSeconds: number
  grants?: JoinGrants
  /** Who signs and for whom: the node id for node keys, FLEET_AUDIENCE for the fleet key. */
  issuer: string
  audience: string
  now?: number // ms, for tests
}

export interface SignedToken {
  token: string
  jti: string
  exp: number // seconds since the epoch
  grants: JoinGrants
}

export async function signJoinToken(key: JoinKey, req: SignRequest): Promise<SignedToken> {
  const iat = Math.floor((req.now ?? Date.now()) / 1000)
  const exp = iat + req.ttlSeconds
  const jti = randomUUID()
  const grants = req.grants ?? {...DEFAULT_GRANTS}
  const token = await new SignJWT({room: req.room, name: req.name, grants: {...grants}})
    .setProtectedHeader({alg: 'HS256', typ: 'JWT', kid: key.kid})
    .setSubject(req.sub)
    .setIssuer(req.issuer)
    .setAudience(req.audience)
    .setIssuedAt(iat)
    .setNotBefore(iat)
    .setExpirationTime(exp)
    .setJti(jti)
    .sign(key.secret)
  return {token, jti, exp, grants}
}

/** The grants claim as sent, checked: absent means the defaults; present, publish and
 *  subscribe must both be given (a half-filled grant must not silently widen to "both"). */
export function grantsOf(value: unknown): JoinGrants {
  if (value === undefined) return {...DEFAULT_GRANTS}
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new TokenError("the join token's grants claim must be an object")
  const g = value as Record<string, unknown>
  if (typeof g.publish !== 'boolean' || typeof g.subscribe !== 'boolean') {
    throw new TokenError("the join token's grants claim must say publish and subscribe as true or false")
  }
  const maxSessions = g.maxSessions ?? DEFAULT_GRANTS.maxSessions
  if (!Number.isInteger(maxSessions) || (maxSessions as number) < 1 || (maxSessions as number) > MAX_SESSIONS_GRANT) {
    throw new TokenError(`the join token's grants.maxSessions must be a whole number from 1 to ${MAX_SESSIONS_GRANT}`)
  }
  return {publish: g.publish, subscribe: g.subscribe, maxSessions: maxSessions as number}
}
