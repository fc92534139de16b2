// test-kind: unit
// Rendering of each view from a fixed snapshot (test/fixtures/tui-snapshot.ts) with renderScreen, the
// pure function behind the Ink app: what is shown, that it fits the terminal, colours by band
// and none under NO_COLOR, and that IP addresses and control characters do not leak.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import type {SnapshotTick} from '../../src/fleet/snapshot-poller.js'
import {syntheticTargets} from '../helpers/synthetic-fleet.js'
import {SnapshotPoller} from '../../src/fleet/snapshot-poller.js'
import {cellWidth} from '../../src/tui/text.js'
import {lineText} from '../../src/tui/layout.js'
import {renderScreen, screenText} from '../../src/tui/screen.js'
import {initialState, reduce, type UiState, type View} from '../../src/tui/state.js'
import {detectColorLevel, makeTheme} from '../../src/tui/theme.js'
import {fixtureTick} from '../fixtures/tui-snapshot.js'

let tick: SnapshotTick
let tickWithIp: SnapshotTick
const plain = makeTheme(0)

test.before(async () => {
  tick = await fixtureTick()
  tickWithIp = await fixtureTick({keepRemoteIp: true})
})

const screen = (
  view: View,
  o: {width?: number; height?: number; ui?: UiState; showIp?: boolean; t?: SnapshotTick} = {},
) =>
  renderScreen(o.t ?? tick, o.ui ?? initialState(view), {
    width: o.width ?? 80,
    height: o.height ?? 24,
    theme: plain,
    showIp: o.showIp ?? false,
  })
const text = (view: View, o: Parameters<typeof screen>[1] = {}) => screenText(screen(view, o))
const row = (t: string, start: string) => t.split('\n').find((l) => l.includes(start)) ?? ''

const ROOM: View = {kind: 'room', node: 'edge1', room: 'standup'}
const VIEWS: View[] = [
  {kind: 'fleet'},
  {kind: 'rooms'},
  {kind: 'rooms', node: 'edge1'},
  ROOM,
  {kind: 'participant', node: 'edge1', room: 'standup', participantId: 'pcar01'},
]

test('fleet view: one row per node with state, rooms, participants, bitrates, packets/s, CPU, worst loss', () => {
  const t = text({kind: 'fleet'})
  assert.match(t.split('\n')[0], /^ top │ 3 nodes: 1 up, 1 draining, 1 unreachable │ 3 rooms │ 5 people 10:00:00Z $/)
  assert.match(
    text({kind: 'fleet'}, {width: 120}).split('\n')[0],
    /confctl top │ 3 nodes: 1 up, 1 draining, 1 unreachable │ 3 rooms │ 5 people │ every 1s\s+10:00:00Z $/,
  )
  assert.match(row(t, 'edge1'), /edge1\s+up\s+2\s+4\s+2\.3 Mb\/s\s+783 kb\/s\s+600\s+23%\s+6\.0%/)
  assert.match(row(t, 'edge2'), /edge2\s+draining\s+1\s+1\s+58 kb\/s\s+0 b\/s\s+50\s+4%\s+0\.0%/)
  assert.match(row(t, 'edge3 '), /edge3\s+unreachable 42s\s+-\s+-/)
  assert.match(t, /edge3 unreachable: select a node to see why/)
  // With edge3 selected, the reason is shown.
  const ui = reduce(reduce(initialState(), key('G')), key('G'))
  assert.match(
    text({kind: 'fleet'}, {ui}),
    /node 'edge3' is unreachable at http:\/\/127\.0\.0\.1:9: connection refused/,
  )
})

