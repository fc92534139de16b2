// test-kind: e2e
// `confctl node up` with the admin API off loopback, through the real CLI and node:
// refused without TLS or --insecure-admin (exit 2, one sentence, nothing recorded); with
// --admin-tls-cert/--admin-tls-key the recorded admin URL is https and `node status`,
// `token create` and `token revoke` work against it; with --insecure-admin `node status`
// and node.log carry the warning.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {cli, killAll, processesMentioning, randomRtcRange} from './helpers.js'
import {makeSelfSignedCert} from '../helpers/self-signed-cert.js'

const home = mkdtempSync(join(tmpdir(), 'confctl-cli-tls-'))
const run = (...args: string[]) => cli(home, args)
const tls = makeSelfSignedCert()

test.after(async () => {
  for (const name of ['tls', 'insecure']) await run('node', 'down', name, '--timeout', '5s')
  killAll(processesMentioning(home))
  rmSync(home, {recursive: true, force: true})
})

const upArgs = (name: string) => [
  'node',
  'up',
  '--name',
  name,
  '--port',
  '0',
  '--admin-port',
  '0',
  '--rtc-ports',
  randomRtcRange(),
  '--admin-host',
  '0.0.0.0',
]

test('node up --admin-host 0.0.0.0 alone is refused: exit 2, one sentence, no fleet entry', async () => {
  const r = await run(...upArgs('bare'))
  assert.is(r.exitCode, 2, r.stderr)
  const lines = r.stderr.trim().split('\n')
  assert.is(lines.length, 1, r.stderr)
  assert.match(
    lines[0]!,
    /^confctl: --admin-host 0\.0\.0\.0 is not a loopback address, so the admin API needs --admin-tls-cert and --admin-tls-key \(HTTPS\), or --insecure-admin/,
  )
  assert.not.ok(
    existsSync(join(home, 'fleet.yaml')) && readFileSync(join(home, 'fleet.yaml'), 'utf8').includes('name: bare'),
  )
})

test('node up with TLS records an https admin URL; node status and token commands work over it', async () => {
  const r = await run(...upArgs('tls'), '--admin-tls-cert', tls.cert, '--admin-tls-key', tls.key, '--json')
  assert.is(r.exitCode, 0, r.stderr)
  const up = JSON.parse(r.stdout)
  assert.match(up.adminUrl, /^https:\/\/127\.0\.0\.1:\d+$/)
  const yaml = readFileSync(join(home, 'fleet.yaml'), 'utf8')
  assert.ok(yaml.includes(`adminTlsCert: ${tls.cert}`), yaml)
  const status = await run('node', 'status', 'tls', '--json')
  assert.is(status.exitCode, 0, status.stderr)
  const s = JSON.parse(status.stdout)
  assert.equal([s.health, s.adminUrl, s.info.warnings], ['ok', up.adminUrl, []])
  const human = await run('node', 'status', 'tls')
  assert.is(human.exitCode, 0, human.stderr)
  assert.ok(human.stdout.includes(up.adminUrl), human.stdout)
  assert.not.match(human.stdout, /WARNING/)
  const t = await run('token', 'create', '--node', 'tls', '--room', 'r1', '--identity', 'a', '--json')
  assert.is(t.exitCode, 0, t.stderr)
  const revoke = await run('token', 'revoke', JSON.parse(t.stdout).jti, '--node', 'tls')
  assert.is(revoke.exitCode, 0, revoke.stderr)
})

test('node up --insecure-admin starts, and node status and node.log carry the warning', async () => {
  const r = await run(...upArgs('insecure'), '--insecure-admin', '--json')
  assert.is(r.exitCode, 0, r.stderr)
  const up = JSON.parse(r.stdout)
  assert.match(up.adminUrl, /^http:\/\/127\.0\.0\.1:\d+$/)
  const status = await run('node', 'status', 'insecure')
  assert.is(status.exitCode, 0, status.stderr)
  assert.match(
    status.stdout,
    /WARNING: the admin API is served over plain HTTP on 0\.0\.0\.0 port \d+ \(--insecure-admin\)/,
  )
  const log = readFileSync(up.logFile, 'utf8')
  assert.match(log, /confctl-node: WARNING: the admin API is served over plain HTTP/)
  assert.match(log, /listening on all interfaces/)
})

test.run()
