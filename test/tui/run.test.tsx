// test-kind: unit
// The full-screen runner in-process, against fake terminal streams replayed into a small
// terminal emulator: the alternate screen is entered and left (on q, Ctrl-C, and on a crash,
// with the error on stderr), frames rewrite only the lines that changed, and a resize repaints
// a clean screen at the new size. Every step waits on what it needs (the frame on screen, Ink
// listening to the keyboard) with a deadline, never a fixed time: a loaded machine only slows it.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {EventEmitter} from 'node:events'
import {PassThrough} from 'node:stream'
import type {SnapshotTick} from '../../src/fleet/snapshot-poller.js'
import {staticSource} from '../../src/tui/app.js'
import {ScreenPainter} from '../../src/tui/painter.js'
import {LEAVE_ALT_SCREEN, runTop} from '../../src/tui/run.js'
import {until} from '../helpers/until.js'
import {fixtureTick} from '../fixtures/tui-snapshot.js'
import {VirtualTerminal} from './vt.js'

let tick: SnapshotTick
test.before(async () => {
  tick = await fixtureTick()
})

class FakeTty extends EventEmitter {
  isTTY = true
  columns = 80
  rows = 24
  out = ''
  vt = new VirtualTerminal(80, 24)
  write(s: string) {
    this.out += s
    this.vt.write(s)
    return true
  }
  resizeTo(columns: number, rows: number) {
    this.columns = columns
    this.rows = rows
    this.vt.resize(columns, rows)
    this.emit('resize')
  }
}

function fakeStdin() {
  const s = new PassThrough() as unknown as NodeJS.ReadStream & PassThrough
  Object.assign(s, {isTTY: true, setRawMode: () => s, ref: () => s, unref: () => s})
  return s
}

function start(source = staticSource(tick)) {
  const stdout = new FakeTty()
  const stdin = fakeStdin()
  let err = ''
  const stderr = {write: (s: string) => ((err += s), true)} as unknown as NodeJS.WriteStream
  const done = runTop({
    source,
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin,
    stderr,
    colorLevel: 2,
    handleProcessEvents: false,
  })
  const screen = () => stdout.vt.text()
  /** The dashboard is drawn and Ink reads the keyboard (its useInput listener is attached after
   *  the first frame, so a key written earlier would be lost). */
  const ready = () =>
    until(
      'the first frame and the keyboard listener',
      () => /3 nodes: /.test(screen()) && stdin.listenerCount('readable') > 0,
    )
  return {stdout, stdin, done, stderr: () => err, screen, ready}
}

test('the painter rewrites only the lines that changed, each at its place', () => {
  let out = ''
  const vt = new VirtualTerminal(20, 4)
  const painter = new ScreenPainter({write: (s) => ((out += s), vt.write(s))}, true)
  painter.frame('one\ntwo\nthree')
  assert.equal(vt.lines(), ['one', 'two', 'three', ''])
  assert.match(out, /\u001b\[2J/, 'the first frame starts from a clean screen')
  out = ''
  painter.frame('one\nTWO!\nthree')
  assert.equal(vt.lines(), ['one', 'TWO!', 'three', ''])
  assert.is(out.match(/\u001b\[\d+;1H/g)?.length, 1, 'one line rewritten')
  assert.ok(out.startsWith('\u001b[?2026h') && out.endsWith('\u001b[?2026l'), 'in one synchronized update')
  out = ''
  painter.frame('one\nTWO!\nthree')
  assert.is(out, '', 'nothing changed, nothing written')
  painter.frame('short')
  assert.equal(vt.lines(), ['short', '', '', ''], 'lines no longer in the frame are cleared')
  out = ''
  painter.invalidate()
  assert.match(out, /\u001b\[2J/, 'after a resize the last frame is repainted on a clean screen')
  assert.equal(vt.lines(), ['short', '', '', ''])
})

test('q: the alternate screen is entered, the dashboard drawn, then left; exit code 0', async () => {
  const t = start()
  await t.ready()
  assert.is(t.stdout.vt.altActive, true)
  assert.match(t.screen(), /3 nodes: 1 up, 1 draining, 1 unreachable/)
  assert.match(t.screen(), /› edge1\s+up/)
  assert.is(t.stdout.vt.lines().length, 24)
  t.stdin.write('q')
  assert.is(await t.done, 0)
  assert.ok(t.stdout.out.endsWith(LEAVE_ALT_SCREEN), 'ends with leaving the alternate screen')
  assert.equal([t.stdout.vt.altEntered, t.stdout.vt.altLeft, t.stdout.vt.altActive], [1, 1, false])
  assert.match(t.stdout.out, /\u001b\[\?25h\u001b\[\?1049l$/, 'cursor shown again')
})

test('Ctrl-C quits the same way', async () => {
  const t = start()
  await t.ready()
  t.stdin.write('\u0003')
  assert.is(await t.done, 0)
  assert.ok(t.stdout.out.endsWith(LEAVE_ALT_SCREEN))
})

test('a crash while rendering restores the terminal first, then reports the error; exit code 1', async () => {
  const source = staticSource(tick)
  const t = start(source)
  await t.ready()
  source.set({snapshot: {...tick.snapshot, nodes: null as never}, history: tick.history})
  assert.is(await t.done, 1)
  assert.ok(t.stdout.out.endsWith(LEAVE_ALT_SCREEN))
  assert.is(t.stdout.vt.altActive, false)
  assert.match(t.stderr(), /^confctl: the dashboard stopped on an error: /)
})

test('a resize repaints the whole screen at the new size, and keeps the view', async () => {
  const t = start()
  await t.ready()
  t.stdin.write('\t')
  await until('the rooms view', () => /^Rooms/m.test(t.screen()))
  t.stdout.resizeTo(120, 30)
  await until('the repaint at 120x30', () => /q quit/.test(t.stdout.vt.lines()[29] ?? ''))
  const lines = t.stdout.vt.lines()
  assert.is(lines.length, 30)
  assert.match(lines[0], /confctl top │ 3 nodes/, 'the wide title')
  assert.match(t.screen(), /^Rooms/m)
  assert.match(lines[29], /q quit/, 'the key bar on the new last line')
  t.stdout.resizeTo(60, 20)
  await until('the repaint at 60x20', () => /q quit/.test(t.stdout.vt.lines()[19] ?? ''))
  const small = t.stdout.vt.lines()
  assert.is(small.length, 20)
  assert.ok(
    small.every((l) => l.length <= 59),
    'nothing of the wider layout is left',
  )
  assert.match(small[19], /q quit/, small.join('\n'))
  t.stdin.write('q')
  assert.is(await t.done, 0)
})

test.run()