test('rooms view: room, node, participants, publishers, bitrate, worst jitter / loss / MOS, age', () => {
  const t = text({kind: 'rooms'})
  const lines = t.split('\n')
  assert.match(lines[2], /ROOM\s+NODE\s+PEOPLE\s+PUB\s+IN\s+OUT\s+JIT ms\s+LOSS\s+MOS\s+AGE/)
  assert.match(row(t, 'lecture'), /lecture\s+edge1\s+1\s+1\s+783 kb\/s\s+0 b\/s\s+41\.0\s+6\.0%\s+3\.10\s+1h02m/)
  assert.match(row(t, 'standup'), /standup\s+edge1\s+3\s+2\s+1\.6 Mb\/s\s+783 kb\/s\s+24\.5\s+0\.0%\s+3\.90\s+12m34s/)
  assert.match(row(t, 'quiet'), /quiet\s+edge2\s+1\s+1/)
  assert.ok(
    lines.findIndex((l) => l.includes('lecture')) < lines.findIndex((l) => l.includes('standup')),
    'sorted by name',
  )
  assert.not.match(text({kind: 'rooms', node: 'edge2'}), /standup/)
})

test('rooms view: s sorts by the next column (participants, most first); the filter narrows the rows', () => {
  let ui = initialState({kind: 'rooms'})
  for (const k of ['s', 's']) ui = reduce(ui, key(k, screen({kind: 'rooms'}, {ui}).ctx.rows.length))
  const t = text({kind: 'rooms'}, {ui})
  assert.match(t, /▼people/)
  const lines = t.split('\n')
  assert.match(lines[3], /standup/)
  let f = reduce(initialState({kind: 'rooms'}), key('/'))
  for (const ch of 'LEC') f = reduce(f, key(ch))
  const filtered = text({kind: 'rooms'}, {ui: f})
  assert.match(filtered, /lecture/)
  assert.not.match(filtered, /standup|quiet/)
  assert.match(filtered, /\/LEC▏\s+1 match/)
  assert.match(filtered, /filter 'LEC' \(1\/3\)/)
})

test('room view: participants x streams with kind, codec, direction, bitrate, loss, jitter, RTT, MOS and a 60 s sparkline', () => {
  const t = text(ROOM, {width: 150, height: 30})
  assert.match(t, /Room standup on edge1 · 3 \(2 pub\) · in 1\.6 Mb\/s · out 783 kb\/s · 12m34s/)
  assert.match(t, /PARTICIPANT\s+ROLE\s+KIND\s+CODEC\s+DIR\s+BITRATE\s+LOSS\s+JIT\s+RTT\s+MOS\s+LAST 60s/)
  assert.match(t, /alice\s+pub\s+audio\s+opus\s+up\s+58 kb\/s\s+0\.0%\s+3\.2\s+-\s+4\.38\s+[▁-█ ]{20,}/)
  assert.match(t, /bob\s+pub\s+video\s+VP8\s+up\s+725 kb\/s/)
  assert.match(t, /carol\s+sub\s+audio\s+opus\s+down\s+58 kb\/s\s+0\.0%\s+3\.2\s+42\.0\s+4\.38/)
  // 60 one-second samples in a 60-column sparkline: the 20 s ramp shows three times.
  const spark =
    row(t, 'alice')
      .trimEnd()
      .match(/[▁▂▃▄▅▆▇█]+$/)?.[0] ?? ''
  assert.is(spark.length, 60)
  const cols = [...spark]
  assert.is(cols[59], '█', 'the newest sample (top of the ramp) on the right')
  for (let i = 0; i < 40; i++) assert.is(cols[i], cols[i + 20], 'the 20 s ramp repeats')
  assert.not.match(t, /198\.51\.100\.7/, 'no IP address in the room view')
})

test('participant view: details, the IP only with --show-ip (and only if the snapshot kept it)', () => {
  const view: View = {kind: 'participant', node: 'edge1', room: 'standup', participantId: 'pcar01'}
  const hidden = text(view)
  assert.match(hidden, /identity\s+carol/)
  assert.match(hidden, /name\s+Carol C\./)
  assert.match(hidden, /session\s+pcar01 \(subscriber, connected\)/)
  assert.match(hidden, /receives\s+alice/)
  assert.match(hidden, /user agent Mozilla\/5\.0 \(X11; Linux x86_64\) Firefox\/128\.0/)
  assert.match(hidden, /address\s+hidden \(start top with --show-ip to show it\)/)
  assert.match(hidden, /audio\s+opus\s+down\s+58 kb\/s/)
  assert.not.match(hidden, /198\.51/)
  assert.match(text(view, {t: tickWithIp, showIp: true}), /address\s+198\.51\.100\.7/)
  assert.match(text(view, {showIp: true}), /address\s+-/, 'a snapshot taken without --show-ip has no address to show')
  assert.is((tick.snapshot.nodes[0].rooms[0].participantsList![0] as {remoteIp?: string}).remoteIp, undefined)
})

