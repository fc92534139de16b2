// test-kind: unit
// Join tokens as the node checks them (JoinTokenVerifier): what the admin API signs verifies,
// and every hostile variant from issue 9 is refused with a TokenError naming the problem —
// future nbf/iat, wrong aud/iss, exp = 1e309 or missing, a malleated signature, alg none /
// RS256 / HS512, unknown kid, revoked jti (in a real node.db, also after reopening it).
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {generateKeyPair, SignJWT} from 'jose'
import {FLEET_AUDIENCE, signJoinToken, TokenError, type JoinKey} from '../../src/sfu/join-token.js'
import {joinKey} from '../../src/sfu/join-keys.js'
import {JoinTokenVerifier} from '../../src/sfu/join-token-verifier.js'
import {openDriver} from '../../src/sfu/node-db-driver.js'
import {TokenRevocations} from '../../src/sfu/token-revocations.js'
import {b64url, rawJwt} from '../helpers/raw-jwt.js'

const NODE = 'node-0123456789ab'
const key = joinKey(Buffer.alloc(32, 1), 'node')
const oldKey = joinKey(Buffer.alloc(32, 2), 'node')
const fleetKey = joinKey(Buffer.alloc(32, 3), 'fleet')
const dir = mkdtempSync(join(tmpdir(), 'confctl-jwt-'))
const db = openDriver(join(dir, 'node.db'))
const revocations = new TokenRevocations(db)
const verifier = new JoinTokenVerifier({keys: [key], nodeId: NODE, revocations})
const now = () => Math.floor(Date.now() / 1000)

const sign = (extra: {ttlSeconds?: number; now?: number} = {}, k: JoinKey = key) =>
  signJoinToken(k, {
    room: 'r1',
    sub: 'alice@example.org',
    name: 'Alice',
    ttlSeconds: 60,
    issuer: NODE,
    audience: NODE,
    ...extra,
  })

/** A payload as the node would issue it, for raw variants. */
const claims = (over: Record<string, unknown> = {}) => ({
  room: 'r1',
  sub: 'a',
  iss: NODE,
  aud: NODE,
  iat: now(),
  exp: now() + 60,
  jti: 'j-1',
  ...over,
})
const header = (over: Record<string, unknown> = {}) => ({alg: 'HS256', typ: 'JWT', kid: key.kid, ...over})

async function refused(token: string, pattern: RegExp, v = verifier): Promise<void> {
  try {
    await v.verify(token)
  } catch (err) {
    assert.instance(err, TokenError)
    assert.match((err as Error).message, pattern)
    assert.not.match((err as Error).message, /\n/)
    return
  }
  assert.unreachable(`expected the token to be refused (${pattern})`)
}

test.after(() => {
  revocations.stop()
  db.close()
})

test('a token the node signs verifies and carries room, identity, name, jti and default grants', async () => {
  const signed = await sign()
  const c = await verifier.verify(signed.token)
  assert.equal([c.room, c.sub, c.name, c.jti], ['r1', 'alice@example.org', 'Alice', signed.jti])
  assert.is(c.exp - c.iat, 60)
  assert.equal(c.grants, {publish: true, subscribe: true, maxSessions: 2})
})

test('grants travel in the token; a token without a grants claim gets publish+subscribe and 2 sessions', async () => {
  const signed = await signJoinToken(key, {
    room: 'r1',
    sub: 'b',
    name: 'b',
    ttlSeconds: 60,
    issuer: NODE,
    audience: NODE,
    grants: {publish: false, subscribe: true, maxSessions: 1},
  })
  assert.equal((await verifier.verify(signed.token)).grants, {publish: false, subscribe: true, maxSessions: 1})
  assert.equal((await verifier.verify(rawJwt(key.secret, header(), claims()))).grants, {
    publish: true,
    subscribe: true,
    maxSessions: 2,
  })
  await refused(rawJwt(key.secret, header(), claims({grants: {subscribe: true}})), /publish and subscribe/)
  await refused(
    rawJwt(key.secret, header(), claims({grants: {publish: true, subscribe: true, maxSessions: 1e6}})),
    /maxSessions/,
  )
})

test('nbf in the future is refused; within the 30 s skew it is accepted', async () => {
  await refused(rawJwt(key.secret, header(), claims({nbf: now() + 3600})), /not valid yet/)
  await verifier.verify(rawJwt(key.secret, header(), claims({nbf: now() + 10})))
})

test('an iat a year ahead is refused, and so is a missing iat', async () => {
  await refused(
    rawJwt(key.secret, header(), claims({iat: now() + 365 * 86400, exp: now() + 365 * 86400 + 60})),
    /issued in the future/,
  )
  const {iat: _iat, ...noIat} = claims()
  await refused(rawJwt(key.secret, header(), noIat), /iat/)
})

test('a wrong or missing aud, and a wrong iss, are refused', async () => {
  await refused(rawJwt(key.secret, header(), claims({aud: 'node-other'})), /another audience/)
  await refused(rawJwt(key.secret, header(), claims({aud: FLEET_AUDIENCE})), /another audience/)
  const {aud: _aud, ...noAud} = claims()
  await refused(rawJwt(key.secret, header(), noAud), /aud/)
  await refused(rawJwt(key.secret, header(), claims({iss: 'someone-else'})), /issued by someone else/)
})

