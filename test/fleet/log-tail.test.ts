// test-kind: unit
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {followFile, readLastLines} from '../../src/fleet/log-tail.js'
import {until} from '../helpers/until.js'

const tmp = mkdtempSync(join(tmpdir(), 'confctl-log-'))
test.after(() => rmSync(tmp, {recursive: true, force: true}))

test('last n lines of a file larger than one read chunk', async () => {
  const file = join(tmp, 'big.log')
  writeFileSync(file, Array.from({length: 20_000}, (_, i) => `line ${i} ${'x'.repeat(20)}`).join('\n') + '\n')
  const lines = await readLastLines(file, 3)
  assert.equal(
    lines.map((l) => l.split(' ').slice(0, 2).join(' ')),
    ['line 19997', 'line 19998', 'line 19999'],
  )
  assert.is((await readLastLines(file, 5000)).length, 5000)
})

test('no trailing newline, fewer lines than asked, missing file, n=0', async () => {
  const file = join(tmp, 'small.log')
  writeFileSync(file, 'a\nb\nc')
  assert.equal(await readLastLines(file, 10), ['a', 'b', 'c'])
  assert.equal(await readLastLines(file, 0), [])
  assert.equal(await readLastLines(join(tmp, 'missing.log'), 5), [])
})

test('follow: a file replaced by a new one (rename rotation) is read from its start', async () => {
  const file = join(tmp, 'rotate.log')
  writeFileSync(file, '')
  const got: string[] = []
  const stop = new AbortController()
  const done = followFile(file, 0, (l) => got.push(l), stop.signal, 20)
  appendFileSync(file, 'zero\n')
  await until('the follower reading the first file', () => got.includes('zero'))
  // A line and the rotation before the follower's next look: the line is still read (from the
  // file it has open), then the new file from its start, nothing mixed.
  appendFileSync(file, 'first file line\n')
  renameSync(file, file + '.1') // logrotate's default: move away, start a new file
  writeFileSync(file, 'second file, a longer line than before\n')
  await until('the follower reading the new file', () => got.length >= 3)
  appendFileSync(file, 'and more\n')
  await until('the follower reading on in the new file', () => got.length >= 4)
  stop.abort()
  await done
  assert.equal(got, ['zero', 'first file line', 'second file, a longer line than before', 'and more'])
})

test('fromOffset keeps earlier runs out', async () => {
  const file = join(tmp, 'runs.log')
  writeFileSync(file, 'old 1\nold 2\n')
  const offset = 12
  appendFileSync(file, 'new 1\nnew 2\n')
  assert.equal(await readLastLines(file, 10, offset), ['new 1', 'new 2'])
})

test('follow: prints appended lines, survives truncation, flushes on abort', async () => {
  const file = join(tmp, 'follow.log')
  writeFileSync(file, 'before\n')
  const got: string[] = []
  const stop = new AbortController()
  const done = followFile(file, 7, (l) => got.push(l), stop.signal, 20)
  appendFileSync(file, 'one\ntw')
  await until('the first line', () => got.includes('one'))
  appendFileSync(file, 'o\n')
  await until('the line completed by a later write', () => got.includes('two'))
  writeFileSync(file, 'cut\n') // shorter than what was read: truncated
  await until('the truncated file read from its start', () => got.includes('cut'))
  appendFileSync(file, 'partial')
  stop.abort() // the stop reads what is there and flushes the unfinished line
  await done
  assert.equal(got, ['one', 'two', 'cut', 'partial'])
})

test.run()
