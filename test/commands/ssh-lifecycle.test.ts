// test-kind: e2e
// A node's whole life on a "remote" host, against a real OpenSSH server (test/helpers/sshd.ts)
// and through the built CLI: provision into a temporary directory (pidfile supervisor),
// provision again (nothing to do), status / room list / token through the SSH tunnel, a
// smoke check with real WebRTC clients, exec and an interactive `node ssh` in a pty, an
// upgrade to a rebuilt bundle while a room is open (the room goes on during the drain,
// the upgrade waits for it), a failed upgrade rolled back, `upgrade --all` stopping at the
// first failure, deprovision keeping the data, and --purge.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {execa} from 'execa'
import {existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync} from 'node:fs'
import {createRequire} from 'node:module'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {IPty} from 'node-pty'
import {AdminClient} from '../../src/fleet/admin-client.js'
import {closeAllTunnels} from '../../src/fleet/ssh/tunnel.js'
import {targetFromInventory} from '../../src/client/node-target.js'
import {waitForConnection} from '../../src/client/peer-state.js'
import {SyntheticPublisher} from '../../src/client/publisher.js'
import {runSmoke} from '../../src/client/smoke.js'
import {releaseNativeObjects} from '../../src/client/wrtc.js'
import {
  bin,
  brokenBundle,
  buildBundle,
  cli,
  killAll,
  oneLine,
  processesMentioning,
  randomRtcRange,
  root,
} from '../helpers/ssh-cli.js'
import {freePort, startSshd, type TestSshd} from '../helpers/sshd.js'

const require = createRequire(import.meta.url)
const pty = require('node-pty') as typeof import('node-pty')

let sshd: TestSshd
const home = mkdtempSync(join(tmpdir(), 'confctl-sshlife-'))
const remote = mkdtempSync(join(tmpdir(), 'confctl-sshlife-host-'))
const scratch = mkdtempSync(join(tmpdir(), 'confctl-sshlife-bundles-'))
const run = (...args: string[]) => cli(home, args)
const publishers: SyntheticPublisher[] = []
const terminals: IPty[] = []
const pkgVersion = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version as string
const ports = {n1: {port: 0, admin: 0, rtc: randomRtcRange()}, n2: {port: 0, admin: 0, rtc: randomRtcRange()}}
let v2: {version: string; dir: string; sha256: string}

test.before(async () => {
  sshd = await startSshd()
  process.env.CONFCTL_HOME = home // for the library calls (targetFromInventory)
  for (const n of [ports.n1, ports.n2]) {
    n.port = await freePort()
    n.admin = await freePort()
  }
})

test.after(async () => {
  for (const t of terminals) t.kill()
  for (const p of publishers) await p.close().catch(() => undefined)
  publishers.length = 0
  await releaseNativeObjects()
  await closeAllTunnels()
  for (const n of ['n1', 'n2']) await run('node', 'deprovision', n, '--purge').catch(() => undefined)
  killAll(processesMentioning(remote))
  await sshd?.stop()
  for (const d of [home, remote, scratch]) rmSync(d, {recursive: true, force: true})
})

function provisionArgs(name: 'n1' | 'n2'): string[] {
  return [
    'node',
    'provision',
    sshd.target,
    '--name',
    name,
    '--identity-file',
    sshd.userKey,
    '--known-hosts',
    sshd.knownHosts,
    '--remote-dir',
    join(remote, name),
    '--port',
    String(ports[name].port),
    '--admin-port',
    String(ports[name].admin),
    '--rtc-ports',
    ports[name].rtc,
    '--supervisor',
    'pidfile',
  ]
}

const remoteConfig = (name: string) => JSON.parse(readFileSync(join(remote, name, 'config.json'), 'utf8'))

