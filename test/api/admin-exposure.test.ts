// test-kind: e2e
// The admin port off loopback, against a real node process: --admin-host 0.0.0.0 alone is
// refused (exit 2, one sentence); with --insecure-admin it starts and warns in its log and in
// /v1/node; with --admin-tls-cert/--admin-tls-key it serves HTTPS, state.json names the real
// https URL and the certificate, and the fleet's admin client trusts exactly that certificate.
import {spawn} from 'node:child_process'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {AdminClient} from '../../src/fleet/admin-client.js'
import {BadInputError, UnreachableError} from '../../src/errors.js'
import {makeSelfSignedCert} from '../helpers/self-signed-cert.js'
import {startTestNode, type TestNode} from '../helpers/sfu-process.js'
import {rtcPortSlot} from '../helpers/rtc-port-slots.js'

const MAIN = new URL('../../src/sfu/main.js', import.meta.url).pathname
const tls = makeSelfSignedCert()
const otherTls = makeSelfSignedCert()
const running: TestNode[] = []

test.after(async () => {
  for (const n of running) await n.stop()
})

/** Runs the node with args that must make it refuse to start; returns exit code and output. */
function refusedStart(args: string[]): Promise<{code: number | null; output: string}> {
  const dir = mkdtempSync(join(tmpdir(), 'confctl-node-'))
  const child = spawn(
    process.execPath,
    [MAIN, '--dir', dir, '--port', '0', '--admin-port', '0', '--rtc-ports', rtcPortSlot(), ...args],
    {stdio: ['ignore', 'pipe', 'pipe']},
  )
  let output = ''
  child.stdout.on('data', (c) => (output += c))
  child.stderr.on('data', (c) => (output += c))
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(timer)
      resolve({code, output})
    }),
  )
}

function oneSentence(output: string, ...fragments: string[]): void {
  const lines = output.trim().split('\n')
  assert.is(lines.length, 1, output)
  for (const f of fragments) assert.ok(lines[0]!.includes(f), `"${lines[0]}" should include "${f}"`)
}

test('a non-loopback --admin-host alone is refused with exit 2 and one sentence', async () => {
  const r = await refusedStart(['--admin-host', '0.0.0.0'])
  assert.is(r.code, 2, r.output)
  oneSentence(r.output, '--admin-host 0.0.0.0 is not a loopback address', '--admin-tls-cert', '--insecure-admin')
})

test('half a TLS pair, an unreadable file or a mismatched pair is refused with exit 2', async () => {
  const half = await refusedStart(['--admin-host', '0.0.0.0', '--admin-tls-cert', tls.cert])
  assert.is(half.code, 2, half.output)
  oneSentence(half.output, '--admin-tls-cert and --admin-tls-key go together')
  const missing = await refusedStart(['--admin-tls-cert', join(tls.dir, 'nope.pem'), '--admin-tls-key', tls.key])
  assert.is(missing.code, 2, missing.output)
  oneSentence(missing.output, 'nope.pem cannot be read (ENOENT)')
  const mismatched = await refusedStart(['--admin-tls-cert', tls.cert, '--admin-tls-key', otherTls.key])
  assert.is(mismatched.code, 2, mismatched.output)
  oneSentence(mismatched.output, 'not a usable PEM certificate and matching key')
})

test('--insecure-admin starts on 0.0.0.0, warns in the log and in /v1/node, prints a dialable URL', async () => {
  const node = await startTestNode(['--admin-host', '0.0.0.0', '--insecure-admin'], rtcPortSlot(10))
  running.push(node)
  assert.match(node.state.adminUrl, /^http:\/\/127\.0\.0\.1:\d+$/)
  const deadline = Date.now() + 10_000
  while (!/WARNING: the admin API is served over plain HTTP/.test(node.output()) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50))
  assert.match(node.output(), /confctl-node: WARNING: the admin API is served over plain HTTP on 0\.0\.0\.0/)
  assert.match(node.output(), /listening on all interfaces \(0\.0\.0\.0\)/)
  const info = await new AdminClient({
    nodeName: 'insecure',
    adminUrl: node.state.adminUrl,
    token: node.adminToken,
  }).node()
  assert.is(info.warnings?.length, 1)
  assert.match(info.warnings![0]!, /plain HTTP on 0\.0\.0\.0 port \d+ \(--insecure-admin\)/)
})

test('a loopback node has no warnings', async () => {
  const node = await startTestNode([], rtcPortSlot(10))
  running.push(node)
  const info = await new AdminClient({nodeName: 'loop', adminUrl: node.state.adminUrl, token: node.adminToken}).node()
  assert.equal(info.warnings, [])
})

test('with TLS flags the admin API is HTTPS, and the client trusts exactly the node certificate', async () => {
  const node = await startTestNode(
    ['--admin-host', '0.0.0.0', '--admin-tls-cert', tls.cert, '--admin-tls-key', tls.key],
    rtcPortSlot(10),
  )
  running.push(node)
  assert.match(node.state.adminUrl, /^https:\/\/127\.0\.0\.1:\d+$/)
  assert.is(node.state.adminTlsCert, tls.cert)
  const client = new AdminClient({
    nodeName: 'tls',
    adminUrl: node.state.adminUrl,
    token: node.adminToken,
    caFile: node.state.adminTlsCert,
  })
  assert.equal(await client.health(), {status: 'ok'})
  const info = await client.node()
  assert.equal(info.warnings, [])
  assert.is((await client.createToken({room: 'r1', identity: 'a'})).grants.maxSessions, 2)
  // Without the certificate, or with another one, the client refuses to talk (exit 3 sentence).
  const untrusting = new AdminClient({nodeName: 'tls', adminUrl: node.state.adminUrl, token: node.adminToken})
  await assertRejects(untrusting.health(), UnreachableError, /self-signed|not the one recorded|certificate/)
  const wrongCert = new AdminClient({
    nodeName: 'tls',
    adminUrl: node.state.adminUrl,
    token: node.adminToken,
    caFile: otherTls.cert,
  })
  await assertRejects(wrongCert.health(), UnreachableError, /certificate|TLS/)
  // Plain HTTP to the HTTPS port gets nothing useful either.
  const plain = new AdminClient({
    nodeName: 'tls',
    adminUrl: node.state.adminUrl.replace('https:', 'http:'),
    token: node.adminToken,
    timeoutMs: 3000,
  })
  await assertRejects(plain.health(), UnreachableError, /unreachable/)
  const notPem = join(tls.dir, 'not-a-cert.pem')
  writeFileSync(notPem, 'hello')
  await assertRejects(
    new AdminClient({nodeName: 'tls', adminUrl: node.state.adminUrl, token: node.adminToken, caFile: notPem}).health(),
    BadInputError,
    /cannot be read as PEM/,
  )
})

async function assertRejects(p: Promise<unknown>, type: new (...a: never[]) => Error, pattern: RegExp): Promise<void> {
  try {
    await p
  } catch (err) {
    assert.instance(err, type)
    assert.match((err as Error).message, pattern)
    return
  }
  assert.unreachable('expected a rejection')
}

test.run()
