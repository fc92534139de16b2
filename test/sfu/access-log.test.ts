// test-kind: unit
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {existsSync, mkdtempSync, readFileSync, renameSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {AccessLog} from '../../src/sfu/access-log.js'
import {until} from '../helpers/until.js'

const entry = (path: string) => ({
  time: 't',
  server: 'public' as const,
  method: 'GET',
  path,
  status: 200,
  bytes: 1,
  ip: '192.0.2.1',
  userAgent: 'ua',
})

test('after the file is replaced by an atomic rewrite, new lines go to the new file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'confctl-alog-'))
  const path = join(dir, 'access.log')
  const log = new AccessLog(path)
  log.write(entry('/before'))
  await until('the first line on disk', () => existsSync(path) && /\/before.*\n$/.test(readFileSync(path, 'utf8')))
  // What an erasure does: write the kept lines to a temp file and rename it over the log.
  writeFileSync(join(dir, 'access.log.tmp'), readFileSync(path, 'utf8').replace('/before', '/rewritten'))
  renameSync(join(dir, 'access.log.tmp'), path)
  log.reopenIfReplaced()
  log.write(entry('/after'))
  await log.close()
  const lines = readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l).path)
  assert.equal(lines, ['/rewritten', '/after'])
})

test('fields a client chooses are cut: a 10 KB user agent or path makes a line of under 2 KB', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'confctl-alog-'))
  const path = join(dir, 'access.log')
  const log = new AccessLog(path)
  log.write({...entry('/' + 'p'.repeat(10_000)), userAgent: 'u'.repeat(10_000), method: 'M'.repeat(200)})
  await log.close()
  const text = readFileSync(path, 'utf8')
  const line = JSON.parse(text)
  assert.ok(Buffer.byteLength(text) < 2048, `a line of ${Buffer.byteLength(text)} bytes`)
  assert.equal([line.path.length, line.userAgent.length, line.method.length], [1024, 512, 64])
})

test.run()