test('provision puts the node on the host, starts it and records it', async () => {
  const r = await run(...provisionArgs('n1'), '--json')
  assert.is(r.exitCode, 0, r.stderr)
  const p = JSON.parse(r.stdout)
  assert.equal(
    {
      name: p.name,
      action: p.action,
      version: p.version,
      supervisor: p.supervisor,
      health: p.health,
      uploaded: p.uploaded,
    },
    {name: 'n1', action: 'provisioned', version: pkgVersion, supervisor: 'pidfile', health: 'ok', uploaded: true},
  )
  assert.is(p.publicUrl, `http://127.0.0.1:${ports.n1.port}`)
  const dir = join(remote, 'n1')
  const cfg = remoteConfig('n1')
  assert.is(cfg.sha256, p.sha256)
  assert.is(readlinkSync(join(dir, 'current')), `releases/${cfg.release}`)
  assert.is(readFileSync(join(dir, 'current', 'confctl-node.mjs.sha256'), 'utf8').split(' ')[0], p.sha256)
  for (const f of ['config.json', 'data/admin.token']) assert.is(statSync(join(dir, f)).mode & 0o777, 0o600, f)
  assert.is(statSync(join(dir, 'data')).mode & 0o777, 0o700)
  const state = JSON.parse(readFileSync(join(dir, 'data', 'state.json'), 'utf8'))
  assert.is(state.adminUrl, `http://127.0.0.1:${ports.n1.admin}`, 'the admin API listens on the host loopback only')
  const yaml = readFileSync(join(home, 'fleet.yaml'), 'utf8')
  assert.match(yaml, /kind: ssh/)
  assert.ok(yaml.includes(`dir: ${dir}`))
  assert.ok(yaml.includes(`identityFile: ${sshd.userKey}`))
})

test('provision again: already provisioned, healthy, nothing to do', async () => {
  const before = remoteConfig('n1')
  const r = await run(...provisionArgs('n1'))
  assert.is(r.exitCode, 0, r.stderr)
  assert.is(
    r.stdout.trim(),
    `node 'n1' on ${sshd.target} is already provisioned, version ${pkgVersion}, healthy: nothing to do.`,
  )
  assert.equal(remoteConfig('n1'), before)
  const changed = await run(
    ...provisionArgs('n1').map((a) => (a === String(ports.n1.port) ? String(ports.n1.port + 1) : a)),
  )
  assert.is(changed.exitCode, 2)
  assert.match(
    oneLine(changed),
    new RegExp(
      `already runs with other settings \\(--port ${ports.n1.port}, --public-url http://127\\.0\\.0\\.1:${ports.n1.port}\\)`,
    ),
  )
})

test('status, list, room list and token go through the SSH tunnel', async () => {
  const s = await run('node', 'status', 'n1', '--json')
  assert.is(s.exitCode, 0, s.stderr)
  const status = JSON.parse(s.stdout)
  assert.equal([status.kind, status.health, status.info.name, status.info.version], ['ssh', 'ok', 'n1', pkgVersion])
  // The URL confctl used is the local end of the tunnel, not the node's admin port.
  assert.match(status.adminUrl, /^http:\/\/127\.0\.0\.1:\d+$/)
  assert.is.not(status.adminUrl, `http://127.0.0.1:${ports.n1.admin}`)
  const list = JSON.parse((await run('node', 'list', '--json')).stdout)
  assert.equal([list.nodes[0].name, list.nodes[0].kind, list.nodes[0].state], ['n1', 'ssh', 'up'])
  const rooms = await run('room', 'list', '--node', 'n1', '--json')
  assert.is(rooms.exitCode, 0, rooms.stderr)
  assert.equal(JSON.parse(rooms.stdout).rooms, [])
  const t = await run('token', 'create', '--node', 'n1', '--room', 'r', '--identity', 'i', '--json')
  assert.is(t.exitCode, 0, t.stderr)
  assert.match(JSON.parse(t.stdout).token, /^ey/)
})

test('a smoke check against the remote node passes (admin API through the tunnel)', async () => {
  const target = await targetFromInventory('n1')
  assert.is(target.publicUrl, `http://127.0.0.1:${ports.n1.port}`)
  // What is tested here is the path through the tunnel, not call quality on a loaded CI
  // machine: a jitter bound that only a broken path exceeds.
  const report = await runSmoke({target, durationSeconds: 3, publishers: 1, subscribers: 1, maxJitterMs: 200})
  assert.ok(report.passed, JSON.stringify(report.streams))
  assert.is(report.node, 'n1')
  assert.is(report.streams.length, 2)
})

test("node exec runs a command in the node directory, passes stdin on, and exits with the command's code", async () => {
  const r = await run('node', 'exec', 'n1', '--', 'cat data/node.id && pwd')
  assert.is(r.exitCode, 0, r.stderr)
  assert.is(r.stdout, `${readFileSync(join(remote, 'n1', 'data', 'node.id'), 'utf8').trim()}\n${join(remote, 'n1')}`) // execa strips the last newline
  const j = await run('node', 'exec', 'n1', '--json', '--', 'echo out; echo err >&2; exit 4')
  assert.is(j.exitCode, 4, "the remote command's own exit code")
  assert.equal(JSON.parse(j.stdout), {
    name: 'n1',
    host: sshd.target,
    command: 'echo out; echo err >&2; exit 4',
    exitCode: 4,
    signal: null,
    stdout: 'out\n',
    stderr: 'err\n',
  })
  // stdin reaches the command (`echo x | confctl node exec n1 -- cat` printed nothing)...
  const piped = await cli(home, ['node', 'exec', 'n1', '--', 'cat; exit 3'], {input: 'from stdin\n'})
  assert.equal([piped.exitCode, piped.stdout], [3, 'from stdin'])
  // ...and a command that does not read it still ends, with stdin left open.
  const open = await cli(home, ['node', 'exec', 'n1', '--', 'true'], {stdin: 'pipe'})
  assert.is(open.exitCode, 0, open.stderr)
})

