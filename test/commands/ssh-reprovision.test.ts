// test-kind: e2e
// `node provision` run again on a node that exists, against the real OpenSSH server
// (test/helpers/sshd.ts): restarting a node killed with SIGKILL keeps the release it was
// upgraded to (it used to reinstall the bundle confctl ships, a silent downgrade), an older
// bundle needs --allow-downgrade, flags left out keep the values recorded on the host, and
// the releases of failed upgrades are removed after a successful one (the last N kept);
// `node list` says down for a node stopped on a reachable host and shows its admin URL on
// that host; the pidfile supervisor starts a node killed with SIGKILL again.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {
  brokenBundle,
  buildBundle,
  bundleDir,
  cli,
  killAll,
  oneLine,
  processesMentioning,
  randomRtcRange,
  root,
} from '../helpers/ssh-cli.js'
import {freePort, startSshd, type TestSshd} from '../helpers/sshd.js'
import {until} from '../helpers/until.js'

let sshd: TestSshd
const home = mkdtempSync(join(tmpdir(), 'confctl-sshre-'))
const remote = mkdtempSync(join(tmpdir(), 'confctl-sshre-host-'))
const scratch = mkdtempSync(join(tmpdir(), 'confctl-sshre-bundles-'))
const run = (...args: string[]) => cli(home, args)
const pkgVersion = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version as string
const ports = {port: 0, admin: 0, rtc: randomRtcRange()}
const dir = join(remote, 'r1')
/** A version newer than the package's: its next patch, as a pre-release. */
const newer = pkgVersion.replace(/^(\d+)\.(\d+)\.(\d+).*$/, (_m, a, b, c) => `${a}.${b}.${Number(c) + 1}-restart.1`)
let v2: {version: string; dir: string; sha256: string}

test.before(async () => {
  sshd = await startSshd()
  ports.port = await freePort()
  ports.admin = await freePort()
})

test.after(async () => {
  await run('node', 'deprovision', 'r1', '--purge').catch(() => undefined)
  killAll(processesMentioning(remote))
  await sshd?.stop()
  for (const d of [home, remote, scratch]) rmSync(d, {recursive: true, force: true})
})

/** The flags that say how to reach the host; nothing about the node itself. */
function reach(): string[] {
  return [
    'node',
    'provision',
    sshd.target,
    '--name',
    'r1',
    '--identity-file',
    sshd.userKey,
    '--known-hosts',
    sshd.knownHosts,
    '--remote-dir',
    dir,
  ]
}

function allFlags(): string[] {
  return [
    ...reach(),
    '--port',
    String(ports.port),
    '--admin-port',
    String(ports.admin),
    '--rtc-ports',
    ports.rtc,
    '--supervisor',
    'pidfile',
  ]
}

const remoteConfig = () => JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))

/** SIGKILL the node and its supervising loop (the whole session), as a power cut or the
 *  OOM killer would, and wait until both are gone. */
async function crash(): Promise<void> {
  const pid = Number(readFileSync(join(dir, 'data', 'node.pid'), 'utf8'))
  assert.ok(pid > 0, 'the pidfile names the supervisor')
  process.kill(-pid, 'SIGKILL')
  await until('the node and its supervisor to die', () => processesMentioning(`${dir}/`).length === 0, 10_000, 100)
}

test('provision again after a crash restarts the upgraded release, not the bundle confctl ships', async () => {
  const first = await run(...allFlags())
  assert.is(first.exitCode, 0, first.stderr)
  v2 = buildBundle(newer, join(scratch, 'v2'))
  const up = await run('node', 'upgrade', 'r1', '--bundle', v2.dir, '--json')
  assert.is(up.exitCode, 0, up.stderr)
  const upgraded = remoteConfig()
  assert.equal([upgraded.version, upgraded.previousVersion], [v2.version, pkgVersion])

  await crash()
  const again = await run(...allFlags(), '--json')
  assert.is(again.exitCode, 0, again.stderr)
  const r = JSON.parse(again.stdout)
  assert.equal([r.action, r.version, r.sha256, r.uploaded], ['provisioned', v2.version, v2.sha256, false])
  const cfg = remoteConfig()
  for (const k of ['version', 'sha256', 'release', 'previousRelease', 'previousVersion', 'upgradedAt', 'provisionedAt'])
    assert.is(cfg[k], upgraded[k], `config.json keeps ${k}`)
  assert.is(readlinkSync(join(dir, 'current')), `releases/${upgraded.release}`)
  const status = JSON.parse((await run('node', 'status', 'r1', '--json')).stdout)
  assert.equal([status.health, status.info.version], ['ok', v2.version])
})

