// The snapshot poller (src/fleet/snapshot-poller.ts) with fake nodes: all nodes asked at once
// with a deadline each, unreachable nodes with the time of their last answer, one snapshot per
// tick that never changes afterwards, 60 s of history per stream, packets per second, IP
// addresses left out unless asked for. (Kept beside the dashboard's tests, which it feeds.)
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {BadInputError} from '../../src/errors.js'
import {parseIntervalMs, SnapshotPoller, type PollTarget} from '../../src/fleet/snapshot-poller.js'
import {inventoryTargets} from '../../src/fleet/snapshot-targets.js'
import {streamKey} from '../../src/fleet/snapshot.js'
import {answers, T0} from './fixtures.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

function target(name: string, behave: (n: number) => Promise<'ok' | Error | 'hang'>, t = () => 0): PollTarget {
  let calls = 0
  return {
    name,
    async fetch() {
      const what = await behave(calls++)
      if (what === 'hang') return new Promise(() => {})
      if (what instanceof Error) throw what
      const a = answers(t())['edge1'] as Exclude<ReturnType<typeof answers>[string], Error>
      return {info: {...a.info, name}, rooms: a.rooms}
    },
  }
}

test('all nodes are asked at once; a node that does not answer in time is unreachable, the others are not held up', async () => {
  const slow = (ms: number) => async () => (await sleep(ms), 'ok' as const)
  const targets = [target('a', slow(150)), target('b', slow(150)), target('c', async () => 'hang'), target('d', async () => new Error('connection refused.'))]
  const poller = new SnapshotPoller({targets: () => targets, timeoutMs: 300})
  const started = Date.now()
  const {snapshot} = await poller.tick()
  const took = Date.now() - started
  assert.ok(took < 450, `one tick took ${took} ms: nodes were asked one after the other, or the deadline did not hold`)
  assert.equal(
    snapshot.nodes.map((n) => [n.name, n.state, n.problem]),
    [
      ['a', 'up', null],
      ['b', 'up', null],
      ['c', 'unreachable', 'no answer within 300ms.'],
      ['d', 'unreachable', 'connection refused.'],
    ],
  )
  const c = snapshot.nodes[2]
  assert.equal([c.lastSeen, c.info, c.totals, c.rooms], [null, null, null, []], 'nothing stale is shown for an unreachable node')
})

test('a node that stops answering keeps the time of its last answer; one that answers again is up again', async () => {
  let now = T0
  const flaky = target('flaky', async (n) => (n === 1 || n === 2 ? new Error('gone.') : 'ok'))
  const poller = new SnapshotPoller({targets: () => [flaky], now: () => now})
  assert.is((await poller.tick()).snapshot.nodes[0].lastSeen, new Date(T0).toISOString())
  now += 1000
  const second = (await poller.tick()).snapshot
  now += 1000
  const third = (await poller.tick()).snapshot
  assert.equal([second.nodes[0].state, second.nodes[0].lastSeen], ['unreachable', new Date(T0).toISOString()])
  assert.equal([third.nodes[0].state, third.nodes[0].lastSeen, third.time], ['unreachable', new Date(T0).toISOString(), new Date(T0 + 2000).toISOString()])
  now += 1000
  const fourth = (await poller.tick()).snapshot
  assert.equal([fourth.nodes[0].state, fourth.nodes[0].lastSeen], ['up', new Date(T0 + 3000).toISOString()])
})

test('one snapshot per tick to every subscriber, never changed afterwards', async () => {
  let t = 0
  const poller = new SnapshotPoller({targets: () => [target('n1', async () => 'ok', () => t), target('n2', async () => 'ok', () => t)]})
  const seen: string[] = []
  const unsubscribe = poller.subscribe((tick) => seen.push(tick.snapshot.time))
  const first = await poller.tick()
  const frozen = JSON.stringify(first.snapshot)
  t = 5
  await sleep(5)
  const second = await poller.tick()
  unsubscribe()
  const third = await poller.tick()
  assert.is(seen.length, 2)
  assert.is(JSON.stringify(first.snapshot), frozen, 'the first snapshot did not change when the second was taken')
  assert.ok(second !== third && poller.latest() === third)
  const s1 = first.history.get(streamKey('n1', 'standup', 'pa11ce', {id: 'pa11ce:audio', direction: 'uplink'}))!
  assert.equal([s1.to - s1.from, s1.t[s1.from]], [1, Date.parse(first.snapshot.time)], "the first tick's history too")
  const s3 = third.history.get(streamKey('n1', 'standup', 'pa11ce', {id: 'pa11ce:audio', direction: 'uplink'}))!
  assert.is(s3.to - s3.from, 3)
})

