// test-kind: e2e
// The node launcher's normal mode against a fake node program (test/fixtures/fake-node.ts) that
// can die, hang or ignore SIGTERM on demand.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createServer, type AddressInfo, type Server} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {BadInputError, UnreachableError} from '../../src/errors.js'
import type {LocalNodeEntry} from '../../src/fleet/inventory.js'
import {runLocalNodeForeground, startLocalNode, stopLocalNode} from '../../src/fleet/node-launcher-local.js'
import {readPidfile, runningPid} from '../../src/fleet/node-dir.js'
import {nodeFiles} from '../../src/fleet/paths.js'

const script = fileURLToPath(new URL('../fixtures/fake-node.js', import.meta.url))
const tmp = mkdtempSync(join(tmpdir(), 'confctl-sup-'))
let n = 0

function entry(): LocalNodeEntry {
  const name = `t${++n}`
  return {
    name,
    kind: 'local',
    dir: join(tmp, name),
    host: '127.0.0.1',
    port: 0,
    adminHost: '127.0.0.1',
    adminPort: 0,
    rtcPorts: [40000, 40001],
  }
}

/** Pids of processes whose command line names `dir`: what a test must not leave behind. */
function processesFor(dir: string): number[] {
  const out: number[] = []
  for (const p of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      const args = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0')
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8')
      if (args.includes(dir) && !/\) Z /.test(stat)) out.push(Number(p))
    } catch {}
  }
  return out
}

async function rejects<T extends Error>(
  p: Promise<unknown>,
  cls: new (...a: never[]) => T,
  ...fragments: string[]
): Promise<string> {
  try {
    await p
  } catch (err) {
    assert.instance(
      err,
      cls,
      `expected ${cls.name}, got ${(err as Error)?.constructor?.name}: ${(err as Error)?.message}`,
    )
    const msg = (err as Error).message
    for (const f of fragments) assert.ok(msg.includes(f), `"${msg}" should include "${f}"`)
    return msg
  }
  return assert.unreachable('expected a rejection') as never
}

test.before.each(() => {
  process.env.FAKE_NODE_MODE = 'ok'
})

test.after(() => {
  // Whatever a failed test left running, end it (only processes of our temp dirs).
  for (const pid of processesFor(tmp).concat(...readdirSync(tmp).map((d) => processesFor(join(tmp, d))))) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {}
  }
  rmSync(tmp, {recursive: true, force: true})
})

test('start detached: healthy, pidfile, log; refuses a second start; stop cleans up', async () => {
  const e = entry()
  const started = await startLocalNode(e, {script})
  assert.ok(started.pid > 0)
  assert.is(readPidfile(e.dir), started.pid)
  assert.is(runningPid(e.dir), started.pid)
  assert.is(started.health.status, 'ok')
  assert.match(started.state.adminUrl, /^http:\/\/127\.0\.0\.1:\d+$/)
  assert.match(readFileSync(nodeFiles(e.dir).log, 'utf8'), /ready on/)

  await rejects(
    startLocalNode(e, {script}),
    BadInputError,
    `node '${e.name}' is already running (pid ${started.pid}`,
    'confctl node down',
  )

  const stopped = await stopLocalNode(e)
  assert.equal({wasRunning: stopped.wasRunning, forced: stopped.forced}, {wasRunning: true, forced: false})
  assert.not.ok(existsSync(nodeFiles(e.dir).pid))
  assert.not.ok(existsSync(nodeFiles(e.dir).state))
  assert.equal(processesFor(e.dir), [])
  // Stopping again is fine.
  assert.is((await stopLocalNode(e)).wasRunning, false)
})

test('two starts of the same node at once: one runs, the other is refused', async () => {
  const e = entry()
  const results = await Promise.allSettled([startLocalNode(e, {script}), startLocalNode(e, {script})])
  const ok = results.filter((r) => r.status === 'fulfilled')
  const refused = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[]
  assert.is(ok.length, 1)
  assert.is(refused.length, 1)
  assert.instance(refused[0].reason, BadInputError)
  assert.match(refused[0].reason.message, /already running/)
  assert.is(processesFor(e.dir).length, 1)
  await stopLocalNode(e)
  assert.equal(processesFor(e.dir), [])
})

test('a node that dies at startup: exit 3 error with the end of node.log, nothing left', async () => {
  const e = entry()
  mkdirSync(e.dir, {recursive: true})
  writeFileSync(nodeFiles(e.dir).log, 'line from an earlier run\n')
  process.env.FAKE_NODE_MODE = 'die'
  const msg = await rejects(
    startLocalNode(e, {script}),
    UnreachableError,
    'exited with code 1 during startup',
    'fatal: something is wrong',
    nodeFiles(e.dir).log,
  )
  assert.not.ok(msg.includes('earlier run'), 'only lines of this start are shown')
  assert.not.ok(existsSync(nodeFiles(e.dir).pid))
  assert.equal(processesFor(e.dir), [])
})

