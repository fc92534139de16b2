// test-kind: unit
// src/fleet/atomic-write.ts on real files: the content is replaced whole, the mode asked for
// is the file's (0600 for files with secrets or personal data, also over an existing 0644
// file), missing parent directories are created, and no temp file is left behind, also when
// the write fails or many writes to one file run at once.
import {chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {writeFileAtomic} from '../../src/fleet/atomic-write.js'

const dir = mkdtempSync(join(tmpdir(), 'confctl-atomic-'))
test.after(() => rmSync(dir, {recursive: true, force: true}))
const mode = (f: string) => statSync(f).mode & 0o777

test('creates missing directories; without a mode a new file follows the umask, an existing one keeps its mode', async () => {
  const file = join(dir, 'a', 'b', 'default.txt')
  const umask = process.umask(0o027)
  try {
    await writeFileAtomic(file, 'hello\n')
  } finally {
    process.umask(umask)
  }
  assert.is(readFileSync(file, 'utf8'), 'hello\n')
  assert.is(mode(file), 0o640)
  chmodSync(file, 0o604)
  await writeFileAtomic(file, 'again\n')
  assert.is(mode(file), 0o604)
  assert.equal(readdirSync(join(dir, 'a', 'b')), ['default.txt'])
})

test('mode 0600 for a new file and over an existing 0644 one; the content is replaced whole', async () => {
  const sub = join(dir, 'secret')
  mkdirSync(sub)
  const file = join(sub, 'fleet.yaml')
  await writeFileAtomic(file, 'v1 ünïcode\n', 0o600)
  assert.is(mode(file), 0o600)
  writeFileSync(file, 'a much longer old content that must not survive in the tail\n')
  chmodSync(file, 0o644)
  await writeFileAtomic(file, 'v2\n', 0o600)
  assert.is(readFileSync(file, 'utf8'), 'v2\n')
  assert.is(mode(file), 0o600)
  assert.equal(readdirSync(sub), ['fleet.yaml'])
})

test('many writes to one file at once: one complete content wins, no temp files left', async () => {
  const sub = join(dir, 'concurrent')
  const file = join(sub, 'state.json')
  const contents = Array.from({length: 20}, (_, i) => JSON.stringify({i, pad: 'x'.repeat(10_000 + i)}))
  await Promise.all(contents.map((c) => writeFileAtomic(file, c, 0o600)))
  assert.ok(contents.includes(readFileSync(file, 'utf8')))
  assert.equal(readdirSync(sub), ['state.json'])
})

test('a failed write leaves the target as it was and no temp file', async () => {
  const sub = join(dir, 'fails')
  const target = join(sub, 'taken')
  mkdirSync(target, {recursive: true}) // a directory where the file should go: the rename fails
  writeFileSync(join(target, 'inside'), 'kept')
  const err = await writeFileAtomic(target, 'new').then(
    () => undefined,
    (e: unknown) => e as NodeJS.ErrnoException,
  )
  assert.ok(err, 'the write failed')
  assert.equal(readdirSync(sub), ['taken'])
  assert.is(readFileSync(join(target, 'inside'), 'utf8'), 'kept')
})

test.run()
