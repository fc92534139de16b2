// test-kind: e2e
// Room placement and node heartbeats against the machine's Redis (database 9, a prefix of
// this test's own): the claim script's choice per policy, an existing owner kept, a dead
// owner's room re-placed, draining nodes skipped, many concurrent claims with one winner,
// and the heartbeat's split-brain rule.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {Redis} from 'ioredis'
import {claimRoom, releaseRoom} from '../../src/coord/claim-room.js'
import {keys} from '../../src/coord/keys.js'
import {deregister, heartbeat} from '../../src/coord/node-registration.js'
import {parseRoomClaim, type RegisteredNode} from '../../src/coord/registered-node.js'
import {findRoomOwner, listNodes, listRoomsByNode} from '../../src/coord/fleet-view.js'
import {dropPrefix, TEST_REDIS_URL, uniquePrefix} from '../helpers/coord-redis.js'
import {until} from '../helpers/until.js'

const TTL = 5000
const redis = new Redis(TEST_REDIS_URL)
const prefixes: string[] = []
const fresh = (what: string) => {
  const p = uniquePrefix(what)
  prefixes.push(p)
  return p
}

test.after(async () => {
  for (const p of prefixes) await dropPrefix(redis, p)
  redis.disconnect()
})

function node(
  id: string,
  load: Partial<RegisteredNode['load']> = {},
  state: RegisteredNode['state'] = 'up',
): RegisteredNode {
  return {
    id,
    name: id,
    publicUrl: `http://127.0.0.1:1/${id}`,
    relayUrl: `http://127.0.0.1:1/${id}`,
    version: '0.1.0',
    state,
    startedAt: Date.now(),
    heartbeatAt: Date.now(),
    load: {cpuPercent: 0, rooms: 0, participants: 0, packetsPerSecond: 0, ...load},
  }
}

const leastParticipants = {kind: 'least-participants'} as const

test('least-participants places a room on the node with the fewest participants, and keeps it there', async () => {
  const prefix = fresh('lp')
  await heartbeat(redis, prefix, node('a', {participants: 9, rooms: 1}), [], TTL)
  await heartbeat(redis, prefix, node('b', {participants: 2, rooms: 1}), [], TTL)
  await heartbeat(redis, prefix, node('c', {participants: 5, rooms: 1}), [], TTL)
  const first = await claimRoom(redis, prefix, {room: 'r1', selfId: 'a', policy: leastParticipants, ttlMs: TTL})
  assert.is(first.kind, 'claimed')
  assert.is(first.kind !== 'none' && first.node.id, 'b')
  const again = await claimRoom(redis, prefix, {room: 'r1', selfId: 'c', policy: leastParticipants, ttlMs: TTL})
  assert.is(again.kind, 'existing')
  assert.is(again.kind !== 'none' && again.node.id, 'b')
  assert.is((await findRoomOwner(redis, prefix, 'r1'))?.id, 'b')
  assert.equal((await listRoomsByNode(redis, prefix)).get('b'), ['r1'])
})

test('a burst of new rooms spreads over equal nodes (claims since the last heartbeat count)', async () => {
  const prefix = fresh('spread')
  for (const id of ['a', 'b', 'c', 'd']) await heartbeat(redis, prefix, node(id), [], TTL)
  const counts = new Map<string, number>()
  for (let i = 0; i < 40; i++) {
    const p = await claimRoom(redis, prefix, {room: `r${i}`, selfId: 'a', policy: leastParticipants, ttlMs: TTL})
    assert.is(p.kind, 'claimed')
    if (p.kind !== 'none') counts.set(p.node.id, (counts.get(p.node.id) ?? 0) + 1)
  }
  assert.equal([...counts.values()], [10, 10, 10, 10])
})

