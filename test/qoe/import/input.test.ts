// test-kind: unit
// Opening a dump (src/qoe/import/input.ts): gzip by magic bytes, the format sniffed from the
// first bytes, lines split across chunks, and one BadInputError sentence per unreadable file.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {gzipSync} from 'node:zlib'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {openDump, readLines, sniffFormat, type Line} from '../../../src/qoe/import/input.js'
import {BadInputError} from '../../../src/errors.js'

const tmp = mkdtempSync(join(tmpdir(), 'confctl-qoe-input-'))
const file = (name: string, data: string | Buffer) => {
  const path = join(tmp, name)
  writeFileSync(path, data)
  return path
}

async function drain(path: string): Promise<string> {
  const input = await openDump(path)
  const parts: Buffer[] = []
  for await (const chunk of input.chunks) parts.push(chunk)
  return Buffer.concat(parts).toString('utf8')
}

async function refused(path: string, message: string | RegExp) {
  try {
    await drain(path)
  } catch (err) {
    assert.instance(err, BadInputError)
    const text = (err as Error).message
    if (typeof message === 'string') assert.is(text, message)
    else assert.match(text, message)
    assert.not.match(text, /\n/)
    return
  }
  assert.unreachable(`${path} should be refused`)
}

async function lines(chunks: string[], maxBytes?: number): Promise<Line[]> {
  async function* gen() {
    for (const c of chunks) yield Buffer.from(c)
  }
  const out: Line[] = []
  const tooLong = (line: number, offset: number): never => {
    throw new Error(`too long at line ${line}, byte ${offset}`)
  }
  for await (const l of readLines(gen(), tooLong, maxBytes)) out.push(l)
  return out
}

test('sniffFormat: RTCStatsDump header, JSON Lines of reports or objects, else webrtc-internals', () => {
  const b = (s: string) => Buffer.from(s)
  assert.is(sniffFormat(b('RTCStatsDump\n{"fileFormat":3}\n'), false), 'rtcstats')
  assert.is(sniffFormat(b(' \r\n\tRTCStatsDump'), false), 'rtcstats', 'leading white space')
  assert.is(sniffFormat(b('{"stats":{}}\n{"stats":{}}\n'), false), 'stats-lines')
  assert.is(sniffFormat(b('{"id":"IT01V","type":"inbound-rtp"}\n'), false), 'stats-lines')
  assert.is(sniffFormat(b('{"getUserMedia":[],"PeerConnections":{}}\n'), false), 'webrtc-internals')
  // A pretty-printed document: its first line is not JSON on its own.
  assert.is(sniffFormat(b('{\n  "PeerConnections": {}\n}\n'), true), 'webrtc-internals')
  // No newline yet and more to come: not enough to call it JSON Lines.
  assert.is(sniffFormat(b('{"stats":{}}'), false), 'webrtc-internals')
  assert.is(sniffFormat(b('{"stats":{}}'), true), 'stats-lines')
  assert.is(sniffFormat(b('[1,2]\n'), true), 'webrtc-internals')
})

test('a plain file and its gzip copy (whatever its name) read the same; BOM removed', async () => {
  const text = '{"stats":{"a":{"id":"a","type":"codec"}}}\n{"stats":{}}\n'
  const plain = file('plain.txt', '\ufeff' + text)
  const gz = file('not-named-gz.json', gzipSync(Buffer.from(text)))
  const a = await openDump(plain)
  assert.is(a.gzip, false)
  assert.is(a.format, 'stats-lines')
  const g = await openDump(gz)
  assert.is(g.gzip, true)
  assert.is(g.format, 'stats-lines')
  for await (const _ of g.chunks) void _ // closes the file
  for await (const _ of a.chunks) void _
  assert.is(await drain(plain), text)
  assert.is(await drain(gz), text)
})

test('a file without a newline is read whole', async () => {
  assert.is(await drain(file('one-line.json', '{"PeerConnections":{}}')), '{"PeerConnections":{}}')
})

test('missing, directory, empty and empty-once-gunzipped files: one sentence each', async () => {
  await refused(join(tmp, 'nope.json'), `${join(tmp, 'nope.json')} does not exist.`)
  mkdirSync(join(tmp, 'a-dir'))
  await refused(join(tmp, 'a-dir'), `${join(tmp, 'a-dir')} is a directory, not a dump file.`)
  const empty = file('empty.json', '')
  await refused(empty, `${empty} is empty.`)
  const emptyGz = file('empty.json.gz', gzipSync(Buffer.alloc(0)))
  await refused(emptyGz, `${emptyGz} is empty once gunzipped.`)
})

test('a truncated gzip file says so and gives its compressed size', async () => {
  const whole = gzipSync(Buffer.from('{"stats":{}}\n'.repeat(2000)))
  const cut = whole.subarray(0, Math.floor(whole.length / 2))
  const path = file('cut.json.gz', cut)
  await refused(
    path,
    `${path} is a truncated gzip file: its ${cut.length} compressed bytes end before the gzip stream does.`,
  )
})

test("a corrupt gzip file says so, with zlib's reason", async () => {
  const whole = gzipSync(Buffer.from('{"stats":{}}\n'.repeat(50)))
  const bad = Buffer.from(whole)
  // Overwrite the deflate data after the 10-byte header (RFC 1952 §2.3) with a reserved
  // block type (BTYPE 11, RFC 1951 §3.2.3): "invalid block type".
  bad[10] = 0xff
  const path = file('corrupt.json.gz', bad)
  await refused(
    path,
    new RegExp(`^${path.replace(/[.]/g, '\\.')} is a corrupt gzip file: .+ \\(near compressed byte \\d+\\)\\.$`),
  )
})

test('readLines: \\n and \\r\\n ends, lines across chunks, 1-based numbers and byte offsets', async () => {
  const out = await lines(['ab\r\ncd', 'e\nf', 'g\n', '\nlast'])
  assert.equal(out, [
    {text: 'ab', line: 1, offset: 0},
    {text: 'cde', line: 2, offset: 4},
    {text: 'fg', line: 3, offset: 8},
    {text: '', line: 4, offset: 11},
    {text: 'last', line: 5, offset: 12},
  ])
})

test('readLines: offsets count bytes, not characters', async () => {
  const out = await lines(['é\nx\n'])
  assert.equal(out[1], {text: 'x', line: 2, offset: 3})
})

test('readLines: a line over the limit calls onTooLong with its number and first byte', async () => {
  try {
    await lines(['ok\n', '12345', '67\n'], 6)
    assert.unreachable('expected too long')
  } catch (err) {
    assert.is((err as Error).message, 'too long at line 2, byte 3')
  }
  // Exactly the limit is fine.
  assert.equal(
    (await lines(['123456\n'], 6)).map((l) => l.text),
    ['123456'],
  )
})

test.after(() => rmSync(tmp, {recursive: true, force: true}))
test.run()
