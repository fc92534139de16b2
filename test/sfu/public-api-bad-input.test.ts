// test-kind: e2e
// Sends every kind of bad request the issue names to a real node process and checks that
// each gets a 4xx with a JSON error body, and that the node still admits a good publisher.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import wrtc from '@roamhq/wrtc'
import {signJoinToken} from '../../src/sfu/join-token.js'
import {joinKey} from '../../src/sfu/join-keys.js'
import {startTestNode, type TestNode} from '../helpers/sfu-process.js'

let node: TestNode
let goodOffer = ''

async function tokenFor(room: string, identity = 'tester'): Promise<string> {
  const res = await fetch(`${node.state.adminUrl}/v1/tokens`, {
    method: 'POST',
    headers: {authorization: `Bearer ${node.adminToken}`, 'content-type': 'application/json'},
    body: JSON.stringify({room, identity}),
  })
  assert.is(res.status, 201)
  return ((await res.json()) as {token: string}).token
}

async function post(path: string, body: string, headers: Record<string, string>) {
  const res = await fetch(`${node.state.publicUrl}${path}`, {method: 'POST', headers, body})
  const text = await res.text()
  let json: {error?: {code: string; message: string}} = {}
  try {
    json = JSON.parse(text)
  } catch {
    /* not JSON: asserted below */
  }
  return {status: res.status, json, text}
}

async function expectError(
  label: string,
  path: string,
  body: string,
  headers: Record<string, string>,
  status: number,
  code: string,
) {
  const r = await post(path, body, headers)
  assert.is(r.status, status, `${label}: status (body ${r.text})`)
  assert.is(r.json.error?.code, code, `${label}: error code`)
  assert.ok((r.json.error?.message ?? '').length > 10, `${label}: a sentence explains it`)
}

async function makeOffer(): Promise<string> {
  const pc = new wrtc.RTCPeerConnection()
  pc.addTransceiver('audio', {direction: 'sendonly'})
  pc.addTransceiver('video', {direction: 'sendonly'})
  const offer = await pc.createOffer()
  pc.close()
  return offer.sdp!
}

test.before(async () => {
  node = await startTestNode()
  goodOffer = await makeOffer()
})

test.after(async () => {
  await node?.stop()
})

test('missing, malformed, foreign and expired tokens get 401/403', async () => {
  const sdp = {'content-type': 'application/sdp'}
  await expectError('no token', '/whip/r1', goodOffer, sdp, 401, 'missing_token')
  await expectError('garbage token', '/whip/r1', goodOffer, {...sdp, authorization: 'Bearer abc'}, 401, 'bad_token')
  const claims = {room: 'r1', sub: 'x', name: 'x', ttlSeconds: 60, issuer: node.state.id, audience: node.state.id}
  const foreign = (await signJoinToken(joinKey(Buffer.alloc(32, 0xde), 'node'), claims)).token
  await expectError(
    'foreign secret',
    '/whip/r1',
    goodOffer,
    {...sdp, authorization: `Bearer ${foreign}`},
    401,
    'bad_token',
  )
  const expired = (await signJoinToken(joinKey(node.joinSecret, 'node'), {...claims, now: Date.now() - 3_600_000}))
    .token
  await expectError('expired', '/whip/r1', goodOffer, {...sdp, authorization: `Bearer ${expired}`}, 401, 'bad_token')
  await expectError(
    'other room',
    '/whip/r2',
    goodOffer,
    {...sdp, authorization: `Bearer ${await tokenFor('r1')}`},
    403,
    'wrong_room',
  )
})