test('least-cpu and stay-here-below', async () => {
  const prefix = fresh('cpu')
  await heartbeat(redis, prefix, node('a', {cpuPercent: 55}), [], TTL)
  await heartbeat(redis, prefix, node('b', {cpuPercent: 35, participants: 50}), [], TTL)
  await heartbeat(redis, prefix, node('c', {cpuPercent: 80}), [], TTL)
  const cpu = await claimRoom(redis, prefix, {room: 'x', selfId: 'a', policy: {kind: 'least-cpu'}, ttlMs: TTL})
  assert.is(cpu.kind !== 'none' && cpu.node.id, 'b')
  const stay = {kind: 'stay-here-below', percent: 60} as const
  const here = await claimRoom(redis, prefix, {room: 'y', selfId: 'a', policy: stay, ttlMs: TTL})
  assert.is(here.kind !== 'none' && here.node.id, 'a')
  const away = await claimRoom(redis, prefix, {room: 'z', selfId: 'c', policy: stay, ttlMs: TTL})
  assert.is(away.kind !== 'none' && away.node.id, 'b', 'c is above 60 %: least-cpu decides')
})

test('draining nodes get no new rooms; none up answers none', async () => {
  const prefix = fresh('drain')
  await heartbeat(redis, prefix, node('a', {}, 'draining'), [], TTL)
  await heartbeat(redis, prefix, node('b', {participants: 100}), [], TTL)
  const p = await claimRoom(redis, prefix, {room: 'r', selfId: 'a', policy: leastParticipants, ttlMs: TTL})
  assert.is(p.kind !== 'none' && p.node.id, 'b')
  await heartbeat(redis, prefix, node('b', {}, 'draining'), [], TTL)
  assert.is(
    (await claimRoom(redis, prefix, {room: 's', selfId: 'a', policy: leastParticipants, ttlMs: TTL})).kind,
    'none',
  )
})

test("a dead owner's room is placed anew with the next epoch; the dead node leaves the listing", async () => {
  const prefix = fresh('dead')
  await heartbeat(redis, prefix, node('a'), [], 300)
  await heartbeat(redis, prefix, node('b', {participants: 10}), [], TTL)
  const p = await claimRoom(redis, prefix, {room: 'r', selfId: 'b', policy: leastParticipants, ttlMs: TTL})
  assert.is(p.kind !== 'none' && p.node.id, 'a')
  await until('node a to expire', async () => (await redis.exists(keys.node(prefix, 'a'))) === 0, 5000)
  assert.is(await findRoomOwner(redis, prefix, 'r'), null)
  const again = await claimRoom(redis, prefix, {room: 'r', selfId: 'b', policy: leastParticipants, ttlMs: TTL})
  assert.is(again.kind, 'claimed')
  assert.is(again.kind !== 'none' && again.node.id, 'b')
  assert.is(again.kind !== 'none' && again.claim.epoch, 2)
  assert.equal(
    (await listNodes(redis, prefix)).map((n) => n.id),
    ['b'],
  )
  assert.equal(await redis.zrange(keys.nodes(prefix), 0, -1), ['b'])
})

test('many concurrent claims of one room from two connections: exactly one claim, every caller told the same owner', async () => {
  const prefix = fresh('race')
  await heartbeat(redis, prefix, node('a'), [], TTL)
  await heartbeat(redis, prefix, node('b'), [], TTL)
  const other = new Redis(TEST_REDIS_URL)
  try {
    for (let round = 0; round < 20; round++) {
      const room = `race-${round}`
      const results = await Promise.all(
        Array.from({length: 50}, (_, i) =>
          claimRoom(i % 2 ? redis : other, prefix, {
            room,
            selfId: i % 2 ? 'a' : 'b',
            policy: leastParticipants,
            ttlMs: TTL,
          }),
        ),
      )
      assert.is(results.filter((r) => r.kind === 'claimed').length, 1, `round ${round}: one claim`)
      const owners = new Set(results.map((r) => (r.kind === 'none' ? '' : r.node.id)))
      assert.is(owners.size, 1, `round ${round}: one owner`)
      assert.is(parseRoomClaim(await redis.get(keys.room(prefix, room)))?.epoch, 1)
    }
  } finally {
    other.disconnect()
  }
})

test('release deletes only the claim the node holds', async () => {
  const prefix = fresh('release')
  await heartbeat(redis, prefix, node('a'), [], TTL)
  await claimRoom(redis, prefix, {room: 'r', selfId: 'a', policy: leastParticipants, ttlMs: TTL})
  assert.is(await releaseRoom(redis, prefix, 'r', 'b'), false)
  assert.is(await releaseRoom(redis, prefix, 'r', 'a'), true)
  assert.is(await redis.exists(keys.room(prefix, 'r')), 0)
  assert.is(await redis.sismember(keys.nodeRooms(prefix, 'a'), 'r'), 0)
})