test('a room on an unreachable node, or one that closed, says so instead of showing stale data', () => {
  assert.match(
    text({kind: 'room', node: 'edge3', room: 'gone'}),
    /node 'edge3' is unreachable \(no answer for 42s\): nothing here is live\./,
  )
  assert.match(text({kind: 'room', node: 'edge1', room: 'gone'}), /room 'gone' is no longer on node 'edge1'/)
  assert.match(
    text({kind: 'participant', node: 'edge1', room: 'standup', participantId: 'nobody'}),
    /participant nobody has left room 'standup'/,
  )
  assert.match(text({kind: 'rooms', node: 'edge3'}), /node 'edge3' is unreachable: no live rooms to show/)
})

test('a room whose details are not in the tick yet (it was only just focused) says they are on their way', () => {
  // The fixture fetched only edge1/standup in detail: lecture has its summary, no participants.
  const lecture = tick.snapshot.nodes[0].rooms.find((r) => r.name === 'lecture')!
  assert.is(lecture.participantsList, undefined)
  const t = text({kind: 'room', node: 'edge1', room: 'lecture'})
  assert.match(t, /^Room lecture on edge1 · 1 \(1 pub\) · in 783 kb\/s/m, 'the title from the summary')
  assert.match(t, /fetching the participants of room 'lecture'…/)
  assert.not.match(t, /no participants|no longer/)
  const paused = reduce(initialState({kind: 'room', node: 'edge1', room: 'lecture'}), {
    type: 'key',
    input: 'p',
    key: {},
    ctx: {rows: [], pageSize: 1, sortColumns: 0},
  })
  assert.match(
    text({kind: 'room', node: 'edge1', room: 'lecture'}, {ui: paused}),
    /paused before the participants of room 'lecture' were fetched: p resumes\./,
  )
  const who = text({kind: 'participant', node: 'edge1', room: 'lecture', participantId: 'pdave1'})
  assert.match(who, /fetching the participants of room 'lecture'…/)
  assert.not.match(who, /has left/)
})

test('every view fits 80x24 exactly, and other sizes: as many lines as rows, never wider than the columns - 1', () => {
  for (const [w, h] of [
    [80, 24],
    [100, 30],
    [120, 40],
    [200, 50],
    [60, 16],
  ]) {
    for (const v of VIEWS) {
      const r = screen(v, {width: w, height: h})
      assert.is(r.lines.length, h, `${v.kind} at ${w}x${h}`)
      for (const l of r.lines) assert.ok(cellWidth(lineText(l)) <= w - 1, `${v.kind} at ${w}x${h}: '${lineText(l)}'`)
    }
  }
  assert.match(text({kind: 'fleet'}, {width: 30, height: 6}), /needs 40x8/)
})

test('the narrowest views drop the least important columns first', () => {
  const narrow = text(ROOM, {width: 60, height: 20})
  assert.match(narrow, /PARTICIPANT/)
  assert.match(narrow, /BITRATE/)
  assert.match(narrow, /LAST 60s/)
  assert.not.match(narrow, /ROLE|CODEC/)
})