test('a node that never becomes healthy: timeout error, process stopped', async () => {
  const e = entry()
  process.env.FAKE_NODE_MODE = 'hang'
  await rejects(
    startLocalNode(e, {script, timeoutMs: 800}),
    UnreachableError,
    'did not become healthy within 0.8s',
    'state.json',
  )
  assert.not.ok(existsSync(nodeFiles(e.dir).pid))
  assert.equal(processesFor(e.dir), [])
})

test('a node that ignores SIGTERM is SIGKILLed after the timeout', async () => {
  const e = entry()
  process.env.FAKE_NODE_MODE = 'ignore-term'
  await startLocalNode(e, {script})
  const r = await stopLocalNode(e, {timeoutMs: 500})
  assert.ok(r.wasRunning && r.forced)
  assert.not.ok(existsSync(nodeFiles(e.dir).state), 'state.json of a killed node is removed')
  assert.equal(processesFor(e.dir), [])
})

test('stale pidfile and state.json (dead pid, or a live pid that is not this node) are ignored and cleaned', async () => {
  const e = entry()
  mkdirSync(e.dir, {recursive: true})
  for (const pid of [999_999, process.pid]) {
    writeFileSync(nodeFiles(e.dir).pid, `${pid}\n`)
    writeFileSync(
      nodeFiles(e.dir).state,
      JSON.stringify({pid, adminUrl: 'http://127.0.0.1:1', publicUrl: 'http://127.0.0.1:2'}),
    )
    assert.is(runningPid(e.dir), undefined)
    const r = await stopLocalNode(e)
    assert.equal({wasRunning: r.wasRunning, stale: r.staleFilesRemoved}, {wasRunning: false, stale: true})
    assert.not.ok(existsSync(nodeFiles(e.dir).pid))
  }
  writeFileSync(nodeFiles(e.dir).pid, '999999\n')
  const started = await startLocalNode(e, {script})
  assert.is(readPidfile(e.dir), started.pid)
  await stopLocalNode(e)
})

test('a port in use is refused before anything starts', async () => {
  const blocker: Server = createServer()
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r))
  const port = (blocker.address() as AddressInfo).port
  try {
    const e = {...entry(), adminPort: port}
    await rejects(
      startLocalNode(e, {script}),
      BadInputError,
      `the admin port 127.0.0.1:${port} is already in use`,
      '--admin-port',
    )
    assert.equal(processesFor(e.dir), [])
    const e2 = {...entry(), port}
    await rejects(startLocalNode(e2, {script}), BadInputError, `127.0.0.1:${port}`, '--port')
  } finally {
    blocker.close()
  }
})

test('a missing node program is a clear error', async () => {
  await rejects(startLocalNode(entry(), {script: join(tmp, 'nope.js')}), Error, 'missing', 'npm run build')
})

test('foreground: returns the exit code; a SIGTERM from elsewhere (node down) is a clean 0', async () => {
  const e = entry()
  let readyPid = 0
  const r = await runLocalNodeForeground(e, {
    script,
    stdoutToStderr: true,
    onReady: (node) => {
      readyPid = node.pid
      assert.is(readPidfile(e.dir), node.pid)
      void stopLocalNode(e)
    },
  })
  assert.ok(readyPid > 0)
  assert.equal(r, {exitCode: 0, signal: undefined, ready: true})
  assert.not.ok(existsSync(nodeFiles(e.dir).pid))

  process.env.FAKE_NODE_MODE = 'die'
  const d = await runLocalNodeForeground(entry(), {script, stdoutToStderr: true})
  assert.equal({code: d.exitCode, ready: d.ready}, {code: 1, ready: false})
})

test('foreground: a node that never becomes healthy is stopped with a clear error', async () => {
  const e = entry()
  process.env.FAKE_NODE_MODE = 'hang'
  await rejects(
    runLocalNodeForeground(e, {script, stdoutToStderr: true, timeoutMs: 600}),
    UnreachableError,
    'did not become healthy within 0.6s',
    'output above',
  )
  assert.not.ok(existsSync(nodeFiles(e.dir).pid))
  assert.equal(processesFor(e.dir), [])
})

test('foreground: SIGTERM to confctl is forwarded to the node', async () => {
  const e = entry()
  const r = await runLocalNodeForeground(e, {script, stdoutToStderr: true, onReady: () => process.emit('SIGTERM')})
  assert.equal({code: r.exitCode, ready: r.ready}, {code: 0, ready: true})
  assert.equal(processesFor(e.dir), [])
})

test.run()
