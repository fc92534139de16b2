// test-kind: e2e
// Three real node processes in one fleet coordinated through the machine's Redis (database
// 9, a prefix of this test's own), real libwebrtc clients: new rooms go to the least-loaded
// node, WHIP and WHEP sent to a node that does not host the room are relayed to the owner
// and media flows straight to it, DELETE through another node ends the session, drained
// nodes get no new rooms, many clients opening one room through two nodes meet on one node,
// and a relay token signed with a foreign or expired key is refused with 401.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {Redis} from 'ioredis'
import {SignJWT} from 'jose'
import {findRoomOwner, listNodes} from '../../src/coord/fleet-view.js'
import {releaseNativeObjects} from '../../src/client/wrtc.js'
import {joinKey} from '../../src/sfu/join-keys.js'
import {signRelayToken} from '../../src/sfu/relay-token.js'
import type {SyntheticPublisher} from '../../src/client/publisher.js'
import type {SyntheticSubscription} from '../../src/client/subscriber.js'
import type {HealthResponse, NodeInfo} from '../../src/api/node-api.js'
import {dropPrefix, TEST_REDIS_URL, uniquePrefix} from '../helpers/coord-redis.js'
import {newFleetKey, startFleet} from '../helpers/fleet-nodes.js'
import {adminGet, adminPost, mediaFlows, publishVia, roomsOn, servedBy, subscribeVia} from '../helpers/fleet-clients.js'
import {startTestNode, tokenFor, type TestNode} from '../helpers/sfu-process.js'
import {until} from '../helpers/until.js'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {rtcPortSlot} from '../helpers/rtc-port-slots.js'

const redis = new Redis(TEST_REDIS_URL)
const prefix = uniquePrefix('placement')
let nodes: TestNode[] = []
const clients: Array<SyntheticPublisher | SyntheticSubscription> = []

test.before(async () => {
  nodes = await startFleet(
    {
      redisUrl: TEST_REDIS_URL,
      prefix,
      rtcPorts: [rtcPortSlot(20), rtcPortSlot(20), rtcPortSlot(20)],
      fleetKey: newFleetKey(),
    },
    redis,
  )
})

test.after(async () => {
  for (const c of clients) await c.close().catch(() => undefined)
  await releaseNativeObjects()
  await Promise.all(nodes.map((n) => n.stop()))
  await dropPrefix(redis, prefix)
  redis.disconnect()
})

const byId = (id: string) => nodes.find((n) => n.state.id === id)!
const owner = async (room: string) => byId((await findRoomOwner(redis, prefix, room))!.id)
const registered = async (node: TestNode) => (await listNodes(redis, prefix)).find((n) => n.id === node.state.id)

test('new rooms go to the least-loaded node; WHIP and WHEP through other nodes are relayed, media flows to the owner', async () => {
  const [n1] = nodes
  const pubA = await publishVia(n1!, 'lecture-a', 'alice')
  clients.push(pubA)
  const x = await owner('lecture-a')
  assert.ok(servedBy(pubA.pc, x), "the publisher's ICE candidate is the owner's")
  const viaOther = nodes.find((n) => n !== x)!
  const subA = await subscribeVia(viaOther, 'lecture-a', pubA.participantId, 'bob')
  clients.push(subA)
  assert.ok(servedBy(subA.pc, x), 'the relayed WHEP answer carries the owner’s candidate')
  assert.ok(await mediaFlows(subA), 'video decoded by the subscriber that went through another node')
  await until('the owner to register its 2 participants', async () => (await registered(x))?.load.participants === 2)
  await until(
    'the owner to register the packets it forwards',
    async () => ((await registered(x))?.load.packetsPerSecond ?? 0) > 0,
  )

  // lecture-b is asked for at the busy node itself: it goes to one of the empty ones.
  const pubB = await publishVia(x, 'lecture-b', 'carol')
  clients.push(pubB)
  const y = await owner('lecture-b')
  assert.is.not(y, x, 'not the node with 2 participants')
  assert.ok(servedBy(pubB.pc, y))
  assert.ok((await roomsOn(y)).some((r) => r.name === 'lecture-b'))
  await until(
    'the second owner to register its participant',
    async () => (await registered(y))?.load.participants === 1,
  )
  const pubC = await publishVia(y, 'lecture-c', 'dave')
  clients.push(pubC)
  const z = await owner('lecture-c')
  assert.ok(z !== x && z !== y, 'the third room goes to the empty third node')

  // DELETE sent to x (the Location is x's) is relayed to y: the room ends there and is released.
  await pubB.close()
  await until('lecture-b to end on its owner', async () => !(await roomsOn(y)).some((r) => r.name === 'lecture-b'))
  await until('lecture-b to be released', async () => (await findRoomOwner(redis, prefix, 'lecture-b')) === null)
})

