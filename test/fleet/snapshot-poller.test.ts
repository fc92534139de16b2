// test-kind: unit
// The snapshot poller (src/fleet/snapshot-poller.ts) with fake nodes: all nodes asked at once
// with a deadline each, unreachable nodes with the time of their last answer, one snapshot per
// tick that never changes afterwards, room details only for the focused room, 60 s of history
// per stream of that room, packets per second from the rooms' counters, IP addresses left out
// unless asked for. (Kept beside the dashboard's tests, which it feeds.) No test sleeps: time
// is injected (now, and a scheduler that hands out the waits between ticks), and concurrency is
// shown by nodes that answer only once all of them were asked.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {BadInputError} from '../../src/errors.js'
import {AdminClient} from '../../src/fleet/admin-client.js'
import {
  parseIntervalMs,
  SnapshotPoller,
  type DetailRequest,
  type PollTarget,
  type Scheduler,
} from '../../src/fleet/snapshot-poller.js'
import {clientTarget, inventoryTargets} from '../../src/fleet/snapshot-targets.js'
import {streamKey} from '../../src/fleet/snapshot.js'
import {until} from '../helpers/until.js'
import {answers, serve, T0} from '../fixtures/tui-snapshot.js'

/** The poller's waits between ticks, handed out by the test: each is recorded with its length,
 *  and fires only when the test calls fire(). */
function manualScheduler() {
  const waits: Array<{ms: number; fire: () => void; state: 'open' | 'fired' | 'cancelled'}> = []
  const schedule: Scheduler = (fire, ms) => {
    const w = {ms, fire, state: 'open' as 'open' | 'fired' | 'cancelled'}
    waits.push(w)
    return () => {
      if (w.state === 'open') w.state = 'cancelled'
    }
  }
  const open = () => waits.filter((w) => w.state === 'open')
  const fire = () => {
    const w = open()[0]!
    w.state = 'fired'
    w.fire()
  }
  return {schedule, waits, open, fire}
}

/** A fake node serving edge1's fixture rooms (under its own name); `asked` records the
 *  detail request of each fetch. */
function target(
  name: string,
  behave: (n: number) => Promise<'ok' | Error | 'hang'>,
  t = () => 0,
  asked: DetailRequest[] = [],
): PollTarget {
  let calls = 0
  return {
    name,
    async fetch(_timeoutMs, details) {
      asked.push(details)
      const what = await behave(calls++)
      if (what === 'hang') return new Promise(() => {})
      if (what instanceof Error) throw what
      const a = answers(t())['edge1'] as Exclude<ReturnType<typeof answers>[string], Error>
      return serve({info: {...a.info, name}, rooms: a.rooms}, details)
    },
  }
}

test('all nodes are asked at once; a node that does not answer in time is unreachable, the others are not held up', async () => {
  // a and b answer only once both were asked: asked one after the other, a would miss its deadline.
  let asked = 0
  let bothAsked!: () => void
  const both = new Promise<void>((r) => (bothAsked = r))
  const together = async () => {
    if (++asked === 2) bothAsked()
    await both
    return 'ok' as const
  }
  const targets = [
    target('a', together),
    target('b', together),
    target('c', async () => 'hang'),
    target('d', async () => new Error('connection refused.')),
  ]
  const poller = new SnapshotPoller({targets: () => targets, timeoutMs: 300})
  let timer: NodeJS.Timeout | undefined
  const bounded = new Promise<never>(
    (_, reject) =>
      (timer = setTimeout(
        () => reject(new Error('the tick did not end within 10 s: the per-node deadline did not hold')),
        10_000,
      )),
  )
  const {snapshot} = await Promise.race([poller.tick(), bounded]).finally(() => clearTimeout(timer))
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
  assert.equal(
    [c.lastSeen, c.info, c.totals, c.rooms],
    [null, null, null, []],
    'nothing stale is shown for an unreachable node',
  )
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
  assert.equal(
    [third.nodes[0].state, third.nodes[0].lastSeen, third.time],
    ['unreachable', new Date(T0).toISOString(), new Date(T0 + 2000).toISOString()],
  )
  now += 1000
  const fourth = (await poller.tick()).snapshot
  assert.equal([fourth.nodes[0].state, fourth.nodes[0].lastSeen], ['up', new Date(T0 + 3000).toISOString()])
})