test('wrong content type, empty, malformed and oversized SDP get 4xx', async () => {
  const auth = {authorization: `Bearer ${await tokenFor('r1')}`}
  await expectError(
    'json body',
    '/whip/r1',
    '{}',
    {...auth, 'content-type': 'application/json'},
    415,
    'unsupported_media_type',
  )
  await expectError('empty', '/whip/r1', '', {...auth, 'content-type': 'application/sdp'}, 400, 'bad_sdp')
  await expectError('not sdp', '/whip/r1', 'hello world', {...auth, 'content-type': 'application/sdp'}, 400, 'bad_sdp')
  const noMedia = 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n'
  await expectError('no m= line', '/whip/r1', noMedia, {...auth, 'content-type': 'application/sdp'}, 400, 'bad_sdp')
  const broken = goodOffer.replace(/a=fingerprint:.*\r\n/g, '')
  await expectError('no fingerprint', '/whip/r1', broken, {...auth, 'content-type': 'application/sdp'}, 400, 'bad_sdp')
  const huge = goodOffer + 'a=x-padding:' + 'x'.repeat(70 * 1024) + '\r\n'
  await expectError('oversized', '/whip/r1', huge, {...auth, 'content-type': 'application/sdp'}, 413, 'body_too_large')
})

test('unknown room and unknown publisher for WHEP get 404; bad room names 400', async () => {
  const headers = {authorization: `Bearer ${await tokenFor('nobody-here')}`, 'content-type': 'application/sdp'}
  await expectError('unknown room', '/whep/nobody-here/pub_123', goodOffer, headers, 404, 'unknown_room')
  const badName = {authorization: `Bearer ${await tokenFor('a b')}`, 'content-type': 'application/sdp'}
  await expectError('bad room name', '/whip/a%20b', goodOffer, badName, 400, 'bad_room')
})

test('admin API: no token 401; oversized JSON 413; bad JSON 400; unknown room 404', async () => {
  const admin = node.state.adminUrl
  assert.is((await fetch(`${admin}/v1/rooms`)).status, 401)
  assert.is((await fetch(`${admin}/healthz`)).status, 200)
  const auth = {authorization: `Bearer ${node.adminToken}`, 'content-type': 'application/json'}
  const big = await fetch(`${admin}/v1/tokens`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({room: 'x'.repeat(20000), identity: 'a'}),
  })
  assert.is(big.status, 413)
  const bad = await fetch(`${admin}/v1/tokens`, {method: 'POST', headers: auth, body: '{nope'})
  assert.is(bad.status, 400)
  const noRoom = await fetch(`${admin}/v1/rooms/none`, {headers: auth})
  assert.is(noRoom.status, 404)
  assert.is(((await noRoom.json()) as {error: {code: string}}).error.code, 'unknown_room')
})

test('after all that the node still admits a publisher and reports itself healthy', async () => {
  const pubRes = await post('/whip/r1', goodOffer, {
    authorization: `Bearer ${await tokenFor('r1', 'alice')}`,
    'content-type': 'application/sdp',
  })
  assert.is(pubRes.status, 201, pubRes.text)
  assert.match(pubRes.text, /^v=0/)
  const rooms = (await (
    await fetch(`${node.state.adminUrl}/v1/rooms`, {headers: {authorization: `Bearer ${node.adminToken}`}})
  ).json()) as {rooms: Array<{name: string; publishers: number}>}
  assert.equal(
    rooms.rooms.map((r) => [r.name, r.publishers]),
    [['r1', 1]],
  )
  const health = await (await fetch(`${node.state.adminUrl}/healthz`)).json()
  assert.equal(health, {status: 'ok'})
})

test('a draining node refuses new rooms with 503 and says so in /healthz', async () => {
  const auth = {authorization: `Bearer ${node.adminToken}`}
  assert.is((await fetch(`${node.state.adminUrl}/v1/drain`, {method: 'POST', headers: auth})).status, 200)
  assert.equal(await (await fetch(`${node.state.adminUrl}/healthz`)).json(), {status: 'draining'})
  await expectError(
    'draining',
    '/whip/new-room',
    goodOffer,
    {authorization: `Bearer ${await tokenFor('new-room')}`, 'content-type': 'application/sdp'},
    503,
    'draining',
  )
  await fetch(`${node.state.adminUrl}/v1/undrain`, {method: 'POST', headers: auth})
  assert.equal(await (await fetch(`${node.state.adminUrl}/healthz`)).json(), {status: 'ok'})
})

test.run()
