// test-kind: per-core (a bound on re-placement time; Redis stopped and restarted)
// Failure and recovery with real node processes and libwebrtc clients: the owner of a room
// killed with SIGKILL loses the room within seconds and a reconnecting client is placed on
// a live node; a Redis of this test's own stopped during a room (never the machine's): the
// nodes keep serving and place new rooms on themselves, say "degraded", warn once, and when
// Redis returns they register again, re-claim their rooms, and a room both placed on
// themselves meanwhile is settled by the older claim (split brain), the other closing it.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {Redis} from 'ioredis'
import {findRoomOwner, listNodes} from '../../src/coord/fleet-view.js'
import {releaseNativeObjects} from '../../src/client/wrtc.js'
import type {SyntheticPublisher} from '../../src/client/publisher.js'
import type {SyntheticSubscription} from '../../src/client/subscriber.js'
import type {HealthResponse, NodeInfo} from '../../src/api/node-api.js'
import {DEFAULT_TTL_MS} from '../../src/coord/keys.js'
import {dropPrefix, startOwnRedis, TEST_REDIS_URL, uniquePrefix, type OwnRedis} from '../helpers/coord-redis.js'
import {startFleet} from '../helpers/fleet-nodes.js'
import {adminGet, mediaFlows, publishVia, roomsOn, servedBy, subscribeVia} from '../helpers/fleet-clients.js'
import {framesDecoded} from '../helpers/live-room.js'
import type {TestNode} from '../helpers/sfu-process.js'
import {until} from '../helpers/until.js'
import {rtcPortSlot} from '../helpers/rtc-port-slots.js'

const clients: Array<SyntheticPublisher | SyntheticSubscription> = []
const stopAfter: Array<() => Promise<unknown>> = []

test.after(async () => {
  for (const c of clients) await c.close().catch(() => undefined)
  await releaseNativeObjects()
  for (const stop of stopAfter.reverse()) await stop().catch(() => undefined)
})

test('kill -9 of the owner: its room is free within seconds and a reconnecting client lands on a live node', async () => {
  const redis = new Redis(TEST_REDIS_URL)
  const prefix = uniquePrefix('kill')
  stopAfter.push(async () => {
    await dropPrefix(redis, prefix)
    redis.disconnect()
  })
  const nodes = await startFleet(
    {redisUrl: TEST_REDIS_URL, prefix, rtcPorts: [rtcPortSlot(20), rtcPortSlot(20)]},
    redis,
  )
  // A node killed below is not stopped again (its exit has been seen).
  stopAfter.push(() => Promise.all(nodes.filter((n) => n.child.signalCode === null).map((n) => n.stop())))
  const first = await publishVia(nodes[0]!, 'seminar', 'alice')
  clients.push(first)
  const ownerId = (await findRoomOwner(redis, prefix, 'seminar'))!.id
  const victim = nodes.find((n) => n.state.id === ownerId)!
  const survivor = nodes.find((n) => n !== victim)!
  const killedAt = Date.now()
  victim.child.kill('SIGKILL')
  // The client reconnects through the survivor, retrying as a WHIP client does on 502/503.
  const again = await until(
    'a reconnecting publisher to be admitted',
    () => publishVia(survivor, 'seminar', 'alice').catch(() => undefined),
    20_000,
    250,
  )
  clients.push(again)
  const movedAfterMs = Date.now() - killedAt
  assert.ok(movedAfterMs < 10_000, `re-placed after ${movedAfterMs} ms`)
  assert.is((await findRoomOwner(redis, prefix, 'seminar'))?.id, survivor.state.id)
  assert.ok(servedBy(again.pc, survivor))
  const sub = await subscribeVia(survivor, 'seminar', again.participantId, 'bob')
  clients.push(sub)
  assert.ok(await mediaFlows(sub))
  assert.equal(
    (await listNodes(redis, prefix)).map((n) => n.id),
    [survivor.state.id],
    'the dead node left the listing',
  )
  assert.ok(movedAfterMs <= DEFAULT_TTL_MS + 5000)
})