test('history: one sample per stream per tick, the last 60 s only; packets per second from the counters', async () => {
  let now = T0
  let t = 0
  const poller = new SnapshotPoller({targets: () => [target('n1', async () => 'ok', () => t)], now: () => now})
  let last
  for (; t < 90; t++) {
    last = await poller.tick()
    now += 1000
  }
  const key = streamKey('n1', 'standup', 'pa11ce', {id: 'pa11ce:video', direction: 'uplink'})
  const series = last!.history.get(key)!
  assert.is(series.to - series.from, 60, 'samples older than 60 s are dropped')
  assert.is(series.t[series.to - 1], T0 + 89_000)
  assert.is(series.t[series.from], T0 + 30_000)
  assert.is(series.v[series.to - 1], 475_000, 'bitrate of the last tick')
  // The fixture sends 50 audio + 100 video packets a second per stream owner: 4 participants.
  assert.is(last!.snapshot.nodes[0].totals!.packetsPerSecond, 600)
  assert.is(last!.history.get(streamKey('n1', 'standup', 'gone', {id: 'gone:audio', direction: 'uplink'})), undefined)
})

test("participants' IP addresses are left out of the snapshot unless asked for", async () => {
  const without = await new SnapshotPoller({targets: () => [target('n1', async () => 'ok')]}).tick()
  const withIp = await new SnapshotPoller({targets: () => [target('n1', async () => 'ok')], keepRemoteIp: true}).tick()
  assert.not.match(JSON.stringify(without.snapshot), /198\.51\.100\.7|remoteIp/)
  assert.match(JSON.stringify(withIp.snapshot), /"remoteIp":"198\.51\.100\.7"/)
})

test('a draining node is "draining"; room worst figures and node totals are derived', async () => {
  const {snapshot} = await new SnapshotPoller({
    targets: () => [
      {
        name: 'edge2',
        fetch: async () => answers(0).edge2 as never,
      },
      {name: 'edge1', fetch: async () => answers(0).edge1 as never},
    ],
  }).tick()
  assert.is(snapshot.nodes[0].state, 'draining')
  const lecture = snapshot.nodes[1].rooms.find((r) => r.name === 'lecture')!
  assert.equal(lecture.worst, {jitterMs: 41, loss: 0.06, rttMs: null, mos: 3.1})
  assert.equal(
    {...snapshot.nodes[1].totals, bitrateInBps: undefined, bitrateOutBps: undefined},
    {rooms: 2, participants: 4, publishers: 3, subscribers: 1, bitrateInBps: undefined, bitrateOutBps: undefined, packetsPerSecond: null, cpuPercent: 23, worstLoss: 0.06},
  )
})

test('start() polls at the interval until stop(); a failing target list keeps the last good one', async () => {
  let calls = 0
  let fail = false
  const poller = new SnapshotPoller({
    targets: () => {
      calls++
      if (fail) throw new Error('fleet.yaml mid-edit')
      return [target('n1', async () => 'ok')]
    },
    intervalMs: 100,
  })
  const ticks: number[] = []
  poller.subscribe((t) => ticks.push(t.snapshot.nodes.length))
  poller.start()
  await sleep(250)
  fail = true
  await sleep(200)
  const stopped = Date.now()
  await poller.stop()
  assert.ok(Date.now() - stopped < 100, 'stop() does not wait for the next interval')
  const n = ticks.length
  await sleep(250)
  assert.is(ticks.length, n, 'no tick after stop()')
  assert.ok(n >= 4 && n <= 6, `${n} ticks in 450 ms at 100 ms`)
  assert.ok(ticks.every((x) => x === 1))
  assert.ok(calls >= n)
})

test('--node names no longer in fleet.yaml are shown unreachable, with the reason', async () => {
  const file = '/nonexistent/confctl-test/fleet.yaml'
  const targets = await inventoryTargets(['edge9'], file)()
  const {snapshot} = await new SnapshotPoller({targets: () => targets}).tick()
  assert.equal([snapshot.nodes[0].state, snapshot.nodes[0].problem], ['unreachable', `node 'edge9' is no longer in ${file}.`])
})

test('--interval values', () => {
  assert.is(parseIntervalMs('500ms', '--interval'), 500)
  assert.is(parseIntervalMs('1s', '--interval'), 1000)
  assert.is(parseIntervalMs('1.5s', '--interval'), 1500)
  assert.is(parseIntervalMs('2', '--interval'), 2000)
  assert.is(parseIntervalMs('1m', '--interval'), 60_000)
  for (const bad of ['50ms', '0', 'fast', '2h', '-1s', '']) {
    assert.throws(() => parseIntervalMs(bad, '--interval'), (e: unknown) => e instanceof BadInputError && /--interval must be a duration/.test((e as Error).message), bad)
  }
})

test.run()
