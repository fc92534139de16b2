// test-kind: e2e
// `confctl top` end to end: a real node started through the CLI, two real WebRTC publishers
// (@roamhq/wrtc over WHIP), and the dashboard running in a pseudo-terminal (node-pty, 100x30)
// whose output is replayed into a terminal emulator to read the screen as a person would.
// Keys drill down, filter, go back, kick; then the node is killed and the dashboard must show
// it unreachable and keep running; q must restore the terminal and exit 0. Also --once (tables
// and JSON) and SIGTERM.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {IPty} from 'node-pty'
import {bin, cli, killAll, processesMentioning, randomRtcRange, root} from './helpers.js'
import {publish, type Publisher} from './whip-publisher.js'
import {until} from '../helpers/until.js'
import {VirtualTerminal} from '../tui/vt.js'
import {spawnInTerminal} from '../tui/pty-session.js'

const home = mkdtempSync(join(tmpdir(), 'confctl-top-'))
const run = (...args: string[]) => cli(home, args)
const publishers: Publisher[] = []
const terminals: IPty[] = []
let publicUrl = ''
let nodePid = 0
const COLS = 100
const ROWS = 30
const RMCUP = '\u001b[?1049l'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

interface Session {
  term: IPty
  vt: VirtualTerminal
  raw: () => string
  exited: Promise<{exitCode: number; signal?: number}>
  alive: () => boolean
  screen: () => string
  waitFor: (what: RegExp | ((screen: string) => boolean), timeoutMs?: number) => Promise<string>
  press: (...keys: string[]) => Promise<void>
}

function startTop(...args: string[]): Session {
  const env: Record<string, string> = {
    CONFCTL_HOME: home,
    TERM: 'xterm-256color',
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: 'C.UTF-8',
  }
  const {term, vt, raw, alive, exited} = spawnInTerminal([process.execPath, bin, 'top', ...args], {
    cols: COLS,
    rows: ROWS,
    cwd: root,
    env,
  })
  terminals.push(term)
  const s: Session = {
    term,
    vt,
    raw,
    exited,
    alive,
    screen: () => vt.text(),
    async waitFor(what, timeoutMs = 15_000) {
      const ok = typeof what === 'function' ? what : (t: string) => what.test(t)
      const deadline = Date.now() + timeoutMs
      while (Date.now() < deadline) {
        if (ok(vt.text())) return vt.text()
        if (!alive()) break
        await sleep(50)
      }
      throw new Error(`screen never showed ${what}${alive() ? '' : ' (top exited)'}:\n${vt.text()}`)
    },
    async press(...keys) {
      for (const k of keys) {
        term.write(k)
        await sleep(120)
      }
    },
  }
  return s
}

const KEY = {tab: '\t', enter: '\r', esc: '\u001b', down: '\u001b[B'}

test.before(async () => {
  const r = await run(
    'node',
    'up',
    '--name',
    'e2e',
    '--port',
    '0',
    '--admin-port',
    '0',
    '--rtc-ports',
    randomRtcRange(),
    '--json',
  )
  assert.is(r.exitCode, 0, r.stderr)
  const up = JSON.parse(r.stdout)
  publicUrl = up.publicUrl
  nodePid = up.pid
  for (const who of ['alice', 'bob']) {
    const t = await run(
      'token',
      'create',
      '--room',
      'standup',
      '--identity',
      who,
      '--name',
      who.toUpperCase(),
      '--json',
    )
    assert.is(t.exitCode, 0, t.stderr)
    publishers.push(await publish(publicUrl, 'standup', JSON.parse(t.stdout).token))
  }
  // RTP measured by the node (packets, jitter and a bitrate in its room figures) before any test reads them.
  await until(
    'the node measuring both publishers in standup',
    async () => {
      const r = await run('top', '--once', '--json')
      if (r.exitCode !== 0) return false
      const room = JSON.parse(r.stdout).nodes[0]?.rooms.find((x: {name: string}) => x.name === 'standup')
      return (
        room?.participants === 2 && room.packets > 0 && typeof room.worstJitterMs === 'number' && room.bitrateInBps > 0
      )
    },
    30_000,
    200,
  )
})

