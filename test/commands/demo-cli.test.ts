// `confctl demo` in a real pseudo-terminal: it must show the room with its participants
// refreshing, and Ctrl-C must stop the participants and the node, leaving no process.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import pty from 'node-pty'
import {bin, cli, processesMentioning, root} from './helpers.js'

const strip = (s: string) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')

test('demo shows three participants publishing, and Ctrl-C leaves nothing running', async () => {
  const home = mkdtempSync(join(tmpdir(), 'confctl-demo-'))
  const term = pty.spawn(process.execPath, [bin, 'demo', '--participants', '3'], {
    cols: 160,
    rows: 50,
    cwd: root,
    env: {...process.env, CONFCTL_HOME: home, NO_COLOR: '1'} as Record<string, string>,
  })
  let screen = ''
  term.onData((d) => (screen += d))
  const exited = new Promise<number>((resolve) => term.onExit(({exitCode}) => resolve(exitCode)))
  try {
    await watchAndStop(term, () => screen, exited)
  } finally {
    term.kill('SIGKILL')
  }
})

async function watchAndStop(term: pty.IPty, output: () => string, exited: Promise<number>): Promise<void> {
  let screen = output()
  const deadline = Date.now() + 45_000
  // Wait until a refresh shows every participant's streams with packets flowing.
  while (!/9 participants \(3 publishing, 6 subscribing\)/.test(strip(screen)) || !/downlink\s+video\s+VP8/.test(strip(screen))) {
    if (Date.now() > deadline) throw new Error(`demo did not show the room in time:\n${strip(screen).slice(-2000)}`)
    await new Promise((r) => setTimeout(r, 250))
    screen = output()
  }
  const nodes = processesMentioning('confctl-smoke-')
  assert.ok(nodes.length >= 1, 'the demo runs a node process')
  term.write('\x03')
  const code = await Promise.race([exited, new Promise<number>((r) => setTimeout(() => r(-1), 20_000))])
  assert.is(code, 0, `demo exit code (output: ${strip(output()).slice(-500)})`)
  await new Promise((r) => setTimeout(r, 300))
  assert.equal(nodes.filter((pid) => processesMentioning('confctl-smoke-').includes(pid)), [], 'no node process left behind')
}

test('demo rejects bad flags with exit 2 and one sentence', async () => {
  const home = mkdtempSync(join(tmpdir(), 'confctl-demo-'))
  const r = await cli(home, ['demo', '--participants', '0'])
  assert.is(r.exitCode, 2)
  assert.match(r.stderr, /--participants must be from 1 to 8/)
  const j = await cli(home, ['demo', '--json'])
  assert.is(j.exitCode, 2)
  assert.match(j.stderr, /--json needs --duration/)
})

test.run()