test('exp = 1e309 (Infinity), exp missing, exp beyond 7 days and an expired token are refused', async () => {
  const text = JSON.stringify(claims()).replace(/"exp":\d+/, '"exp":1e309')
  assert.match(text, /"exp":1e309/)
  await refused(rawJwt(key.secret, header(), text), /finite|exp/)
  const {exp: _exp, ...noExp} = claims()
  await refused(rawJwt(key.secret, header(), noExp), /exp/)
  await refused(rawJwt(key.secret, header(), claims({exp: now() + 8 * 86400})), /at most 604800 seconds/)
  await refused((await sign({now: Date.now() - 3_600_000})).token, /expired/)
  // Expired 10 s ago: within the skew, still accepted.
  await verifier.verify(rawJwt(key.secret, header(), claims({iat: now() - 70, exp: now() - 10})))
})

test('the signature is not malleable: appended "=" or "!!", or changed trailing bits, are refused', async () => {
  const {token} = await sign()
  await verifier.verify(token) // the original is fine, so each refusal below is the edit's doing
  await refused(`${token}=`, /compact/)
  await refused(`${token}==`, /compact/)
  await refused(`${token}!!`, /compact/)
  await refused(` ${token}`, /compact/)
  // A 43-character signature has 2 spare bits in its last character: flip them and the
  // decoded bytes stay the same.
  const sig = token.split('.')[2]!
  const last = sig.at(-1)!
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  const twin = alphabet[alphabet.indexOf(last) ^ 1]!
  const malleated = token.slice(0, -1) + twin
  assert.equal(Buffer.from(malleated.split('.')[2]!, 'base64url'), Buffer.from(sig, 'base64url'))
  await refused(malleated, /canonical/)
  await refused(token.replace('.', '..'), /compact/)
  await refused('x'.repeat(5000), /longer than/)
})

test('alg none, RS256 and HS512 are refused, and so are unknown or missing kids', async () => {
  const body = b64url(JSON.stringify(claims()))
  await refused(`${b64url(JSON.stringify({alg: 'none', kid: key.kid}))}.${body}.`, /compact|HS256/)
  await refused(`${b64url(JSON.stringify({alg: 'none', kid: key.kid}))}.${body}.AAAA`, /HS256/)
  const {privateKey} = await generateKeyPair('RS256')
  const rs = await new SignJWT(claims()).setProtectedHeader({alg: 'RS256', kid: key.kid}).sign(privateKey)
  await refused(rs, /HS256/)
  const hs512 = await new SignJWT(claims()).setProtectedHeader({alg: 'HS512', kid: key.kid}).sign(Buffer.alloc(64, 1))
  await refused(hs512, /HS256/)
  await refused(rawJwt(key.secret, header({kid: 'n-unknown'}), claims()), /does not know/)
  await refused(rawJwt(key.secret, {alg: 'HS256'}, claims()), /kid/)
})

test('a foreign secret under our kid, and a tampered payload, fail the signature check', async () => {
  await refused(rawJwt(Buffer.alloc(32, 9), header(), claims()), /signature/)
  const [h, , s] = (await sign()).token.split('.')
  const forged = b64url(JSON.stringify(claims({room: 'other'})))
  await refused(`${h}.${forged}.${s}`, /signature/)
})

test('key rotation: the previous key still verifies during the overlap, and not once removed', async () => {
  const old = (await sign({}, oldKey)).token
  const both = new JoinTokenVerifier({keys: [key, oldKey], nodeId: NODE, revocations})
  assert.is((await both.verify(old)).room, 'r1')
  assert.is((await both.verify((await sign()).token)).room, 'r1')
  await refused(old, /does not know/) // `verifier` only has the new key
})

test('a fleet key admits aud "confctl-fleet" only where it is configured', async () => {
  const fleetToken = rawJwt(
    fleetKey.secret,
    header({kid: fleetKey.kid}),
    claims({iss: FLEET_AUDIENCE, aud: FLEET_AUDIENCE}),
  )
  const withFleet = new JoinTokenVerifier({keys: [key, fleetKey], nodeId: NODE, revocations})
  assert.is((await withFleet.verify(fleetToken)).sub, 'a')
  await refused(fleetToken, /does not know/)
  await refused(
    rawJwt(fleetKey.secret, header({kid: fleetKey.kid}), claims({iss: NODE, aud: FLEET_AUDIENCE})),
    /issued by someone else/,
    withFleet,
  )
})

test('a revoked jti is refused, also after node.db is reopened; the row is pruned after exp', async () => {
  const signed = await sign()
  await verifier.verify(signed.token)
  revocations.revoke(signed.jti, new Date(signed.exp * 1000))
  await refused(signed.token, /revoked/)
  const reopenedDb = openDriver(join(dir, 'node.db'))
  const reopened = new TokenRevocations(reopenedDb)
  try {
    assert.ok(reopened.isRevoked(signed.jti))
    await refused(signed.token, /revoked/, new JoinTokenVerifier({keys: [key], nodeId: NODE, revocations: reopened}))
    reopened.pruneExpired(new Date((signed.exp + 1) * 1000))
    assert.not.ok(reopened.isRevoked(signed.jti))
    assert.is(reopenedDb.prepare('SELECT count(*) AS n FROM token_revocations WHERE jti = ?').all(signed.jti)[0]!.n, 0)
  } finally {
    reopened.stop()
    reopenedDb.close()
  }
})

test.run()