test.after(async () => {
  for (const t of terminals) {
    try {
      t.kill('SIGKILL')
    } catch {}
  }
  for (const p of publishers) await p.close().catch(() => {})
  await run('node', 'down', 'e2e', '--timeout', '5s')
  killAll(processesMentioning(home))
  rmSync(home, {recursive: true, force: true})
})

test('top --once prints the fleet and its rooms as tables; --json the snapshot, IPs only with --show-ip', async () => {
  const once = await run('top', '--once')
  assert.is(once.exitCode, 0, once.stderr)
  assert.match(once.stdout, /NODE\s+STATE\s+ROOMS\s+PEOPLE\s+SESSIONS/)
  assert.match(once.stdout, /e2e\s+up\s+1\s+2/)
  assert.match(once.stdout, /standup\s+e2e\s+2\s+2/)
  const json = await run('top', '--once', '--json')
  assert.is(json.exitCode, 0, json.stderr)
  const snap = JSON.parse(json.stdout)
  assert.is(snap.version, 2)
  assert.equal(
    snap.nodes.map((n: {name: string; state: string}) => [n.name, n.state]),
    [['e2e', 'up']],
  )
  const room = snap.nodes[0].rooms[0]
  assert.is(room.name, 'standup')
  assert.equal(room.participantsList.map((p: {identity: string}) => p.identity).sort(), ['alice', 'bob'])
  // The node's own aggregates (GET /v1/rooms) are in the room, each figure under one name.
  assert.ok(room.packets > 0, `packets ${room.packets}`)
  assert.type(room.worstJitterMs, 'number')
  assert.type(room.worstLossPercent, 'number')
  assert.is(room.worst, undefined, 'no second name for the worst figures')
  assert.equal([room.people, room.participants], [2, 2])
  assert.equal(Object.keys(snap.nodes[0].totals).sort(), [
    'bitrateInBps',
    'bitrateOutBps',
    'cpuPercent',
    'packetsPerSecond',
    'participants',
    'people',
    'publishers',
    'rooms',
    'subscribers',
    'worstLossPercent',
  ])
  assert.not.match(json.stdout, /remoteIp/)
  const withIp = JSON.parse((await run('top', '--once', '--json', '--show-ip')).stdout)
  assert.match(withIp.nodes[0].rooms[0].participantsList[0].remoteIp, /^(127\.|::1|::ffff:127\.)/)
  // Without a terminal (stdout is a pipe here) and without --once: one snapshot too.
  const piped = await run('top')
  assert.is(piped.exitCode, 0)
  assert.match(piped.stdout, /e2e\s+up/)
  assert.equal((await run('top', '--node', 'nope')).exitCode, 2)
})

