// test-kind: e2e
// known_hosts matching and fingerprints, checked against OpenSSH's own ssh-keygen.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {execFileSync} from 'node:child_process'
import {createHmac, randomBytes} from 'node:crypto'
import {mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {
  addKnownHost,
  checkHostKey,
  fingerprint,
  hostKeyAlgorithms,
  hostKeyName,
  keyTypeOf,
  patternsMatch,
} from '../../../src/fleet/ssh/known-hosts.js'
import {formatSshTarget, parseSshTarget, sq} from '../../../src/fleet/ssh/ssh-target.js'
import {BadInputError} from '../../../src/errors.js'

const dir = mkdtempSync(join(tmpdir(), 'confctl-kh-'))
test.after(() => rmSync(dir, {recursive: true, force: true}))

function newKey(name: string, type = 'ed25519'): {blob: Buffer; pub: string; file: string} {
  const file = join(dir, name)
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', file])
  const pub = readFileSync(`${file}.pub`, 'utf8').trim()
  return {blob: Buffer.from(pub.split(' ')[1]!, 'base64'), pub, file}
}

const a = newKey('a')
const b = newKey('b')
const ec = newKey('ec', 'ecdsa')

test('fingerprints are the ones ssh-keygen -l prints', () => {
  for (const k of [a, b, ec]) {
    const expected = /SHA256:\S+/.exec(
      execFileSync('ssh-keygen', ['-l', '-f', `${k.file}.pub`], {encoding: 'utf8'}),
    )![0]
    assert.is(fingerprint(k.blob), expected)
  }
  assert.is(keyTypeOf(a.blob), 'ssh-ed25519')
  assert.is(keyTypeOf(ec.blob), 'ecdsa-sha2-nistp256')
})

test('host names: port 22 plain, others in brackets', () => {
  assert.is(hostKeyName('example.org', 22), 'example.org')
  assert.is(hostKeyName('10.0.0.1', 2222), '[10.0.0.1]:2222')
})

test('patterns: lists, wildcards, negation, hashed names', () => {
  assert.ok(patternsMatch('foo,example.org', 'example.org'))
  assert.ok(patternsMatch('*.example.org', 'media.example.org'))
  assert.not.ok(patternsMatch('*.example.org,!media.example.org', 'media.example.org'))
  assert.ok(patternsMatch('[10.0.0.?]:2222', '[10.0.0.7]:2222'))
  assert.not.ok(patternsMatch('10.0.0.7', '[10.0.0.7]:2222'))
  const salt = randomBytes(20)
  const hashed = `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update('[h.example]:2200').digest('base64')}`
  assert.ok(patternsMatch(hashed, '[h.example]:2200'))
  assert.not.ok(patternsMatch(hashed, 'h.example'))
})

test('verdicts: known, unknown, changed (same or other type), revoked', () => {
  const file = join(dir, 'known_hosts')
  writeFileSync(file, `# comment\n[127.0.0.1]:2222 ${a.pub}\nother.example ${b.pub}\n@revoked * ${ec.pub}\n`)
  assert.equal(checkHostKey(file, '127.0.0.1', 2222, a.blob), {status: 'known'})
  assert.equal(checkHostKey(file, '127.0.0.1', 22, a.blob), {status: 'unknown'})
  assert.equal(checkHostKey(file, '127.0.0.1', 2222, b.blob), {status: 'changed', line: 2})
  assert.equal(checkHostKey(file, 'other.example', 22, ec.blob), {status: 'revoked', line: 4})
  assert.equal(hostKeyAlgorithms(file, '127.0.0.1', 2222), ['ssh-ed25519'])
  assert.is(hostKeyAlgorithms(file, 'new.example', 22), undefined)
  assert.equal(checkHostKey(join(dir, 'missing'), 'x', 22, a.blob), {status: 'unknown'})
})

test('--accept-new records the key in OpenSSH format, and ssh-keygen -F finds it', () => {
  const file = join(dir, 'sub', 'known_hosts')
  addKnownHost(file, '127.0.0.1', 2022, a.blob)
  addKnownHost(file, 'h.example', 22, b.blob)
  assert.is(statSync(file).mode & 0o777, 0o600)
  assert.equal(checkHostKey(file, '127.0.0.1', 2022, a.blob), {status: 'known'})
  const found = execFileSync('ssh-keygen', ['-F', '[127.0.0.1]:2022', '-f', file], {encoding: 'utf8'})
  assert.ok(found.includes(a.pub.split(' ')[1]!))
})

test('USER@HOST[:PORT] parsing and shell quoting', () => {
  assert.equal(parseSshTarget('root@203.0.113.5'), {user: 'root', host: '203.0.113.5', port: 22})
  assert.equal(parseSshTarget('deploy@media.example.org:2222'), {user: 'deploy', host: 'media.example.org', port: 2222})
  assert.equal(parseSshTarget('ops@[2001:db8::1]:2200'), {user: 'ops', host: '2001:db8::1', port: 2200})
  // A bare IPv6 address is the host (it was "the host is missing").
  assert.equal(parseSshTarget('ops@::1'), {user: 'ops', host: '::1', port: 22})
  assert.equal(parseSshTarget('ops@2001:db8::1'), {user: 'ops', host: '2001:db8::1', port: 22})
  assert.is(formatSshTarget({user: 'ops', host: '2001:db8::1', port: 2200}), 'ops@[2001:db8::1]:2200')
  for (const bad of [
    '203.0.113.5',
    '@host',
    'root@',
    'root@host:0',
    'root@host:99999',
    'ro ot@host',
    'root@ho;st',
    'ops@2001:db8::1::2',
    'ops@::1:2222x',
  ]) {
    assert.throws(
      () => parseSshTarget(bad),
      (e: Error) => e instanceof BadInputError && /USER@HOST/.test(e.message),
      bad,
    )
  }
  assert.is(
    execFileSync('/bin/sh', ['-c', `printf %s ${sq(`it's $HOME; \`x\``)}`], {encoding: 'utf8'}),
    "it's $HOME; `x`",
  )
})

test.run()