test('colour: bands on the figures at 256 colours and truecolor; none at all without colour', () => {
  const rich = renderScreen(tick, initialState({kind: 'rooms'}), {
    width: 100,
    height: 24,
    theme: makeTheme(3),
    showIp: false,
  })
  const lecture = rich.lines.find((l) => lineText(l).includes('lecture'))!
  const seg = (s: string) => lecture.find((x) => x.text.trim() === s)
  assert.is(seg('6.0%')?.style?.color, '#ff5f5f', 'loss over 3 % is poor')
  assert.is(seg('41.0')?.style?.color, '#ff5f5f', 'jitter over 30 ms is poor')
  assert.is(seg('3.10')?.style?.color, '#ff5f5f', 'MOS under 3.6 is poor')
  const standup = rich.lines.find((l) => lineText(l).includes('standup'))!
  assert.is(standup.find((x) => x.text.trim() === '24.5')?.style?.color, '#ffd75f', 'jitter 20-30 ms is fair')
  const c256 = renderScreen(tick, initialState({kind: 'rooms'}), {
    width: 100,
    height: 24,
    theme: makeTheme(2),
    showIp: false,
  })
  assert.ok(c256.lines.flat().some((s) => s.style?.color === 'ansi256(203)'))
  for (const v of VIEWS) {
    for (const s of screen(v).lines.flat()) {
      assert.is(s.style?.color, undefined)
      assert.is(s.style?.backgroundColor, undefined)
    }
  }
  const sel = screen({kind: 'fleet'}).lines[3]
  assert.ok(
    sel[0].text === '›' && sel.some((s) => s.style?.inverse),
    'without colour the selection is a marker and inverse video',
  )
})

test('colour depth detection: NO_COLOR, FORCE_COLOR, COLORTERM, TERM, not a TTY', () => {
  assert.is(detectColorLevel({NO_COLOR: '1', COLORTERM: 'truecolor'}, true), 0)
  assert.is(detectColorLevel({FORCE_COLOR: '0', TERM: 'xterm-256color'}, true), 0)
  assert.is(detectColorLevel({COLORTERM: 'truecolor', TERM: 'xterm'}, true), 3)
  assert.is(detectColorLevel({TERM: 'xterm-256color'}, true), 2)
  assert.is(detectColorLevel({TERM: 'xterm'}, true), 1)
  assert.is(detectColorLevel({TERM: 'dumb'}, true), 0)
  assert.is(detectColorLevel({TERM: 'xterm-256color'}, false), 0)
  assert.is(detectColorLevel({FORCE_COLOR: '3'}, false), 3)
  assert.is(detectColorLevel({NO_COLOR: ''}, true), 1, 'an empty NO_COLOR does not count')
})

test('names and user agents cannot put escape sequences on the terminal', async () => {
  const evil: SnapshotTick = {snapshot: structuredClone(tick.snapshot), history: tick.history}
  const p = evil.snapshot.nodes[0].rooms.find((r) => r.name === 'standup')!.participantsList![0]
  p.identity = 'mallory\u001b[2J\u001b]0;pwned\u0007'
  p.userAgent = 'UA\u001b[31m\u202eevil'
  for (const v of [ROOM, {kind: 'participant', node: 'edge1', room: 'standup', participantId: p.id} as View]) {
    const t = text(v, {t: evil, width: 120})
    assert.not.ok(t.includes('\u001b'), v.kind)
    assert.not.ok(t.includes('\u202e'), v.kind)
    assert.match(t, /mallory\?\[2J\?\]0;pwned\?/)
  }
})

test('a long list scrolls with the cursor; a 1,000-room fleet renders quickly', async () => {
  const poller = new SnapshotPoller({
    targets: () => syntheticTargets({nodes: 10, rooms: 1000, participants: 5000}),
    intervalMs: 1000,
  })
  const big = await poller.tick()
  let ui = initialState({kind: 'rooms'})
  const started = performance.now()
  for (let i = 0; i < 500; i++)
    ui = reduce(ui, {
      type: 'key',
      input: 'j',
      key: {},
      ctx: renderScreen(big, ui, {width: 80, height: 24, theme: plain, showIp: false}).ctx,
    })
  const per = (performance.now() - started) / 500
  const t = screenText(renderScreen(big, ui, {width: 80, height: 24, theme: plain, showIp: false}))
  assert.match(t, /› room-0501/)
  assert.ok(per < 50, `one screen of 1,000 rooms took ${per.toFixed(1)} ms`)
})

function key(input: string, rows = 3) {
  return {
    type: 'key' as const,
    input,
    key: {},
    ctx: {
      rows: Array.from({length: rows}, (_, i) => ({key: `edge${i + 1}`, node: `edge${i + 1}`})),
      pageSize: 10,
      sortColumns: 9,
    },
  }
}

test.run()