test('the dashboard in a terminal: drill down, filter, back, kick; a killed node turns unreachable; q restores the terminal', async () => {
  const s = startTop('--interval', '500ms')
  // Fleet view.
  let screen = await s.waitFor(/e2e\s+up\s+1\s+2\s/)
  assert.is(s.vt.altActive, true, 'on the alternate screen')
  assert.match(screen, /confctl top │ 1 node: 1 up │ 1 room │ 2 people │ every 500ms/)
  // Rooms view.
  await s.press(KEY.tab)
  screen = await s.waitFor(/standup\s+e2e\s+2\s+2\s/)
  assert.match(screen, /^Rooms/m)
  // Room view: both publishers' uplinks, with bitrates and a sparkline filling in.
  await s.press(KEY.enter)
  screen = await s.waitFor((t) => /alice\s+pub\s+audio\s+opus\s+up/.test(t) && /bob\s+pub\s+video\s+VP8\s+up/i.test(t))
  assert.match(screen, /^Room standup on e2e · 2 \(2 pub\)/m)
  screen = await s.waitFor(/alice\s+pub\s+video\s+VP8\s+up\s+\d+(\.\d)? [kM]b\/s.*[▁▂▃▄▅▆▇█]{3,}/i)
  // Filter as you type.
  await s.press('/', 'a', 'l', 'i')
  screen = await s.waitFor((t) => /\/ali▏/.test(t) && !/\bbob\b/.test(t))
  assert.match(screen, /alice\s+pub\s+audio/)
  // Keep the filter, open alice's details: no IP address without --show-ip.
  await s.press(KEY.enter, KEY.enter)
  screen = await s.waitFor(/^Participant alice in standup on e2e/m)
  assert.match(screen, /name\s+ALICE/)
  assert.match(screen, /address\s+hidden/)
  assert.match(screen, /user agent\s+\S+/)
  // Esc: back to the room (filter still on), Esc clears it, Esc back to the rooms.
  await s.press(KEY.esc)
  screen = await s.waitFor(/filter 'ali'/)
  await s.press(KEY.esc)
  screen = await s.waitFor(/\bbob\b/)
  // Kick bob (K, then y).
  await s.press('/', 'b', 'o', 'b', KEY.enter, 'K')
  screen = await s.waitFor(/Kick bob \(\w+\) from standup on e2e\? \[y\/N\]/)
  await s.press('y')
  screen = await s.waitFor(/kicked \w+ from room 'standup' on node 'e2e'/)
  await s.waitFor(/nothing matches 'bob'/)
  await s.press(KEY.esc, KEY.esc)
  screen = await s.waitFor(/standup\s+e2e\s+1\s+1\s/)
  // Kill the node: it shows unreachable, with the time since its last answer, and top runs on.
  await s.press(KEY.tab)
  await s.waitFor(/e2e\s+up/)
  process.kill(nodePid, 'SIGKILL')
  screen = await s.waitFor(/e2e\s+unreachable \d+s/, 10_000)
  assert.match(screen, /1 node: 0 up, 1 unreachable/)
  const first = Number(/unreachable (\d+)s/.exec(screen)![1])
  screen = await s.waitFor((t) => Number(/unreachable (\d+)s/.exec(t)?.[1] ?? -1) >= first + 2, 10_000)
  assert.ok(s.alive(), 'top is still running')
  assert.match(screen, /node 'e2e' is (down|unreachable)/, 'the reason, for the selected node')
  // q: the terminal is restored and the exit code is 0.
  await s.press('q')
  const exit = await Promise.race([s.exited, sleep(10_000).then(() => ({exitCode: -1}))])
  assert.is(exit.exitCode, 0)
  assert.ok(s.raw().endsWith(RMCUP), `output ends with rmcup; it ends with ${JSON.stringify(s.raw().slice(-40))}`)
  assert.is(s.vt.altActive, false)
  assert.is(s.vt.altLeft, 1)
})

test('with the node gone: --once says unreachable and exits 3; SIGTERM on the dashboard restores the terminal', async () => {
  const once = await run('top', '--once')
  assert.is(once.exitCode, 3)
  assert.match(once.stdout, /e2e\s+unreachable/)
  assert.match(once.stderr, /e2e: node 'e2e' is down/)
  const s = startTop()
  await s.waitFor(/e2e\s+unreachable/)
  s.term.kill('SIGTERM')
  const exit = await Promise.race([s.exited, sleep(10_000).then(() => ({exitCode: -1}))])
  assert.is(exit.exitCode, 143)
  assert.ok(s.raw().endsWith(RMCUP))
  assert.is(s.vt.altActive, false)
})

test('a resize redraws at the new size', async () => {
  const s = startTop()
  await s.waitFor(/e2e\s+unreachable/)
  s.term.resize(80, 24)
  s.vt.resize(80, 24)
  const screen = await s.waitFor((t) => t.split('\n').length === 24 && /q quit\s*$/.test(t.split('\n')[23]))
  assert.ok(
    screen.split('\n').every((l) => l.length <= 79),
    screen,
  )
  await s.press('q')
  assert.is((await s.exited).exitCode, 0)
  assert.ok(s.raw().endsWith(RMCUP))
})

test.run()
