// Join tokens: compact JWTs (RFC 7519) signed with HMAC-SHA256 (JWS "HS256") by the node's
// secret. Written here with node:crypto instead of a JWT library because only this one
// algorithm is accepted: refusing every other "alg" closes the classic alg-confusion holes.
import {createHmac, timingSafeEqual} from 'node:crypto'

/** What a token allows; tokens without grants may publish and subscribe, one session each. */
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

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url')

export function signJoinToken(secret: Buffer, claims: Pick<JoinClaims, 'room' | 'sub' | 'name'>, ttlSeconds: number, now = Date.now()): string {
  const iat = Math.floor(now / 1000)
  const header = b64url(JSON.stringify({alg: 'HS256', typ: 'JWT'}))
  const payload = b64url(JSON.stringify({...claims, iat, exp: iat + ttlSeconds}))
  const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url')
  return `${header}.${payload}.${signature}`
}

/** Verifies signature, algorithm, expiry and shape; throws TokenError with a reason. */
export function verifyJoinToken(secret: Buffer, token: string, now = Date.now()): JoinClaims {
  const parts = token.split('.')
  if (parts.length !== 3) throw new TokenError('the join token is not a JWT (expected three dot-separated parts)')
  const [header, payload, signature] = parts as [string, string, string]
  let head: {alg?: unknown}
  let claims: Partial<JoinClaims> & {jti?: unknown}
  try {
    head = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'))
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
  } catch {
    throw new TokenError('the join token is not valid base64url JSON')
  }
  if (head.alg !== 'HS256') throw new TokenError('the join token must be signed with HS256')
  const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest()
  const given = Buffer.from(signature, 'base64url')
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new TokenError('the join token signature does not match this node')
  }
  if (typeof claims.room !== 'string' || typeof claims.sub !== 'string' || typeof claims.exp !== 'number') {
    throw new TokenError('the join token lacks room, sub or exp claims')
  }
  if (claims.exp * 1000 <= now) throw new TokenError('the join token has expired')
  return {
    room: claims.room,
    sub: claims.sub,
    name: typeof claims.name === 'string' ? claims.name : claims.sub,
    iat: claims.iat ?? 0,
    exp: claims.exp,
    jti: typeof claims.jti === 'string' ? claims.jti : signature,
    grants: {publish: true, subscribe: true, maxSessions: 2},
  }
}
