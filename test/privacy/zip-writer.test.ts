// test-kind: e2e (Python reads every archive back)
// src/privacy/zip-writer.ts on real files, each archive checked by an independent reader
// (Python's zipfile: `python3 -m zipfile -t` reads every entry and checks its CRC). The
// >4 GiB entry and the 65,536-entry archive take minutes on this machine, so they are
// measured by `npm run bench:zip`; here ZIP64 is forced on a small archive to show the
// records yazl writes are read back.
import {execFileSync, spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Readable} from 'node:stream'
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {writeZip} from '../../src/privacy/zip-writer.js'

const dir = mkdtempSync(join(tmpdir(), 'confctl-zip-'))
test.after(() => rmSync(dir, {recursive: true, force: true}))

/** Python's own check of the whole archive: exit 0 and "Done testing" only if every CRC matches. */
function pythonTest(zip: string): void {
  const r = spawnSync('python3', ['-m', 'zipfile', '-t', zip], {encoding: 'utf8'})
  assert.is(r.status, 0, r.stderr)
  assert.match(r.stdout, /Done testing/)
}

/** name -> content (base64) of every entry, as Python reads them. */
function pythonRead(zip: string): Record<string, string> {
  const script =
    'import sys, json, zipfile, base64\n' +
    'z = zipfile.ZipFile(sys.argv[1])\n' +
    'print(json.dumps({i.filename: base64.b64encode(z.read(i)).decode() for i in z.infolist()}))'
  return JSON.parse(execFileSync('python3', ['-c', script, zip], {encoding: 'utf8'}))
}

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64')
// The ZIP64 end of central directory record: present only in a ZIP64 archive.
const ZIP64_EOCD = Buffer.from([0x50, 0x4b, 0x06, 0x06])

test('files, a stream and an empty directory round-trip through an independent reader', async () => {
  const a = join(dir, 'a.json')
  const rec = join(dir, 'rec.webm')
  writeFileSync(a, '{"name":"Jörg"}\n')
  writeFileSync(rec, Buffer.alloc(200_000, 7))
  const zip = join(dir, 'export.zip')
  await writeZip(zip, [
    {name: 'stores/a.json', file: a},
    {name: 'files/recordings/rec.webm', file: rec},
    {name: 'notes/über.txt', stream: Readable.from([Buffer.from('first '), Buffer.from('second')]), size: 12},
    {name: 'empty/', directory: true},
  ])
  pythonTest(zip)
  const read = pythonRead(zip)
  assert.equal(Object.keys(read), ['stores/a.json', 'files/recordings/rec.webm', 'notes/über.txt', 'empty/'])
  assert.is(read['stores/a.json'], b64(readFileSync(a)))
  assert.is(read['files/recordings/rec.webm'], b64(readFileSync(rec)))
  assert.is(read['notes/über.txt'], b64('first second'))
  assert.is(read['empty/'], '')
  assert.is(statSync(zip).mode & 0o777, 0o600, 'the archive holds personal data: owner only')
  assert.not.ok(readFileSync(zip).includes(ZIP64_EOCD), 'no ZIP64 records where the classic format suffices')
})

test('media and archives are stored as they are, text is deflated; compress overrides the choice', async () => {
  const text = join(dir, 'log.json')
  writeFileSync(text, JSON.stringify(Array.from({length: 500}, (_, i) => ({i, who: 'alice'}))))
  const zip = join(dir, 'methods.zip')
  await writeZip(zip, [
    {name: 'stores/log.json', file: text},
    {name: 'files/rec/Recording.WEBM', file: text},
    {name: 'files/rec/forced.webm', file: text, compress: true},
    {name: 'files/plain.txt', stream: Readable.from([Buffer.from('abc')]), compress: false},
  ])
  pythonTest(zip)
  const script =
    'import sys, json, zipfile\n' +
    'print(json.dumps({i.filename: i.compress_type for i in zipfile.ZipFile(sys.argv[1]).infolist()}))'
  const DEFLATED = 8
  const STORED = 0
  assert.equal(JSON.parse(execFileSync('python3', ['-c', script, zip], {encoding: 'utf8'})), {
    'stores/log.json': DEFLATED,
    'files/rec/Recording.WEBM': STORED,
    'files/rec/forced.webm': DEFLATED,
    'files/plain.txt': STORED,
  })
})

test('forceZip64 writes ZIP64 records, and they are read back', async () => {
  const a = join(dir, 'z64.txt')
  writeFileSync(a, 'x'.repeat(1000))
  const zip = join(dir, 'z64.zip')
  await writeZip(zip, [{name: 'z64.txt', file: a}], {forceZip64: true})
  assert.ok(readFileSync(zip).includes(ZIP64_EOCD), 'ZIP64 end of central directory record present')
  pythonTest(zip)
  assert.is(pythonRead(zip)['z64.txt'], b64('x'.repeat(1000)))
  const unzip = spawnSync('unzip', ['-tq', zip], {encoding: 'utf8'})
  if (unzip.error === undefined) assert.is(unzip.status, 0, unzip.stdout + unzip.stderr)
})

test('an existing archive is replaced, not appended to', async () => {
  const zip = join(dir, 'again.zip')
  writeFileSync(zip, Buffer.alloc(10_000, 1))
  await writeZip(zip, [{name: 'one.txt', stream: Readable.from([Buffer.from('1')])}])
  pythonTest(zip)
  assert.equal(Object.keys(pythonRead(zip)), ['one.txt'])
})

test('a file that is gone fails the write and leaves no archive behind', async () => {
  const zip = join(dir, 'missing.zip')
  const err = await writeZip(zip, [{name: 'x.txt', file: join(dir, 'no-such-file')}]).then(
    () => undefined,
    (e: unknown) => e as NodeJS.ErrnoException,
  )
  assert.is(err?.code, 'ENOENT', String(err))
  assert.not.ok(existsSync(zip))
})

test('a stream that delivers fewer bytes than announced fails the write and leaves no archive', async () => {
  const zip = join(dir, 'short.zip')
  const err = await writeZip(zip, [{name: 'x.bin', stream: Readable.from([Buffer.from('abc')]), size: 10}]).then(
    () => undefined,
    (e: unknown) => e as Error,
  )
  assert.ok(err instanceof Error)
  assert.match(err.message, /unexpected number of bytes/)
  assert.not.ok(existsSync(zip))
})

test('a stream that errors fails the write and leaves no archive', async () => {
  const zip = join(dir, 'broken.zip')
  const broken = new Readable({
    read() {
      this.destroy(new Error('disk went away'))
    },
  })
  const err = await writeZip(zip, [{name: 'x.bin', stream: broken}]).then(
    () => undefined,
    (e: unknown) => e as Error,
  )
  assert.match(String(err), /disk went away/)
  assert.not.ok(existsSync(zip))
})

test('an entry name that would land outside the extraction directory is refused, nothing written', async () => {
  const a = join(dir, 'evil.txt')
  writeFileSync(a, 'x')
  for (const name of ['../evil.txt', '/etc/evil.txt', 'a\\..\\evil.txt']) {
    const zip = join(dir, 'evil.zip')
    const err = await writeZip(zip, [{name, file: a}]).then(
      () => undefined,
      (e: unknown) => e as Error,
    )
    assert.ok(err instanceof Error, `${name} refused`)
    assert.not.ok(existsSync(zip))
  }
})

test.run()