test('one snapshot per tick to every subscriber, never changed afterwards', async () => {
  let t = 0
  let now = T0
  const poller = new SnapshotPoller({
    targets: () => [
      target(
        'n1',
        async () => 'ok',
        () => t,
      ),
      target(
        'n2',
        async () => 'ok',
        () => t,
      ),
    ],
    now: () => now,
  })
  poller.focus({node: 'n1', room: 'standup'})
  const seen: string[] = []
  const unsubscribe = poller.subscribe((tick) => seen.push(tick.snapshot.time))
  const first = await poller.tick()
  const frozen = JSON.stringify(first.snapshot)
  t = 5
  now += 1000
  const second = await poller.tick()
  unsubscribe()
  const third = await poller.tick()
  assert.equal(seen, [new Date(T0).toISOString(), new Date(T0 + 1000).toISOString()])
  assert.is(JSON.stringify(first.snapshot), frozen, 'the first snapshot did not change when the second was taken')
  assert.ok(second !== third && poller.latest() === third)
  const s1 = first.history.get(streamKey('n1', 'standup', 'pa11ce', {id: 'pa11ce:audio', direction: 'uplink'}))!
  // A history sample is stamped with its node's answer time, which is within the tick that
  // published the snapshot (at or before the snapshot's time, which is taken at the end).
  const snapAt = Date.parse(first.snapshot.time)
  assert.is(s1.to - s1.from, 1, "the first tick's history has one sample")
  assert.ok(
    s1.t[s1.from]! <= snapAt && s1.t[s1.from]! >= snapAt - 1000,
    `sample at ${s1.t[s1.from]}, snapshot at ${snapAt}`,
  )
  const s3 = third.history.get(streamKey('n1', 'standup', 'pa11ce', {id: 'pa11ce:audio', direction: 'uplink'}))!
  assert.is(s3.to - s3.from, 3)
})

test('history: one sample per stream per tick, the last 60 s only; packets per second from the counters', async () => {
  let now = T0
  let t = 0
  const poller = new SnapshotPoller({
    targets: () => [
      target(
        'n1',
        async () => 'ok',
        () => t,
      ),
    ],
    now: () => now,
  })
  poller.focus({node: 'n1', room: 'standup'})
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
  // The fixture sends 50 audio + 100 video packets a second per stream owner: 4 participants
  // (in both rooms: the counters come with every room's summary, not only the focused one's).
  assert.is(last!.snapshot.nodes[0].totals!.packetsPerSecond, 600)
  assert.is(last!.history.get(streamKey('n1', 'standup', 'gone', {id: 'gone:audio', direction: 'uplink'})), undefined)
})

test("participants' IP addresses are left out of the snapshot unless asked for", async () => {
  const without = await new SnapshotPoller({targets: () => [target('n1', async () => 'ok')], details: 'all'}).tick()
  const withIp = await new SnapshotPoller({
    targets: () => [target('n1', async () => 'ok')],
    keepRemoteIp: true,
    details: 'all',
  }).tick()
  assert.match(JSON.stringify(without.snapshot), /"participantsList"/)
  assert.not.match(JSON.stringify(without.snapshot), /198\.51\.100\.7|remoteIp/)
  assert.match(JSON.stringify(withIp.snapshot), /"remoteIp":"198\.51\.100\.7"/)
})

test('a draining node is "draining"; room worst figures and node totals are derived', async () => {
  const {snapshot} = await new SnapshotPoller({
    targets: () => [
      {
        name: 'edge2',
        fetch: async (_, details) => serve(answers(0).edge2 as never, details),
      },
      {name: 'edge1', fetch: async (_, details) => serve(answers(0).edge1 as never, details)},
    ],
  }).tick()
  assert.is(snapshot.nodes[0].state, 'draining')
  const lecture = snapshot.nodes[1].rooms.find((r) => r.name === 'lecture')!
  assert.equal(
    [lecture.worstJitterMs, lecture.worstLossPercent, lecture.worstRttMs, lecture.worstMos],
    [41, 6, null, 3.1],
    "from the room's summary: no details were fetched",
  )
  assert.is(lecture.participantsList, undefined)
  const standup = snapshot.nodes[1].rooms.find((r) => r.name === 'standup')!
  assert.equal(
    [standup.worstJitterMs, standup.worstLossPercent, standup.worstRttMs, standup.worstMos],
    [24.5, 0, 42, 3.9],
  )
  assert.equal(
    {...snapshot.nodes[1].totals, bitrateInBps: undefined, bitrateOutBps: undefined},
    {
      rooms: 2,
      people: 4,
      participants: 4,
      publishers: 3,
      subscribers: 1,
      bitrateInBps: undefined,
      bitrateOutBps: undefined,
      packetsPerSecond: null,
      cpuPercent: 23,
      worstLossPercent: 6,
    },
  )
})

