// test-kind: e2e
// What `node provision` refuses, against a real OpenSSH server (test/helpers/sshd.ts): each is
// one sentence on stderr, exit 3 (or 2 for bad usage), and leaves fleet.yaml and the host
// as they were.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {execFileSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createServer, type Server} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {UnreachableError} from '../../src/errors.js'
import {updateInventory, upsertNode} from '../../src/fleet/inventory.js'
import {provisionNode} from '../../src/fleet/ssh/provision.js'
import {cli, killAll, oneLine, processesMentioning, randomRtcRange} from '../helpers/ssh-cli.js'
import {freePort, sshKeygenFingerprint, startSshd, type TestSshd} from '../helpers/sshd.js'

let sshd: TestSshd
const home = mkdtempSync(join(tmpdir(), 'confctl-sshref-'))
const remote = mkdtempSync(join(tmpdir(), 'confctl-sshref-host-'))
const servers: Server[] = []

test.before(async () => {
  sshd = await startSshd()
})

test.after(async () => {
  for (const s of servers) s.close()
  killAll(processesMentioning(remote))
  await sshd?.stop()
  rmSync(home, {recursive: true, force: true})
  rmSync(remote, {recursive: true, force: true})
})

async function provision(...extra: string[]) {
  return cli(home, [
    'node',
    'provision',
    sshd.target,
    '--name',
    'refused',
    '--remote-dir',
    join(remote, 'refused'),
    '--supervisor',
    'pidfile',
    ...extra,
  ])
}

function nothingChanged(): void {
  assert.not.ok(
    existsSync(join(home, 'fleet.yaml')) && readFileSync(join(home, 'fleet.yaml'), 'utf8').includes('refused'),
    'fleet.yaml unchanged',
  )
  assert.not.ok(existsSync(join(remote, 'refused', 'config.json')), 'nothing installed on the host')
}

test('an unknown host key is refused with its fingerprint; --accept-new records it', async () => {
  const kh = join(home, 'new_known_hosts')
  const fp = sshKeygenFingerprint(sshd.hostKeyPub)
  const r = await cli(home, ['node', 'exec', 'x', '--', 'true']) // no such node: exit 2 before any SSH
  assert.is(r.exitCode, 2)
  const refused = await provision('--identity-file', sshd.userKey, '--known-hosts', kh, '--json')
  assert.is(refused.exitCode, 3, refused.stderr)
  assert.is(refused.stdout, '')
  const line = oneLine(refused)
  assert.ok(line.includes(fp), line)
  assert.match(line, /not in .* --accept-new/)
  assert.not.ok(existsSync(kh))
  nothingChanged()
  // With --accept-new it is recorded; the port is then refused on purpose (no node started).
  const blocker = await listenOn(0)
  const accepted = await provision(
    '--identity-file',
    sshd.userKey,
    '--known-hosts',
    kh,
    '--accept-new',
    '--port',
    String(blocker),
  )
  assert.is(accepted.exitCode, 3, accepted.stderr)
  assert.ok(readFileSync(kh, 'utf8').startsWith(`[127.0.0.1]:${sshd.port} ssh-ed25519 `))
  const found = execFileSync('ssh-keygen', ['-F', `[127.0.0.1]:${sshd.port}`, '-f', kh], {encoding: 'utf8'})
  assert.ok(found.includes('ssh-ed25519'))
})

test('a changed host key is refused, showing the new key as OpenSSH does (SHA256:...)', async () => {
  const kh = join(home, 'stale_known_hosts')
  const old = join(home, 'old_host_key')
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', old])
  writeFileSync(kh, `[127.0.0.1]:${sshd.port} ${readFileSync(`${old}.pub`, 'utf8').trim()}\n`)
  for (const extra of [[], ['--accept-new']]) {
    const r = await provision('--identity-file', sshd.userKey, '--known-hosts', kh, ...extra)
    assert.is(r.exitCode, 3, r.stderr)
    const line = oneLine(r)
    assert.match(line, /host key of \[127\.0\.0\.1\]:\d+ has CHANGED/)
    assert.ok(line.includes(sshKeygenFingerprint(sshd.hostKeyPub)), line)
    assert.ok(line.includes(`${kh} line 1`), line)
  }
  assert.is(readFileSync(kh, 'utf8').split('\n').filter(Boolean).length, 1, '--accept-new never replaces a changed key')
  nothingChanged()
})

test('a user key the host does not accept is refused', async () => {
  const r = await provision('--identity-file', sshd.wrongKey, '--known-hosts', sshd.knownHosts)
  assert.is(r.exitCode, 3, r.stderr)
  assert.match(
    oneLine(r),
    new RegExp(`${sshd.user}@127\\.0\\.0\\.1:${sshd.port} refused SSH authentication \\(tried .*wrong_key\\)`),
  )
  nothingChanged()
})

test('a host without node on its PATH is reported', async () => {
  const r = await provision('--identity-file', sshd.noNodeKey, '--known-hosts', sshd.knownHosts)
  assert.is(r.exitCode, 3, r.stderr)
  assert.match(oneLine(r), /has no Node\.js: `node` is not on the login PATH there; install Node\.js 20 or later/)
  nothingChanged()
})