const coordinationOf = async (n: TestNode) =>
  [
    ((await (await fetch(`${n.state.adminUrl}/healthz`)).json()) as HealthResponse).coordination,
    (await adminGet<NodeInfo>(n, '/v1/node')).coordination?.status,
  ].join('/')

test('Redis stopped during a room and started again: serving goes on, local placement, re-registration, split brain settled', async () => {
  let own: OwnRedis = await startOwnRedis()
  stopAfter.push(() => own.stop())
  const redis = new Redis(own.url, {maxRetriesPerRequest: 1, retryStrategy: () => 200})
  redis.on('error', () => undefined)
  stopAfter.push(async () => redis.disconnect())
  const prefix = uniquePrefix('outage')
  const nodes = await startFleet({redisUrl: own.url, prefix, rtcPorts: [rtcPortSlot(20), rtcPortSlot(20)]}, redis)
  stopAfter.push(() => Promise.all(nodes.map((n) => n.stop())))
  const pub = await publishVia(nodes[0]!, 'assembly', 'alice')
  clients.push(pub)
  const x = nodes.find((n) => servedBy(pub.pc, n))!
  const y = nodes.find((n) => n !== x)!
  const sub = await subscribeVia(y, 'assembly', pub.participantId, 'bob')
  clients.push(sub)
  assert.ok(await mediaFlows(sub))

  await own.stop()
  for (const n of nodes)
    await until(`${n.state.name} to say degraded`, async () => (await coordinationOf(n)) === 'degraded/degraded')
  const before = await framesDecoded(sub)
  await until('frames to keep coming without Redis', async () => (await framesDecoded(sub)) > before + 20, 15_000)
  // New rooms go to the node asked; the same new room asked at both: placed on each (split brain).
  const local = await publishVia(y, 'workshop', 'carol')
  clients.push(local)
  assert.ok(servedBy(local.pc, y))
  const splitX = await publishVia(x, 'split', 'dave')
  clients.push(splitX)
  const splitY = await publishVia(y, 'split', 'erin')
  clients.push(splitY)
  assert.ok(servedBy(splitX.pc, x) && servedBy(splitY.pc, y))

  own = await startOwnRedis(own.port)
  await until(
    'both nodes registered again',
    async () => (await listNodes(redis, prefix).catch(() => [])).length === 2,
    15_000,
  )
  for (const n of nodes) await until(`${n.state.name} to say ok`, async () => (await coordinationOf(n)) === 'ok/ok')
  await until(
    'assembly re-claimed by its node',
    async () => (await findRoomOwner(redis, prefix, 'assembly'))?.id === x.state.id,
  )
  await until(
    'workshop claimed by its node',
    async () => (await findRoomOwner(redis, prefix, 'workshop'))?.id === y.state.id,
  )
  await until(
    'split settled for the older claim',
    async () => (await findRoomOwner(redis, prefix, 'split'))?.id === x.state.id,
  )
  await until('the newer split room closed', async () => !(await roomsOn(y)).some((r) => r.name === 'split'))
  assert.ok((await roomsOn(x)).some((r) => r.name === 'split'))
  assert.match(y.output(), /split brain: room split is also hosted by node node-[0-9a-f]+, whose claim is older/)
  assert.match(y.output(), /session pub_[0-9a-f]+ \(publisher\) in room split ended: room-moved/)
  for (const n of nodes) {
    assert.is(n.output().match(/WARNING: coordination degraded/g)?.length, 1, `${n.state.name} warned once`)
    assert.match(n.output(), /coordination restored/)
  }
  const after = await framesDecoded(sub)
  assert.ok(await until('frames still coming', async () => (await framesDecoded(sub)) > after + 10, 15_000))
})

test.run()
