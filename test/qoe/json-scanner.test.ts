// test-kind: unit
// The streaming JSON tokenizer: the same events whatever the chunking (down to one byte,
// which splits every escape and multi-byte character), kept and skipped strings, and errors
// with line, byte offset and key path.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {
  JsonInputError,
  JsonScanner,
  SKIPPED,
  type ScalarValue,
  type ScanHandler,
} from '../../src/qoe/import/json-scanner.js'

class Recorder implements ScanHandler {
  events: string[] = []
  constructor(private readonly keep: (key: string | null) => boolean = () => true) {}
  private lastKey: string | null = null
  startObject() {
    this.events.push('{')
  }
  endObject() {
    this.events.push('}')
  }
  startArray() {
    this.events.push('[')
  }
  endArray() {
    this.events.push(']')
  }
  key(k: string) {
    this.lastKey = k
    this.events.push(`k:${k}`)
  }
  wantString() {
    return this.keep(this.lastKey)
  }
  value(v: ScalarValue) {
    this.events.push(v === SKIPPED ? 'skipped' : `v:${JSON.stringify(v)}`)
  }
}

function scan(text: string, chunkSize: number, keep?: (key: string | null) => boolean): string[] {
  const r = new Recorder(keep)
  const s = new JsonScanner(r)
  const buf = Buffer.from(text, 'utf8')
  for (let i = 0; i < buf.length; i += chunkSize) s.write(buf.subarray(i, i + chunkSize))
  s.end()
  return r.events
}

function scanError(text: string, chunkSize = 7): JsonInputError {
  try {
    scan(text, chunkSize)
  } catch (err) {
    assert.instance(err, JsonInputError)
    return err as JsonInputError
  }
  assert.unreachable(`no error for ${JSON.stringify(text)}`)
  throw new Error('unreachable')
}

const doc = `{
 "a": [1, -2.5e3, 0, true, false, null, "x\\"y\\\\", "\\u00e9t\\u00e9 é 🎉"],
 "big": "${'z'.repeat(5000)}",
 "values": "[\\"video\\",\\"audio\\"]",
 "nested": {"deep": [[{}], []], "s": "\\\\\\\\"},
 "last": 12345678901234
}`

test('events do not depend on chunk boundaries', () => {
  const whole = scan(doc, doc.length)
  assert.equal(whole.slice(0, 4), ['{', 'k:a', '[', 'v:1'])
  assert.ok(whole.includes(`v:${JSON.stringify('x"y\\')}`))
  assert.ok(whole.includes(`v:${JSON.stringify('été é 🎉')}`))
  assert.ok(whole.includes(`v:${JSON.stringify('["video","audio"]')}`))
  assert.ok(whole.includes(`v:${JSON.stringify('\\\\')}`))
  assert.ok(whole.includes('v:12345678901234'))
  for (const size of [1, 2, 3, 5, 64, 4096]) assert.equal(scan(doc, size), whole, `chunks of ${size}`)
})

test('strings the handler does not want are skipped, not decoded', () => {
  const events = scan(doc, 3, (key) => key !== 'big')
  assert.ok(events.includes('skipped'))
  assert.not.ok(events.some((e) => e.includes('zzzz')))
})

test('a top-level scalar and surrounding whitespace', () => {
  assert.equal(scan('  42 \n', 1), ['v:42'])
  assert.equal(scan('"s"', 1), ['v:"s"'])
})

test('syntax errors give line, byte and key path', () => {
  const e = scanError('{\n "a": {"b": [1, 2,, 3]}\n}')
  assert.is(e.kind, 'syntax')
  assert.is(e.line, 2)
  assert.is(e.offset, 20)
  assert.is(e.path, 'a.b[2]')
  assert.match(e.reason, /unexpected ','/)
  assert.match(scanError('{"a" 1}').reason, /expected ':'/)
  assert.match(scanError('{"a": tru}').reason, /unexpected '}'/)
  assert.match(scanError('{"a": 01}').reason, /not a valid number|unexpected/)
  assert.match(scanError('[1] x').reason, /after the end/)
  assert.match(scanError('{"a": 1]').reason, /unexpected '\]'/)
  assert.match(scanError('hello').reason, /unexpected 'h'/)
  assert.is(scanError('{"k": "\\x"}').reason, 'a string with an invalid escape sequence')
})

test('truncated and empty input', () => {
  const e = scanError('{"PeerConnections": {"1-1": {"stats": {"x-y": {"values": "[1,2')
  assert.is(e.kind, 'truncated')
  assert.is(e.path, 'PeerConnections["1-1"].stats["x-y"].values')
  assert.match(e.reason, /inside a string/)
  assert.is(scanError('{"a": [1, 2').kind, 'truncated')
  assert.is(scanError('  \n ').kind, 'empty')
})

test('limits on kept strings and nesting', () => {
  const r = new Recorder()
  const s = new JsonScanner(r, {maxString: 10})
  assert.throws(
    () => s.write(Buffer.from('{"a": "01234567890123"}')),
    (err: unknown) => err instanceof JsonInputError && err.kind === 'limit',
  )
  const deep = new JsonScanner(new Recorder(), {maxDepth: 3})
  assert.throws(() => deep.write(Buffer.from('[[[[1]]]]')), /nesting deeper than 3/)
})

test.run()
