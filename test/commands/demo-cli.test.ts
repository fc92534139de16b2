// test-kind: e2e
// `confctl demo` in a real pseudo-terminal (node-pty), its output replayed into a terminal
// emulator to read the screen as a person would: after starting its throwaway node and
// joining the participants it must show the `confctl top` dashboard on the demo room (3
// publishers, 6 subscriber sessions, media flowing); q must leave the alternate screen, stop
// the participants and the node, exit 0 and leave no node process behind.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {spawnInTerminal} from '../tui/pty-session.js'
import {bin, cli, processesMentioning, root} from './helpers.js'

const COLS = 160
const ROWS = 50
const RMCUP = '\u001b[?1049l'
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** The demo's node processes: children of `parent` running in a confctl-throwaway-* directory
 *  (not those of other test runs on this machine). */
function nodesOf(parent: number): number[] {
  return processesMentioning('confctl-throwaway-').filter((pid) => {
    try {
      // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may contain spaces.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent
    } catch {
      return false
    }
  })
}

test('demo shows the demo room in the top dashboard; q restores the terminal, stops everything, exits 0', async () => {
  const home = mkdtempSync(join(tmpdir(), 'confctl-demo-'))
  const {
    term,
    vt,
    raw,
    alive,
    exited: ended,
  } = spawnInTerminal([process.execPath, bin, 'demo', '--participants', '3'], {
    cols: COLS,
    rows: ROWS,
    cwd: root,
    env: {...process.env, CONFCTL_HOME: home, NO_COLOR: '1', TERM: 'xterm-256color'} as Record<string, string>,
  })
  const exited = ended.then((e) => e.exitCode)
  const upStream = /demo-\d@example\.invalid\s+pub\s+(audio|video)\s+(opus|VP8)\s+up\s+\d+(\.\d)? [kM]?b\/s/g
  const downStream = /demo-\d@example\.invalid\s+sub\s+(audio|video)\s+(opus|VP8)\s+down\s+\d+(\.\d)? [kM]?b\/s/g
  const flowing = /sub\s+video\s+VP8\s+down\s+\d+(\.\d)? [kM]b\/s/
  try {
    // The dashboard, opened on the room: 9 sessions, 3 of them publishing, each with an audio
    // and a video stream; media reaching the subscribers.
    const deadline = Date.now() + 60_000
    let screen = vt.text()
    while (!(
      /^Room demo on demo-\d+ · 9 \(3 pub\)/m.test(screen) &&
      (screen.match(upStream) ?? []).length === 6 &&
      (screen.match(downStream) ?? []).length === 12 &&
      flowing.test(screen)
    )) {
      if (!alive() || Date.now() > deadline)
        throw new Error(
          `demo did not show the room in the dashboard${alive() ? ' in time' : ' (it exited)'}:\n${screen}\n${raw().slice(-300)}`,
        )
      await sleep(250)
      screen = vt.text()
    }
    assert.is(vt.altActive, true, 'the dashboard is on the alternate screen')
    assert.match(screen, /1 node: 1 up │ 1 room │ 3 people/)
    assert.match(screen, /PARTICIPANT\s+ROLE\s+KIND\s+CODEC\s+DIR\s+BITRATE\s+LOSS\s+JIT\s+RTT\s+MOS\s+LAST 60s/)
    for (const who of ['demo-1', 'demo-2', 'demo-3']) {
      assert.is(
        screen.match(new RegExp(`${who}@example\\.invalid\\s+pub\\s`, 'g'))?.length,
        2,
        `${who} publishes audio and video`,
      )
      assert.is(
        screen.match(new RegExp(`${who}@example\\.invalid\\s+sub\\s`, 'g'))?.length,
        4,
        `${who} watches the two others (audio and video each)`,
      )
    }
    const nodes = nodesOf(term.pid)
    assert.is(nodes.length, 1, 'the demo runs one node process')

    term.write('q')
    const code = await Promise.race([exited, sleep(30_000).then(() => -1)])
    assert.is(code, 0, `demo exit code (output: ${vt.text().slice(-500)})`)
    assert.equal(
      [vt.altEntered, vt.altLeft, vt.altActive],
      [1, 1, false],
      'the alternate screen was entered once and left',
    )
    const left = raw().lastIndexOf(RMCUP)
    assert.ok(
      left >= 0 && left < raw().indexOf('stopping participants and the node'),
      'the terminal is restored before the demo reports its shutdown',
    )
    assert.match(vt.text(), /demo stopped; nothing left running\./)
    await sleep(300)
    assert.equal(
      nodes.filter((pid) => processesMentioning('confctl-throwaway-').includes(pid)),
      [],
      'no node process left behind',
    )
  } finally {
    term.kill('SIGKILL')
    rmSync(home, {recursive: true, force: true})
  }
})

test('demo rejects bad flags with exit 2 and one sentence', async () => {
  const home = mkdtempSync(join(tmpdir(), 'confctl-demo-'))
  const r = await cli(home, ['demo', '--participants', '0'])
  assert.is(r.exitCode, 2)
  assert.match(r.stderr, /--participants must be from 1 to 8/)
  const j = await cli(home, ['demo', '--json'])
  assert.is(j.exitCode, 2)
  assert.match(j.stderr, /--json needs --duration/)
  rmSync(home, {recursive: true, force: true})
})

test.run()