test('room details are fetched only for the focused room, on its node; history only for its streams', async () => {
  const asked: Record<string, DetailRequest[]> = {n1: [], n2: []}
  let t = 0
  const poller = new SnapshotPoller({
    targets: () => [
      target(
        'n1',
        async () => 'ok',
        () => t,
        asked.n1,
      ),
      target(
        'n2',
        async () => 'ok',
        () => t,
        asked.n2,
      ),
    ],
  })
  const standup = (tick: Awaited<ReturnType<typeof poller.tick>>, node = 'n1') =>
    tick.snapshot.nodes.find((n) => n.name === node)!.rooms.find((r) => r.name === 'standup')!
  // Nothing focused (fleet and rooms views): summaries only, no history.
  let tick = await poller.tick()
  assert.equal([asked.n1.at(-1), asked.n2.at(-1)], [[], []])
  assert.ok(
    tick.snapshot.nodes.every((n) => n.rooms.length === 2 && n.rooms.every((r) => r.participantsList === undefined)),
  )
  assert.is(standup(tick).participants, 3, 'the summary is there all the same')
  assert.is(tick.history.size, 0)
  // The room view of n1/standup: that room of that node, no other.
  poller.focus({node: 'n1', room: 'standup'})
  for (t = 1; t <= 3; t++) tick = await poller.tick()
  assert.equal([asked.n1.at(-1), asked.n2.at(-1)], [['standup'], []])
  assert.equal(
    standup(tick).participantsList!.map((p) => p.identity),
    ['alice', 'bob', 'carol'],
  )
  assert.is(standup(tick, 'n2').participantsList, undefined)
  assert.is(tick.snapshot.nodes[0].rooms.find((r) => r.name === 'lecture')!.participantsList, undefined)
  assert.is(tick.history.size, 6, "the focused room's six streams")
  const alice = tick.history.get(streamKey('n1', 'standup', 'pa11ce', {id: 'pa11ce:audio', direction: 'uplink'}))!
  assert.is(alice.to - alice.from, 3, 'history since the room was focused')
  // Focusing the same room again (the participant view) changes nothing; another room does.
  poller.focus({node: 'n1', room: 'standup'})
  poller.focus({node: 'n2', room: 'lecture'})
  tick = await poller.tick()
  assert.equal([asked.n1.at(-1), asked.n2.at(-1)], [[], ['lecture']])
  assert.is(tick.history.size, 2, "only the newly focused room's streams")
  poller.focus(null)
  tick = await poller.tick()
  assert.equal([asked.n1.at(-1), asked.n2.at(-1)], [[], []])
  assert.is(tick.history.size, 0)
  // A one-off snapshot (`top --once --json`) takes every room in detail.
  const all = await new SnapshotPoller({
    targets: () => [
      target(
        'n1',
        async () => 'ok',
        () => 0,
        asked.n1,
      ),
    ],
    details: 'all',
  }).tick()
  assert.is(asked.n1.at(-1), 'all')
  assert.ok(all.snapshot.nodes[0].rooms.every((r) => Array.isArray(r.participantsList)))
})

test('focus() brings the next tick forward when the poller sleeps', async () => {
  const asked: DetailRequest[] = []
  const clock = manualScheduler()
  const poller = new SnapshotPoller({
    targets: () => [
      target(
        'n1',
        async () => 'ok',
        () => 0,
        asked,
      ),
    ],
    intervalMs: 5000,
    now: () => T0,
    schedule: clock.schedule,
  })
  const ticks: number[] = []
  poller.subscribe(() => ticks.push(Date.now()))
  poller.start()
  await until('the first tick, then the wait for the next', () => ticks.length === 1 && clock.open().length === 1)
  assert.is(clock.open()[0]!.ms, 5000)
  poller.focus({node: 'n1', room: 'standup'})
  await until('a second tick', () => ticks.length === 2)
  assert.is(clock.waits[0]!.state, 'cancelled', 'a second tick at once, not after the 5 s wait')
  await poller.stop()
  assert.is(ticks.length, 2)
  assert.equal(asked, [[], ['standup']])
  assert.ok(poller.latest()!.snapshot.nodes[0].rooms[0].participantsList)
})