test('an unreachable host, a missing key file and bad usage', async () => {
  const closed = await freePort()
  const r = await cli(home, [
    'node',
    'provision',
    `${sshd.user}@127.0.0.1:${closed}`,
    '--name',
    'refused',
    '--identity-file',
    sshd.userKey,
    '--known-hosts',
    sshd.knownHosts,
  ])
  assert.is(r.exitCode, 3)
  assert.match(oneLine(r), /cannot reach .* over SSH: connection refused/)
  const noKey = await provision('--identity-file', join(home, 'no-such-key'), '--known-hosts', sshd.knownHosts)
  assert.is(noKey.exitCode, 2)
  assert.match(oneLine(noKey), /cannot read the SSH key .*no-such-key: ENOENT/)
  const pubKey = await provision('--identity-file', `${sshd.userKey}.pub`, '--known-hosts', sshd.knownHosts)
  assert.is(pubKey.exitCode, 2)
  oneLine(pubKey)
  for (const args of [
    ['node', 'provision', 'no-user-here', '--name', 'x'],
    ['node', 'provision', `${sshd.target}`, '--name', '../x'],
    ['node', 'provision', `${sshd.target}`, '--name', 'x', '--port', '80', '--admin-port', '80'],
    ['node', 'provision', `${sshd.target}`, '--name', 'x', '--remote-dir', 'relative/dir'],
    ['node', 'provision', `${sshd.target}`, '--name', 'x', '--supervisor', 'launchd'],
    ['node', 'upgrade'],
    ['node', 'deprovision', 'nope'],
  ]) {
    const bad = await cli(home, args)
    assert.is(bad.exitCode, 2, `${args.join(' ')}: ${bad.stderr}`)
    oneLine(bad)
  }
  nothingChanged()
})

test('deprovision of a host that is gone: exit 3 and the entry stays; --forget removes only the entry, with a warning', async () => {
  const gone = mkdtempSync(join(tmpdir(), 'confctl-forget-'))
  const closed = await freePort()
  await updateInventory(
    (inv) =>
      upsertNode(inv, {
        name: 'gone',
        kind: 'ssh',
        host: '127.0.0.1',
        user: sshd.user,
        sshPort: closed,
        dir: '/srv/confctl/gone',
        publicUrl: 'http://127.0.0.1:1',
        adminUrl: 'http://127.0.0.1:2',
        identityFile: sshd.userKey,
        knownHosts: sshd.knownHosts,
      }),
    join(gone, 'fleet.yaml'),
  )
  const refused = await cli(gone, ['node', 'deprovision', 'gone'])
  assert.is(refused.exitCode, 3, refused.stderr)
  assert.match(readFileSync(join(gone, 'fleet.yaml'), 'utf8'), /name: gone/)
  const both = await cli(gone, ['node', 'deprovision', 'gone', '--forget', '--purge'])
  assert.is(both.exitCode, 2, 'forget and purge exclude each other')
  const forgot = await cli(gone, ['node', 'deprovision', 'gone', '--forget', '--json'])
  assert.is(forgot.exitCode, 0, forgot.stderr)
  assert.equal(JSON.parse(forgot.stdout).forgotten, true)
  assert.match(oneLine(forgot), /warning: .* was not cleaned: \/srv\/confctl\/gone may still hold the node/)
  assert.not.match(readFileSync(join(gone, 'fleet.yaml'), 'utf8'), /name: gone/)
})

test('a public port in use on the host is reported before anything is installed', async () => {
  const busy = await listenOn(0)
  const r = await provision(
    '--identity-file',
    sshd.userKey,
    '--known-hosts',
    sshd.knownHosts,
    '--port',
    String(busy),
    '--rtc-ports',
    randomRtcRange(),
  )
  assert.is(r.exitCode, 3, r.stderr)
  assert.match(
    oneLine(r),
    new RegExp(`port ${busy} on .* is already in use \\(EADDRINUSE\\); choose another with --port`),
  )
  nothingChanged()
})

test('a host without the disk space the node needs is reported', async () => {
  process.env.CONFCTL_HOME = home
  try {
    await provisionNode({
      target: sshd.target,
      name: 'refused',
      identityFile: sshd.userKey,
      knownHosts: sshd.knownHosts,
      remoteDir: join(remote, 'refused'),
      supervisor: 'pidfile',
      minFreeBytes: 2 ** 53,
    })
    assert.unreachable('provision should have failed')
  } catch (err) {
    assert.instance(err, UnreachableError)
    assert.match(
      (err as Error).message,
      /has only .* free on .*; the node needs at least .* there for its bundle and data\.$/,
    )
  } finally {
    delete process.env.CONFCTL_HOME
  }
  nothingChanged()
})

function listenOn(port: number): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer()
    servers.push(s)
    s.listen(port, '0.0.0.0', () => resolve((s.address() as {port: number}).port))
  })
}

test.run()