test('a draining node gets no new rooms, keeps its own, and says so in Redis and /healthz', async () => {
  // The node lecture-b left is empty again: the least loaded, so placement would pick it.
  const target = (await Promise.all(nodes.map(async (n) => ((await roomsOn(n)).length === 0 ? n : undefined)))).find(
    (n): n is TestNode => n !== undefined,
  )!
  assert.is(await adminPost(target, '/v1/drain'), 200)
  await until(
    'the drained node to be registered as draining',
    async () => (await registered(target))?.state === 'draining',
    3000,
  )
  const health = (await (await fetch(`${target.state.adminUrl}/healthz`)).json()) as HealthResponse
  assert.equal([health.status, health.coordination], ['draining', 'ok'])
  const pub = await publishVia(target, 'lecture-d', 'erin')
  clients.push(pub)
  assert.is.not((await owner('lecture-d')).state.id, target.state.id, 'the least-loaded node is draining: elsewhere')
  assert.is(await adminPost(target, '/v1/undrain'), 200)
  await until('the node to be up again', async () => (await registered(target))?.state === 'up', 3000)
})

test('many clients opening one room through two nodes at once meet on exactly one node', async () => {
  const [n1, n2] = nodes
  const pubs = await Promise.all([0, 1, 2, 3].map((i) => publishVia(i % 2 ? n1! : n2!, 'race', `racer-${i}`)))
  clients.push(...pubs)
  const hosting = []
  for (const n of nodes) {
    const race = (await roomsOn(n)).find((r) => r.name === 'race')
    if (race) hosting.push({node: n.state.name, publishers: race.publishers})
  }
  assert.is(hosting.length, 1, JSON.stringify(hosting))
  assert.is(hosting[0]!.publishers, 4)
})

test('a relay token signed with a foreign fleet key, expired, or for another request is refused with 401', async () => {
  const [n1] = nodes
  const fleetKey = joinKey(Buffer.from(readFileSync(join(n1!.dir, 'fleet.secret'), 'utf8').trim(), 'hex'), 'fleet')
  const foreign = joinKey(Buffer.from(newFleetKey(), 'hex'), 'fleet')
  const path = '/whip/lecture-z'
  const expired = await new SignJWT({req: `POST ${path}`})
    .setProtectedHeader({alg: 'HS256', kid: fleetKey.kid})
    .setIssuer('confctl-fleet')
    .setAudience('confctl-relay')
    .setSubject('intruder')
    .setIssuedAt(Math.floor(Date.now() / 1000) - 120)
    .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
    .sign(fleetKey.secret)
  const token = await tokenFor(n1!, 'lecture-z', 'mallory')
  for (const [what, relay] of [
    ['foreign key', await signRelayToken(foreign, 'intruder', 'POST', path)],
    ['expired', expired],
    ['another request', await signRelayToken(fleetKey, 'n2', 'POST', '/whip/other-room')],
  ] as const) {
    const res = await fetch(`${n1!.state.publicUrl}${path}`, {
      method: 'POST',
      headers: {authorization: `Bearer ${token}`, 'content-type': 'application/sdp', 'x-confctl-relay': relay},
      body: 'v=0\r\n',
    })
    const body = (await res.json()) as {error: {code: string}}
    assert.equal([res.status, body.error.code], [401, 'bad_relay_token'], what)
  }
  assert.is(await findRoomOwner(redis, prefix, 'lecture-z'), null, 'nothing was placed')
  // A join token signed by another fleet's key is refused by every node.
  const alien = await new SignJWT({room: 'lecture-z', grants: {publish: true, subscribe: true, maxSessions: 2}})
    .setProtectedHeader({alg: 'HS256', kid: foreign.kid})
    .setIssuer('confctl-fleet')
    .setAudience('confctl-fleet')
    .setSubject('mallory')
    .setJti('j1')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(foreign.secret)
  const res = await fetch(`${n1!.state.publicUrl}${path}`, {
    method: 'POST',
    headers: {authorization: `Bearer ${alien}`, 'content-type': 'application/sdp'},
    body: 'v=0\r\n',
  })
  assert.is(res.status, 401)
  assert.is(((await res.json()) as {error: {code: string}}).error.code, 'bad_token')
})

test('a node without the fleet key warns, and answers 503 no_fleet_key instead of relaying', async () => {
  const keyless = await startTestNode(
    ['--name', 'keyless', '--redis', TEST_REDIS_URL, '--redis-prefix', prefix],
    rtcPortSlot(10),
  )
  try {
    const info = await adminGet<NodeInfo>(keyless, '/v1/node')
    assert.ok(
      info.warnings?.some((w) => w.includes('has no fleet key')),
      JSON.stringify(info.warnings),
    )
    assert.match(keyless.output(), /WARNING: .*has no fleet key/)
    const [n1] = nodes
    const res = await fetch(`${keyless.state.publicUrl}/whip/lecture-a`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await tokenFor(n1!, 'lecture-a', 'frank')}`,
        'content-type': 'application/sdp',
      },
      body: 'v=0\r\n',
    })
    assert.is(res.status, 401, 'a fleet token is unknown to a node without the key')
    const own = await fetch(`${keyless.state.publicUrl}/whip/lecture-a`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await tokenFor(keyless, 'lecture-a', 'frank')}`,
        'content-type': 'application/sdp',
      },
      body: 'v=0\r\n',
    })
    assert.is(own.status, 503)
    assert.is(((await own.json()) as {error: {code: string}}).error.code, 'no_fleet_key')
  } finally {
    await keyless.stop()
  }
})

test.run()