test("the admin API target asks GET /v1/rooms/{room} for the focused room only (and for every room for 'all')", async () => {
  const paths: string[] = []
  const a = answers(0).edge1 as Exclude<ReturnType<typeof answers>[string], Error>
  const server: Server = createServer((req, res) => {
    paths.push(req.url!)
    const room = /^\/v1\/rooms\/([^/]+)$/.exec(req.url!)?.[1]
    const body =
      req.url === '/v1/node'
        ? a.info
        : req.url === '/v1/rooms'
          ? {rooms: serve(a, []).rooms}
          : a.rooms.find((r) => r.name === room)
    res
      .writeHead(body ? 200 : 404, {'content-type': 'application/json'})
      .end(JSON.stringify(body ?? {error: {code: 'unknown_room', message: 'no such room'}}))
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  try {
    const adminUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const poller = new SnapshotPoller({
      targets: () => [
        clientTarget('edge1', (timeoutMs) => new AdminClient({nodeName: 'edge1', adminUrl, token: 't', timeoutMs})),
      ],
    })
    await poller.tick()
    assert.equal(paths.sort(), ['/v1/node', '/v1/rooms'])
    paths.length = 0
    poller.focus({node: 'edge1', room: 'standup'})
    const tick = await poller.tick()
    assert.equal(paths.sort(), ['/v1/node', '/v1/rooms', '/v1/rooms/standup'])
    assert.is(tick.snapshot.nodes[0].rooms.find((r) => r.name === 'standup')!.participantsList!.length, 3)
    // A focused room that closed meanwhile: no error, no details.
    paths.length = 0
    poller.focus({node: 'edge1', room: 'gone'})
    const gone = await poller.tick()
    assert.equal(paths.sort(), ['/v1/node', '/v1/rooms', '/v1/rooms/gone'])
    assert.is(gone.snapshot.nodes[0].state, 'up')
    paths.length = 0
    await new SnapshotPoller({
      targets: () => [clientTarget('edge1', () => new AdminClient({nodeName: 'edge1', adminUrl, token: 't'}))],
      details: 'all',
    }).tick()
    assert.equal(paths.sort(), ['/v1/node', '/v1/rooms', '/v1/rooms/lecture', '/v1/rooms/standup'])
  } finally {
    server.close()
  }
})

test('start() polls at the interval until stop(); a failing target list keeps the last good one', async () => {
  let calls = 0
  let fail = false
  let now = T0
  const clock = manualScheduler()
  const poller = new SnapshotPoller({
    targets: () => {
      calls++
      now += 30 // each tick takes 30 ms: the wait is what is left of the interval
      if (fail) throw new Error('fleet.yaml mid-edit')
      return [target('n1', async () => 'ok')]
    },
    intervalMs: 100,
    now: () => now,
    schedule: clock.schedule,
  })
  const ticks: number[] = []
  poller.subscribe((t) => ticks.push(t.snapshot.nodes.length))
  poller.start()
  for (let i = 1; i <= 4; i++) {
    await until(`tick ${i}, then the wait for the next`, () => ticks.length === i && clock.open().length === 1)
    assert.is(clock.open()[0]!.ms, 70, 'the interval is measured from the start of a tick')
    assert.is(ticks.length, i, 'no tick before its wait has passed')
    if (i === 2) fail = true
    if (i < 4) clock.fire()
  }
  let stopped = false
  void poller.stop().then(() => (stopped = true))
  await until('stop() returning while the next wait is still open', () => stopped, 5000)
  assert.is(clock.waits.at(-1)!.state, 'cancelled', 'stop() cancels the wait instead of sleeping through it')
  clock.waits.at(-1)!.fire() // a timer that fires late anyway
  await new Promise((r) => setImmediate(r))
  assert.is(ticks.length, 4, 'no tick after stop()')
  assert.ok(
    ticks.every((x) => x === 1),
    'the failing target list kept the last good one',
  )
  assert.is(calls, 4)
})

test('--node names no longer in fleet.yaml are shown unreachable, with the reason', async () => {
  const file = '/nonexistent/confctl-test/fleet.yaml'
  const targets = await inventoryTargets(['edge9'], file)()
  const {snapshot} = await new SnapshotPoller({targets: () => targets}).tick()
  assert.equal(
    [snapshot.nodes[0].state, snapshot.nodes[0].problem],
    ['unreachable', `node 'edge9' is no longer in ${file}.`],
  )
})

test('--interval values', () => {
  assert.is(parseIntervalMs('500ms', '--interval'), 500)
  assert.is(parseIntervalMs('1s', '--interval'), 1000)
  assert.is(parseIntervalMs('1.5s', '--interval'), 1500)
  assert.is(parseIntervalMs('2', '--interval'), 2000)
  assert.is(parseIntervalMs('1m', '--interval'), 60_000)
  for (const bad of ['50ms', '0', 'fast', '2h', '-1s', '']) {
    assert.throws(
      () => parseIntervalMs(bad, '--interval'),
      (e: unknown) => e instanceof BadInputError && /--interval must be a duration/.test((e as Error).message),
      bad,
    )
  }
})

test.run()
