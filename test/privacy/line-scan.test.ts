// test-kind: unit
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {scanLines} from '../../src/privacy/connectors/line-scan.js'

const file = (text: string) => {
  const path = join(mkdtempSync(join(tmpdir(), 'confctl-scan-')), 'x.log')
  writeFileSync(path, text)
  return path
}

test('a needle inside a line visits that line, the first one included', () => {
  const seen: Array<[string, number]> = []
  scanLines(file('alice a\nbob b\nalice c\n'), [Buffer.from('alice')], (line, offset) =>
    seen.push([line.toString(), offset]),
  )
  assert.equal(seen, [
    ['alice a', 0],
    ['alice c', 14],
  ])
})

test("the needle '\\n' visits every line it ends, from the first", () => {
  const seen: string[] = []
  scanLines(file('one\ntwo\nthree\n'), [Buffer.from('\n')], (line) => seen.push(line.toString()))
  assert.equal(seen, ['one', 'two', 'three'])
})

test.run()