test('heartbeat: kept, reclaimed after Redis lost the claim, took-over from a dead node', async () => {
  const prefix = fresh('beat')
  await heartbeat(redis, prefix, node('a'), [], TTL)
  const p = await claimRoom(redis, prefix, {room: 'r', selfId: 'a', policy: leastParticipants, ttlMs: TTL})
  const claimedAt = p.kind === 'none' ? 0 : p.claim.claimedAt
  let out = await heartbeat(redis, prefix, node('a'), [{room: 'r', claimedAt: 1}], TTL)
  assert.equal(out, [{room: 'r', outcome: 'kept', claimedAt}], 'the claim in Redis is adopted')
  await redis.del(keys.room(prefix, 'r'))
  out = await heartbeat(redis, prefix, node('a'), [{room: 'r', claimedAt}], TTL)
  assert.equal(out, [{room: 'r', outcome: 'reclaimed', claimedAt}])
  await redis.set(keys.room(prefix, 'q'), JSON.stringify({node: 'gone', claimedAt: 1, epoch: 3}))
  out = await heartbeat(redis, prefix, node('a'), [{room: 'q', claimedAt: 50}], TTL)
  assert.equal(out, [{room: 'q', outcome: 'took-over', other: 'gone', claimedAt: 50}])
  assert.equal(parseRoomClaim(await redis.get(keys.room(prefix, 'q'))), {node: 'a', claimedAt: 50, epoch: 4})
})

test('split brain: the lower claimedAt wins, a tie goes to the lower id, and both sides are logged', async () => {
  const prefix = fresh('split')
  await heartbeat(redis, prefix, node('a'), [], TTL)
  await heartbeat(redis, prefix, node('b'), [], TTL)
  // Both placed room r on themselves while Redis was away: b at 2000, a at 1000.
  let out = await heartbeat(redis, prefix, node('b'), [{room: 'r', claimedAt: 2000}], TTL)
  assert.is(out[0]!.outcome, 'reclaimed')
  out = await heartbeat(redis, prefix, node('a'), [{room: 'r', claimedAt: 1000}], TTL)
  assert.equal(out, [{room: 'r', outcome: 'won', other: 'b', claimedAt: 1000}])
  out = await heartbeat(redis, prefix, node('b'), [{room: 'r', claimedAt: 2000}], TTL)
  assert.equal(out, [{room: 'r', outcome: 'lost', other: 'a', claimedAt: 1000}])
  assert.is((await findRoomOwner(redis, prefix, 'r'))?.id, 'a')
  // A tie: the lower id keeps it, whoever beats first.
  await heartbeat(redis, prefix, node('b'), [{room: 't', claimedAt: 500}], TTL)
  out = await heartbeat(redis, prefix, node('a'), [{room: 't', claimedAt: 500}], TTL)
  assert.is(out[0]!.outcome, 'won')
  out = await heartbeat(redis, prefix, node('b'), [{room: 't', claimedAt: 500}], TTL)
  assert.is(out[0]!.outcome, 'lost')
  const events = (await redis.lrange(keys.events(prefix), 0, -1)).map((e) => JSON.parse(e) as {outcome: string})
  assert.equal(
    events.map((e) => e.outcome),
    ['lost', 'won', 'lost', 'won'],
  )
  assert.equal((await listRoomsByNode(redis, prefix)).get('b'), [])
})

test('deregister removes the node and its claims: its rooms are placeable at once', async () => {
  const prefix = fresh('dereg')
  await heartbeat(redis, prefix, node('a'), [], TTL)
  await heartbeat(redis, prefix, node('b', {participants: 9}), [], TTL)
  await claimRoom(redis, prefix, {room: 'r', selfId: 'a', policy: leastParticipants, ttlMs: TTL})
  await deregister(redis, prefix, 'a')
  assert.equal(
    (await listNodes(redis, prefix)).map((n) => n.id),
    ['b'],
  )
  const p = await claimRoom(redis, prefix, {room: 'r', selfId: 'a', policy: leastParticipants, ttlMs: TTL})
  assert.is(p.kind !== 'none' && p.node.id, 'b')
})

test.run()
