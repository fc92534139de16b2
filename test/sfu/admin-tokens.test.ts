// test-kind: e2e
// Join tokens end to end against a real node process: the admin API issues tokens with
// grants, aud/iss = node id and a kid; every hostile token of issue 9 gets 401 on WHIP; a
// revoked jti gets 401 and is still refused after the node restarts on the same directory.
// A token that passes authentication is told apart by the next check: garbage SDP -> 400.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {generateKeyPair, SignJWT} from 'jose'
import type {TokenResponse, TokenRevocation} from '../../src/api/node-api.js'
import {kidOf} from '../../src/sfu/join-keys.js'
import {b64url, rawJwt} from '../helpers/raw-jwt.js'
import {startTestNode, type TestNode} from '../helpers/sfu-process.js'
import {rtcPortSlot} from '../helpers/rtc-port-slots.js'

const RTC = rtcPortSlot(10)
let node: TestNode

test.before(async () => {
  node = await startTestNode([], RTC)
})

test.after(async () => {
  await node?.stop()
})

async function admin(method: string, path: string, body?: unknown) {
  const res = await fetch(`${node.state.adminUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${node.adminToken}`,
      ...(body === undefined ? {} : {'content-type': 'application/json'}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return {status: res.status, json: (await res.json()) as Record<string, any>}
}

async function issue(body: Record<string, unknown> = {}): Promise<TokenResponse> {
  const r = await admin('POST', '/v1/tokens', {room: 'r1', identity: 'alice', ...body})
  assert.is(r.status, 201, JSON.stringify(r.json))
  return r.json as TokenResponse
}

/** WHIP with garbage SDP: 401 means the token was refused, 400 bad_sdp that it passed. */
async function whip(token: string): Promise<{status: number; code?: string; message?: string}> {
  const res = await fetch(`${node.state.publicUrl}/whip/r1`, {
    method: 'POST',
    headers: {authorization: `Bearer ${token}`, 'content-type': 'application/sdp'},
    body: 'hello world',
  })
  const json = (await res.json().catch(() => ({}))) as {error?: {code: string; message: string}}
  return {status: res.status, code: json.error?.code, message: json.error?.message}
}

const payload = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString())
const headerOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString())

test('POST /v1/tokens issues grants, jti, aud/iss = node id and a kid; bad grants get 400', async () => {
  const t = await issue({grants: {publish: false, maxSessions: 1}})
  assert.equal(t.grants, {publish: false, subscribe: true, maxSessions: 1})
  const p = payload(t.token)
  assert.equal([p.aud, p.iss, p.jti, p.grants], [node.state.id, node.state.id, t.jti, t.grants])
  assert.is(headerOf(t.token).kid, kidOf(node.joinSecret, 'node'))
  assert.equal((await issue()).grants, {publish: true, subscribe: true, maxSessions: 2})
  for (const [grants, field] of [
    [{maxSessions: 0}, 'maxSessions'],
    [{publish: 'yes'}, 'grants.publish'],
    [{publish: false, subscribe: false}, 'publish or subscribe'],
    [[1], 'object'],
  ] as const) {
    const r = await admin('POST', '/v1/tokens', {room: 'r1', identity: 'a', grants})
    assert.is(r.status, 400, JSON.stringify(grants))
    assert.ok(String(r.json.error?.message).includes(field), r.json.error?.message)
  }
})

test('every hostile token of the issue gets 401 bad_token over HTTP', async () => {
  const good = await issue()
  assert.is((await whip(good.token)).code, 'bad_sdp') // a real token passes authentication
  const secret = node.joinSecret
  const kid = kidOf(secret, 'node')
  const now = Math.floor(Date.now() / 1000)
  const claims = (over: Record<string, unknown> = {}) => ({
    room: 'r1',
    sub: 'm',
    iss: node.state.id,
    aud: node.state.id,
    iat: now,
    exp: now + 600,
    jti: 'h-1',
    ...over,
  })
  const hs = {alg: 'HS256', typ: 'JWT', kid}
  assert.is((await whip(rawJwt(secret, hs, claims()))).code, 'bad_sdp') // the forger's baseline is valid
  const {exp: _e, ...noExp} = claims()
  const {privateKey} = await generateKeyPair('RS256')
  const cases: [string, string][] = [
    ['future nbf', rawJwt(secret, hs, claims({nbf: now + 3600}))],
    ['iat a year ahead', rawJwt(secret, hs, claims({iat: now + 365 * 86400, exp: now + 365 * 86400 + 600}))],
    ['wrong aud', rawJwt(secret, hs, claims({aud: 'node-elsewhere'}))],
    ['fleet aud without a fleet key', rawJwt(secret, hs, claims({aud: 'confctl-fleet'}))],
    ['wrong iss', rawJwt(secret, hs, claims({iss: 'mallory'}))],
    ['exp=1e309', rawJwt(secret, hs, JSON.stringify(claims()).replace(/"exp":\d+/, '"exp":1e309'))],
    ['exp missing', rawJwt(secret, hs, noExp)],
    ["appended '='", `${good.token}=`],
    ["appended '!!'", `${good.token}!!`],
    ['alg none', `${b64url(JSON.stringify({alg: 'none', kid}))}.${b64url(JSON.stringify(claims()))}.`],
    ['RS256', await new SignJWT(claims()).setProtectedHeader({alg: 'RS256', kid}).sign(privateKey)],
  ]
  for (const [label, token] of cases) {
    const r = await whip(token)
    assert.is(r.status, 401, `${label}: ${JSON.stringify(r)}`)
    assert.is(r.code, 'bad_token', label)
    assert.ok((r.message ?? '').length > 15, `${label}: a sentence says why`)
  }
})

test('a revoked jti gets 401, is listed, and stays revoked after a restart; others still pass', async () => {
  const revoked = await issue({identity: 'bob'})
  const kept = await issue({identity: 'carol'})
  assert.is((await whip(revoked.token)).code, 'bad_sdp')
  const r = await admin('POST', '/v1/tokens/revocations', {
    jti: revoked.jti,
    exp: Math.floor(Date.parse(revoked.expiresAt) / 1000),
  })
  assert.is(r.status, 201, JSON.stringify(r.json))
  assert.is((r.json as TokenRevocation).jti, revoked.jti)
  const refused = await whip(revoked.token)
  assert.equal([refused.status, refused.code], [401, 'bad_token'])
  assert.match(refused.message ?? '', /revoked/)
  assert.is((await whip(kept.token)).code, 'bad_sdp')

  assert.is((await node.stop()) ?? 0, 0)
  node = await startTestNode([], RTC, node.dir)
  const list = (await admin('GET', '/v1/tokens/revocations')).json.revocations as TokenRevocation[]
  assert.ok(
    list.some((x) => x.jti === revoked.jti),
    JSON.stringify(list),
  )
  assert.equal([(await whip(revoked.token)).status, (await whip(kept.token)).code], [401, 'bad_sdp'])
})

test('revocation input is checked, and needs the admin token', async () => {
  for (const body of [{}, {jti: ''}, {jti: 'x'.repeat(200)}, {jti: 'a', exp: 'soon'}]) {
    const r = await admin('POST', '/v1/tokens/revocations', body)
    assert.is(r.status, 400, JSON.stringify(body))
    assert.is(r.json.error?.code, 'bad_request')
  }
  const anon = await fetch(`${node.state.adminUrl}/v1/tokens/revocations`)
  assert.is(anon.status, 401)
})

test.run()
