// test-kind: e2e
// The node launcher's throwaway mode with the real node program (dist/src/sfu/main.js):
// a node in a temporary directory on free ports that stop() removes, several at once, and
// the failed starts each as one typed sentence with its exit code (a port in use is 2 and
// names the port, a missing program 69, a node that dies at startup 3 quoting its output).
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs'
import {createServer, type AddressInfo, type Server} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {BadInputError, EXIT, UnavailableError, UnreachableError} from '../../src/errors.js'
import {startThrowawayNode, startThrowawayNodes} from '../../src/fleet/node-launcher-throwaway.js'
import {isProcessAlive} from '../../src/fleet/process-check.js'

async function healthz(adminUrl: string, token: string): Promise<number> {
  return (await fetch(`${adminUrl}/healthz`, {headers: {authorization: `Bearer ${token}`}})).status
}

async function failure(p: Promise<unknown>): Promise<Error & {exitCode?: number}> {
  try {
    await p
  } catch (err) {
    return err as Error & {exitCode?: number}
  }
  return assert.unreachable('expected the start to fail') as never
}

function listen(host: string): Promise<Server> {
  return new Promise((resolve) => {
    const s = createServer()
    s.listen({host, port: 0}, () => resolve(s))
  })
}
const portOf = (s: Server) => (s.address() as AddressInfo).port

const throwawayDirs = () => new Set(readdirSync(tmpdir()).filter((d) => d.startsWith('confctl-throwaway-')))

test('a throwaway node answers on its own ports, and stop() ends it and removes its directory', async () => {
  const node = await startThrowawayNode({name: 'launcher-test'})
  try {
    assert.is(node.name, 'launcher-test')
    assert.ok(node.dir.startsWith(join(tmpdir(), 'confctl-throwaway-')), node.dir)
    assert.is(await healthz(node.adminUrl, node.adminToken), 200)
    assert.ok(node.state.rtcPorts[0] >= 50_000, `rtc ports ${node.state.rtcPorts.join('-')}`)
  } finally {
    assert.is(await node.stop(), 0, 'a graceful stop')
  }
  assert.not.ok(existsSync(node.dir), 'the directory is removed')
  assert.not.ok(isProcessAlive(node.pid), 'the process is gone')
  assert.is(await node.stop(), 0, 'stop() twice is harmless')
})

test('several throwaway nodes side by side: own names, directories and ports, extra node arguments, one stop', async () => {
  const fleet = await startThrowawayNodes(3, {
    name: 'fleet-test',
    nodeArgs: (i) => ['--max-sessions', String(10 + i)],
  })
  try {
    assert.equal(
      fleet.nodes.map((n) => n.name),
      ['fleet-test-1', 'fleet-test-2', 'fleet-test-3'],
    )
    assert.is(new Set(fleet.nodes.map((n) => n.dir)).size, 3)
    assert.is(new Set(fleet.nodes.map((n) => n.adminUrl)).size, 3)
    const blocks = fleet.nodes.map((n) => n.state.rtcPorts[0])
    assert.is(new Set(blocks).size, 3, `rtc blocks ${blocks.join(', ')}`)
    for (const n of fleet.nodes) assert.is(await healthz(n.adminUrl, n.adminToken), 200)
    fleet.nodes.forEach((n, i) => {
      const argv = readFileSync(`/proc/${n.pid}/cmdline`, 'utf8').split('\0')
      assert.is(argv[argv.lastIndexOf('--max-sessions') + 1], String(10 + i), `node ${i + 1} got its own arguments`)
    })
  } finally {
    await fleet.stop()
  }
  for (const n of fleet.nodes) assert.not.ok(existsSync(n.dir), `${n.dir} removed`)
})

test('a public port in use: exit 2, one sentence naming the port and the flag, nothing spawned or left behind', async () => {
  const taken = await listen('0.0.0.0')
  const before = throwawayDirs()
  try {
    const err = await failure(startThrowawayNode({port: portOf(taken)}))
    assert.instance(err, BadInputError)
    assert.is(err.exitCode, EXIT.badInput)
    assert.is(err.message, `the public port 0.0.0.0:${portOf(taken)} is already in use; choose another with --port.`)
  } finally {
    taken.close()
  }
  assert.equal(throwawayDirs(), before, 'no directory left')
})

test('a port the node itself cannot get (it lost the race): exit 2 naming the port, with its own words quoted', async () => {
  const taken = await listen('127.0.0.1')
  const before = throwawayDirs()
  try {
    // Past the launcher's check: as if another program took the port in between.
    const err = await failure(startThrowawayNode({nodeArgs: ['--admin-port', String(portOf(taken))]}))
    assert.instance(err, BadInputError)
    assert.is(err.exitCode, EXIT.badInput)
    assert.match(err.message, `a port (127.0.0.1:${portOf(taken)}) is already in use; try again`)
    assert.match(err.message, `| confctl-node: port already in use (127.0.0.1:${portOf(taken)})`)
  } finally {
    taken.close()
  }
  assert.equal(throwawayDirs(), before, 'its directory is removed')
})

test('a missing node program: exit 69 (this machine), not 1, and no directory created', async () => {
  const before = throwawayDirs()
  const err = await failure(startThrowawayNode({script: join(tmpdir(), 'no-such-node.js')}))
  assert.instance(err, UnavailableError)
  assert.is(err.exitCode, EXIT.unavailable)
  assert.match(err.message, /the SFU node program is missing at .*no-such-node\.js; build it with `npm run build`\./)
  assert.equal(throwawayDirs(), before)
})

test('a spawn that fails (the wrapper program does not exist): exit 69 naming the reason', async () => {
  const err = await failure(startThrowawayNode({wrapper: ['/nonexistent/prlimit']}))
  assert.instance(err, UnavailableError)
  assert.is(err.exitCode, EXIT.unavailable)
  assert.match(err.message, /could not start node 'throwaway-\d+': .*ENOENT/)
})

test('a node that exits at startup: exit 3 quoting its last lines; a given directory is kept', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'confctl-launcher-test-'))
  try {
    const err = await failure(startThrowawayNode({dir, nodeArgs: ['--max-sessions', 'many']}))
    assert.instance(err, UnreachableError)
    assert.is(err.exitCode, EXIT.unreachable)
    assert.match(
      err.message,
      /^node 'throwaway-\d+' exited with code 2 during startup; last lines of its output:\n {2}\| confctl-node: .*--max-sessions/,
    )
    assert.ok(existsSync(dir), 'the caller’s directory stays')
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})

test.run()