test('node ssh opens an interactive shell in the node directory (pty)', async () => {
  const term = pty.spawn(process.execPath, [bin, 'node', 'ssh', 'n1'], {
    cols: 100,
    rows: 30,
    cwd: root,
    env: {CONFCTL_HOME: home, PATH: process.env.PATH, TERM: 'xterm', HOME: process.env.HOME},
  })
  terminals.push(term)
  let screen = ''
  term.onData((d) => (screen += d))
  const exited = new Promise<number>((resolve) => term.onExit(({exitCode}) => resolve(exitCode)))
  const until = async (re: RegExp, what: string) => {
    const deadline = Date.now() + 15_000
    while (!re.test(screen)) {
      if (Date.now() > deadline) throw new Error(`no ${what} in the terminal:\n${screen}`)
      await new Promise((r) => setTimeout(r, 50))
    }
  }
  term.write('echo "where=$(pwd) sum=$((40+2))"\r')
  await until(/sum=42/, 'command output')
  assert.ok(screen.includes(`where=${join(remote, 'n1')}`), screen)
  term.write('exit\r')
  assert.is(await exited, 0)
})

test('upgrade to a rebuilt bundle with a room open: the room goes on during the drain, the upgrade waits for it', async () => {
  v2 = buildBundle(`${pkgVersion}-upgrade.2`, join(scratch, 'v2'))
  const target = await targetFromInventory('n1')
  const admin = new AdminClient({nodeName: 'n1', adminUrl: target.adminUrl, token: target.adminToken})
  const tok = async (room: string, identity: string) =>
    (await admin.createToken({room, identity, name: identity})).token
  const alice = await SyntheticPublisher.publish({
    whipUrl: `${target.publicUrl}/whip/standup`,
    token: await tok('standup', 'alice'),
  })
  publishers.push(alice)
  await waitForConnection(alice.pc, 15_000)

  const upgrade = execa(
    process.execPath,
    [bin, 'node', 'upgrade', 'n1', '--bundle', v2.dir, '--timeout', '60s', '--json'],
    {
      cwd: root,
      reject: false,
      env: {CONFCTL_HOME: home, FORCE_COLOR: '0'},
    },
  )
  const deadline = Date.now() + 30_000
  while ((await admin.health().catch(() => ({status: 'down'}))).status !== 'draining') {
    assert.ok(Date.now() < deadline, 'the node was not drained')
    await new Promise((r) => setTimeout(r, 200))
  }
  // Draining: no new room...
  const refused = await SyntheticPublisher.publish({
    whipUrl: `${target.publicUrl}/whip/latecomer`,
    token: await tok('latecomer', 'bob'),
  }).then(
    (p) => (publishers.push(p), 'accepted'),
    (err: Error) => err.message,
  )
  assert.match(refused, /503.*draining/)
  // ...but the open room goes on, and the upgrade waits for it. This asserts that something
  // does NOT happen, so it needs elapsed time: the upgrade polls the node every second, and
  // 2.5 s covers two polls that found the room still open (a slow machine only adds polls).
  await new Promise((r) => setTimeout(r, 2500))
  const rooms = await admin.rooms()
  assert.equal(
    rooms.map((r) => [r.name, r.participants]),
    [['standup', 1]],
  )
  assert.is(alice.pc.connectionState, 'connected')
  assert.is(upgrade.exitCode, null, 'the upgrade is still waiting')
  assert.is((await admin.node()).version, pkgVersion)

  await alice.close() // the last participant leaves: the room is empty
  const r = await upgrade
  assert.is(r.exitCode, 0, String(r.stderr))
  const report = JSON.parse(String(r.stdout))
  assert.is(report.nodes.length, 1)
  const n = report.nodes[0]
  assert.equal([n.action, n.from, n.to, n.roomsClosed, n.rolledBack], ['upgraded', pkgVersion, v2.version, 0, false])
  assert.ok(n.drainSeconds >= 2, `drained for ${n.drainSeconds}s`)
  const after = JSON.parse((await run('node', 'status', 'n1', '--json')).stdout)
  assert.equal([after.health, after.info.version, after.info.draining], ['ok', v2.version, false])
  const cfg = remoteConfig('n1')
  assert.equal([cfg.version, cfg.previousVersion], [v2.version, pkgVersion])
  // Upgrading again to the same bundle changes nothing.
  const again = JSON.parse((await run('node', 'upgrade', 'n1', '--bundle', v2.dir, '--json')).stdout)
  assert.is(again.nodes[0].action, 'unchanged')
})