test('an older bundle over a newer installed one is refused without --allow-downgrade, and nothing changes', async () => {
  await crash()
  const before = remoteConfig()
  const r = await run(...allFlags(), '--bundle', bundleDir)
  assert.is(r.exitCode, 2)
  assert.is(
    oneLine(r),
    `confctl: node 'r1' on ${sshd.target} has version ${v2.version} installed, newer than the bundle's ${pkgVersion}; pass --allow-downgrade to install the older one.`,
  )
  assert.equal(remoteConfig(), before)
  assert.equal(processesMentioning(join(dir, 'data')), [], 'the node was not started')

  const down = await run(...allFlags(), '--bundle', bundleDir, '--allow-downgrade', '--json')
  assert.is(down.exitCode, 0, down.stderr)
  assert.is(JSON.parse(down.stdout).version, pkgVersion)
  const cfg = remoteConfig()
  assert.equal([cfg.version, cfg.previousVersion, cfg.previousRelease], [pkgVersion, v2.version, before.release])
  const status = JSON.parse((await run('node', 'status', 'r1', '--json')).stdout)
  assert.is(status.info.version, pkgVersion)
})

test('provision again without the node flags keeps the recorded settings; a flag given changes only its value', async () => {
  const same = await run(...reach())
  assert.is(same.exitCode, 0, same.stderr)
  assert.match(same.stdout, /already provisioned, version .*, healthy: nothing to do\./)

  await crash()
  const before = remoteConfig()
  const port = await freePort()
  const moved = await run(...reach(), '--port', String(port), '--json')
  assert.is(moved.exitCode, 0, moved.stderr)
  assert.is(JSON.parse(moved.stdout).publicUrl, `http://127.0.0.1:${port}`, 'the default public URL follows the port')
  const cfg = remoteConfig()
  assert.equal(
    [cfg.port, cfg.adminPort, cfg.rtcPorts, cfg.supervisor, cfg.release],
    [port, before.adminPort, before.rtcPorts, before.supervisor, before.release],
  )
  ports.port = port
  assert.match(readFileSync(join(home, 'fleet.yaml'), 'utf8'), new RegExp(`publicUrl: http://127.0.0.1:${port}`))

  // On a healthy node a value that differs is still refused, naming the recorded one.
  const changed = await run(...reach(), '--rtc-ports', '41000-41009')
  assert.is(changed.exitCode, 2)
  assert.match(oneLine(changed), new RegExp(`already runs with other settings \\(--rtc-ports ${ports.rtc}\\)`))
  assert.equal(remoteConfig(), cfg)
})

test('a --port equal to the recorded admin port is refused before anything changes', async () => {
  const r = await run(...reach(), '--port', String(ports.admin))
  assert.is(r.exitCode, 2)
  assert.match(
    oneLine(r),
    /--port and --admin-port must differ \(both would be \d+\); give another --admin-port as well\.$/,
  )
})

test('releases of failed upgrades are kept up to --keep-releases (default 2) beside the running and previous ones', async () => {
  const releases = () => readdirSync(join(dir, 'releases')).sort()
  const failed: string[] = []
  for (const n of [1, 2, 3]) {
    const r = await run(
      'node',
      'upgrade',
      'r1',
      '--bundle',
      brokenBundle(join(scratch, `broken${n}`), `0.0.${n}-broken`),
      '--health-timeout',
      '10s',
    )
    assert.is(r.exitCode, 3, r.stderr)
    failed.push(releases().find((d) => d.startsWith(`0.0.${n}-broken-`))!)
  }
  const before = remoteConfig()
  assert.is(releases().length, 5, `the running, the previous and three failed releases: ${releases()}`)

  const v3 = buildBundle(
    newer.replace(/\.(\d+)-restart/, (_m, p) => `.${Number(p) + 1}-restart`),
    join(scratch, 'v3'),
  )
  const up = await run('node', 'upgrade', 'r1', '--bundle', v3.dir)
  assert.is(up.exitCode, 0, up.stderr)
  const cfg = remoteConfig()
  assert.is(cfg.previousRelease, before.release)
  assert.equal(
    releases(),
    [cfg.release, before.release, failed[1]!, failed[2]!].sort(),
    'the two newest failed ones stay',
  )

  await crash()
  const p = await run(...reach(), '--keep-releases', '0')
  assert.is(p.exitCode, 0, p.stderr)
  assert.equal(releases(), [cfg.release, before.release].sort(), 'only the running and the previous release stay')
})

