// test-kind: e2e
// Through the built CLI: what a datamap covers but confctl cannot search (a corrupt gzip
// rotation, a zstd rotation, a recording that is a link to nothing) is never passed over in
// silence: dsar access writes what it found, lists the rest in summary.txt and exits 1;
// dsar erase refuses to rewrite a corrupt gzip with one sentence (exit 3, the file as it
// was); dsar verify exits 1 naming each path and reason, and passes once they are fixed.
// (Tests run as root, where chmod 000 does not stop a read: a dangling link stands in for
// an unreadable entry.)
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gzipSync} from 'node:zlib'
import {cli, tempHome} from './helpers.js'

const line = (ip: string, path: string) =>
  `${ip} - - [10/Nov/2026:09:15:02 +0100] "GET ${path} HTTP/1.1" 200 5120 "-" "Mozilla/5.0"`
const ERIKA = '141.71.30.4'

function seed() {
  const dir = mkdtempSync(join(tmpdir(), 'confctl-unsearchable-'))
  mkdirSync(join(dir, 'logs'))
  mkdirSync(join(dir, 'presentation'))
  writeFileSync(join(dir, 'logs', 'access.log'), [line(ERIKA, '/'), line('192.0.2.44', '/')].join('\n') + '\n')
  const lines = Array.from({length: 4000}, (_, i) => line(i % 2 ? `::ffff:${ERIKA}` : '192.0.2.44', `/p${i}`))
  const gz = gzipSync(lines.join('\n') + '\n')
  writeFileSync(join(dir, 'logs', 'access.log.2.gz'), gz.subarray(0, gz.length >> 1)) // cut off in transfer
  writeFileSync(join(dir, 'logs', 'access.log.3.zst'), Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 1, 2, 3, 4]))
  symlinkSync(join(dir, 'elsewhere', 'rec-141'), join(dir, 'presentation', 'rec-141'))
  const datamap = join(dir, 'datamap.yaml')
  writeFileSync(
    datamap,
    `version: 1
stores:
  web:
    kind: combined-log
    collections:
      access:
        path: ${join(dir, 'logs', 'access.log*')}
        purpose: operating the web servers
        legal_basis: e
        source: the browser
        retention: {period: 14d, from: time}
        erasure: {strategy: truncate-ip}
        fields:
          ip: {category: network.ip, identifies: ip}
  bbb:
    kind: directory
    collections:
      presentation:
        directory: ${join(dir, 'presentation')}
        name: "rec-{last_octets}"
        purpose: recordings
        legal_basis: a
        source: the conference
        retention: {period: 365d, from: mtime}
        erasure: {strategy: keep, law: "test: kept so that verify has to judge it"}
        fields:
          last_octets: {category: meeting.recording_id, identifies: user_id}
`,
  )
  return {dir, datamap}
}

test('access reports what it could not search; erase refuses the corrupt gzip; verify fails with the reasons', async () => {
  const {dir, datamap} = seed()
  const home = tempHome()
  const subj = ['--subject', `ip=::ffff:${ERIKA}`, '--subject', 'user_id=141']

  const acc = await cli(home, ['dsar', 'open', '--type', 'access', ...subj, '--datamap', datamap, '--json'])
  assert.is(acc.exitCode, 0, acc.stderr)
  const out = join(home, 'answer')
  const exp = await cli(home, ['dsar', 'access', acc.json.id, '--out', out, '--json'])
  assert.is(exp.exitCode, 1, exp.stderr)
  assert.is(exp.json.status, 'partial')
  const web = exp.json.stores.find((s: {store: string}) => s.store === 'web')
  assert.ok(web.records > 100, 'the plain log and the lines before the damage are exported')
  assert.equal(
    [...web.unsearchable, ...exp.json.stores.find((s: {store: string}) => s.store === 'bbb').unsearchable]
      .map((u: {path: string}) => u.path.slice(dir.length + 1))
      .sort(),
    ['logs/access.log.2.gz', 'logs/access.log.3.zst', 'presentation/rec-141'],
  )
  const summary = readFileSync(join(out, 'summary.txt'), 'utf8')
  assert.match(summary, 'Could not be searched or read')
  assert.match(summary, /web \/ access: \S+access\.log\.2\.gz is a corrupt gzip file \(unexpected end of file/)
  assert.match(summary, /web \/ access: \S+access\.log\.3\.zst is compressed with zstd, which cannot be searched/)
  assert.match(summary, /bbb \/ presentation: \S+rec-141 is a symbolic link to a missing target/)
  const plain = await cli(home, ['dsar', 'access', acc.json.id, '--out', join(home, 'again')])
  assert.is(plain.exitCode, 1)
  assert.match(plain.stderr, /is partial: 3 item\(s\) the datamap covers could not be searched/)

  const er = await cli(home, ['dsar', 'open', '--type', 'erasure', ...subj, '--datamap', datamap, '--json'])
  const gzBefore = readFileSync(join(dir, 'logs', 'access.log.2.gz'))
  const exec = await cli(home, ['dsar', 'erase', er.json.id, '--execute'])
  assert.is(exec.exitCode, 3, exec.stderr + exec.stdout)
  assert.not.match(exec.stderr + exec.stdout, /unexpected error/i)
  assert.match(exec.stdout + exec.stderr, /access\.log\.2\.gz is a corrupt gzip file .*; it was left unchanged/)
  assert.equal(readFileSync(join(dir, 'logs', 'access.log.2.gz')), gzBefore)
  assert.not.match(readFileSync(join(dir, 'logs', 'access.log'), 'utf8'), ERIKA, 'the plain log was erased')

  const ver = await cli(home, ['dsar', 'verify', er.json.id, '--json'])
  assert.is(ver.exitCode, 1, ver.stdout)
  const web2 = ver.json.stores.find((s: {store: string}) => s.store === 'web')
  assert.equal(web2.unsearchable.map((u: {path: string}) => u.path.slice(dir.length + 1)).sort(), [
    'logs/access.log.2.gz',
    'logs/access.log.3.zst',
  ])
  // The recording collection is `keep`: its unreadable entry is listed as kept, not a failure.
  assert.equal(ver.json.stores.find((s: {store: string}) => s.store === 'bbb').unsearchable, [])
  const text = await cli(home, ['dsar', 'verify', er.json.id])
  assert.is(text.exitCode, 1)
  assert.match(text.stdout, /web\/access: NOT SEARCHED \S+access\.log\.3\.zst is compressed with zstd/)

  // The operator repairs the rotation (re-fetched whole) and removes the zstd one: now it passes.
  const whole = gzipSync(line('192.0.2.44', '/') + '\n')
  writeFileSync(join(dir, 'logs', 'access.log.2.gz'), whole)
  rmSync(join(dir, 'logs', 'access.log.3.zst'))
  const done = await cli(home, ['dsar', 'erase', er.json.id, '--execute', '--json'])
  assert.is(done.exitCode, 0, done.stderr)
  const ver2 = await cli(home, ['dsar', 'verify', er.json.id])
  assert.is(ver2.exitCode, 0, ver2.stdout)
})

test.run()