test('an upgrade that fails its health check is rolled back to the bundle that ran', async () => {
  const broken = brokenBundle(join(scratch, 'broken'))
  const r = await run('node', 'upgrade', 'n1', '--bundle', broken, '--health-timeout', '10s')
  assert.is(r.exitCode, 3)
  // One sentence, then what the broken release wrote to node.log when it failed to start.
  const [sentence, heading, ...lines] = r.stderr.trim().split('\n')
  assert.match(
    sentence!,
    new RegExp(
      `^confctl: .*exited during startup; it was rolled back to version ${v2.version.replace(/[.]/g, '\\.')} and is healthy again\\.$`,
    ),
  )
  assert.is(heading, `last lines of ${join(remote, 'n1', 'data', 'node.log')}:`)
  assert.ok(lines.includes('  | confctl-node: broken test bundle'), r.stderr)
  assert.not.match(r.stderr, /\s+at .+:\d+:\d+/)
  const after = JSON.parse((await run('node', 'status', 'n1', '--json')).stdout)
  assert.equal([after.health, after.info.version], ['ok', v2.version])
  assert.is(remoteConfig('n1').version, v2.version)
})

test('upgrade --all goes one node at a time and stops at the first failure, leaving the rest untouched', async () => {
  const p = await run(...provisionArgs('n2'))
  assert.is(p.exitCode, 0, p.stderr)
  const before = remoteConfig('n2')
  const r = await run(
    'node',
    'upgrade',
    '--all',
    '--bundle',
    join(scratch, 'broken'),
    '--health-timeout',
    '10s',
    '--json',
  )
  assert.is(r.exitCode, 3)
  const report = JSON.parse(r.stdout)
  assert.equal(
    report.nodes.map((n: {name: string; action: string; rolledBack: boolean}) => [n.name, n.action, n.rolledBack]),
    [
      ['n1', 'failed', true],
      ['n2', 'skipped', false],
    ],
  )
  assert.match(r.stderr.split('\n')[0]!, /\(1 node\(s\) after it left untouched\)\.$/)
  assert.ok(report.nodes[0].log.lines.includes('confctl-node: broken test bundle'), JSON.stringify(report.nodes[0]))
  assert.equal(remoteConfig('n2'), before)
  assert.equal(JSON.parse((await run('node', 'status', 'n2', '--json')).stdout).info.version, pkgVersion)
})

test('deprovision stops the node and removes it, keeping its data; --purge removes everything', async () => {
  const dir = join(remote, 'n1')
  const r = await run('node', 'deprovision', 'n1', '--json')
  assert.is(r.exitCode, 0, r.stderr)
  const d = JSON.parse(r.stdout)
  assert.equal([d.name, d.wasRunning, d.purged], ['n1', true, false])
  for (const kept of ['node.db', 'access.log', 'node.log', 'node.id']) {
    assert.ok(d.kept.includes(kept), kept)
    assert.ok(existsSync(join(dir, 'data', kept)), kept)
  }
  for (const gone of [
    'releases',
    'current',
    'config.json',
    'run.sh',
    'data/admin.token',
    'data/join.secret',
    'data/node.pid',
  ]) {
    assert.not.ok(existsSync(join(dir, gone)), gone)
  }
  assert.equal(processesMentioning(join(dir, 'data')), [])
  assert.not.match(readFileSync(join(home, 'fleet.yaml'), 'utf8'), /name: n1/)
  const status = await run('node', 'status', 'n1')
  assert.is(status.exitCode, 2)

  const purge = await run('node', 'deprovision', 'n2', '--purge', '--json')
  assert.is(purge.exitCode, 0, purge.stderr)
  assert.is(JSON.parse(purge.stdout).purged, true)
  assert.not.ok(existsSync(join(remote, 'n2')))
  assert.equal(processesMentioning(join(remote, 'n2')), [])
})

test.run()