test('a provision whose node fails to start shows the end of its node.log below the sentence', async () => {
  const r2 = join(remote, 'r2')
  const r = await cli(home, [
    'node',
    'provision',
    sshd.target,
    '--name',
    'r2',
    '--identity-file',
    sshd.userKey,
    '--known-hosts',
    sshd.knownHosts,
    '--remote-dir',
    r2,
    '--port',
    String(await freePort()),
    '--admin-port',
    String(await freePort()),
    '--bundle',
    brokenBundle(join(scratch, 'broken-r2')),
    '--timeout',
    '10s',
  ])
  assert.is(r.exitCode, 3)
  const [sentence, heading, ...lines] = r.stderr.trim().split('\n')
  assert.is(
    sentence,
    `confctl: node 'r2' on ${sshd.target} exited during startup; last lines of ${join(r2, 'data', 'node.log')}:`,
  )
  // The node's own words, between the supervisor's lines about restarting it.
  const quoted = [heading!, ...lines]
  assert.ok(quoted.includes('  | confctl-node: broken test bundle'), r.stderr)
  assert.ok(
    quoted.every((l) => l.startsWith('  | ')),
    r.stderr,
  )
  assert.equal(processesMentioning(r2), [], 'the failed node and its supervisor were stopped')
  assert.not.match(readFileSync(join(home, 'fleet.yaml'), 'utf8'), /name: r2/)
})

test('node list: an ssh node shows its admin URL on the host; stopped on a reachable host it is down', async () => {
  const adminOnHost = `http://127.0.0.1:${ports.admin}`
  const listed = async (h = home) => {
    const r = await cli(h, ['node', 'list', '--json'])
    assert.is(r.exitCode, 0, r.stderr)
    return JSON.parse(r.stdout).nodes.find((n: {name: string}) => n.name === 'r1')
  }
  const up = await listed()
  assert.equal([up.state, up.adminUrl, up.host], ['up', adminOnHost, '127.0.0.1'])
  const table = await run('node', 'list')
  assert.ok(table.stdout.includes(`127.0.0.1:${ports.admin} on 127.0.0.1 via SSH`), table.stdout)

  await crash()
  const down = await listed()
  assert.equal([down.state, down.adminUrl], ['down', adminOnHost])
  assert.match(down.problem, /is not running: nothing answers on its admin port/)
  assert.not.match((await run('node', 'list')).stderr, /r1:/, 'a down node is not reported as a problem')

  // A host that does not answer at all is unreachable (the same entry, another SSH port).
  const elsewhere = mkdtempSync(join(tmpdir(), 'confctl-sshre-gone-'))
  try {
    const yaml = readFileSync(join(home, 'fleet.yaml'), 'utf8').replace(/sshPort: \d+/, `sshPort: ${await freePort()}`)
    writeFileSync(join(elsewhere, 'fleet.yaml'), yaml)
    const gone = await listed(elsewhere)
    assert.is(gone.state, 'unreachable', gone.problem)
  } finally {
    rmSync(elsewhere, {recursive: true, force: true})
  }
  const back = await run(...reach())
  assert.is(back.exitCode, 0, back.stderr)
})

test('the pidfile supervisor starts a node killed with SIGKILL again; node status counts the restart', async () => {
  const supervisor = Number(readFileSync(join(dir, 'data', 'node.pid'), 'utf8'))
  const [nodePid] = processesMentioning(join(dir, 'data'))
  assert.ok(nodePid && nodePid !== supervisor, 'the node runs as a child of its supervisor')
  process.kill(nodePid, 'SIGKILL')
  const status = await until(
    'the node to come back',
    async () => {
      const r = await run('node', 'status', 'r1', '--json')
      return r.exitCode === 0 && JSON.parse(r.stdout).restarts ? JSON.parse(r.stdout) : undefined
    },
    30_000,
    250,
  )
  assert.equal([status.health, status.restarts.count, status.restarts.lastExitCode], ['ok', 1, 137])
  assert.is.not(processesMentioning(join(dir, 'data'))[0], nodePid, 'a new node process')
  assert.is(Number(readFileSync(join(dir, 'data', 'node.pid'), 'utf8')), supervisor, 'the same supervisor')
  assert.match(
    readFileSync(join(dir, 'data', 'node.log'), 'utf8'),
    /confctl supervisor: the node exited with status 137; restart 1 in 1s/,
  )
  assert.match((await run('node', 'status', 'r1')).stdout, /restarts\s+1 \(last .*, after exit status 137\)/)
})

test.run()
