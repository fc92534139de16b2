// test-kind: unit
// The line-delimited readers (src/qoe/import/rtcstats-dump.ts) on hand-written dumps:
// RTCStatsDump format 3 (github.com/rtcstats/rtcstats, file-format.md) with its cumulative
// time deltas and close events, plain stats lines, and each malformed line named by its
// number and byte offset. The recorded fixtures are read end to end in test/qoe/import.test.ts.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {readRtcStatsDump, readStatsLines} from '../../../src/qoe/import/rtcstats-dump.js'
import {readLines} from '../../../src/qoe/import/input.js'
import {JsonInputError} from '../../../src/qoe/import/json-scanner.js'
import type {PcStats} from '../../../src/qoe/import/stat-series.js'

type Reader = typeof readRtcStatsDump
async function read(reader: Reader, text: string) {
  async function* chunks() {
    yield Buffer.from(text)
  }
  const lines = readLines(chunks(), () => {
    throw new Error('too long')
  })
  const pcs: PcStats[] = []
  const result = await reader(lines, (pc) => pcs.push(pc))
  return {pcs, result}
}

async function refused(
  reader: Reader,
  text: string,
  kind: string,
  line: number,
  offset: number,
  reason: string | RegExp,
) {
  try {
    await read(reader, text)
  } catch (err) {
    assert.instance(err, JsonInputError)
    const e = err as JsonInputError
    assert.equal([e.kind, e.line, e.offset], [kind, line, offset])
    if (typeof reason === 'string') assert.is(e.reason, reason)
    else assert.match(e.reason, reason)
    return
  }
  assert.unreachable('expected a JsonInputError')
}

const inbound = (packets: number) => ({
  IT01A: {id: 'IT01A', type: 'inbound-rtp', kind: 'audio', packetsReceived: packets},
})

test('RTCStatsDump: time deltas add up; a closed connection is handed over at once, in order', async () => {
  const text = [
    'RTCStatsDump',
    '{"fileFormat":3,"userAgent":"Test/1.0"}',
    `["create","pc1",{},"https://meet.example/room",1700000000000]`,
    `["getStats","pc1",${JSON.stringify(inbound(10))},1000]`,
    `["getStats","pc1",${JSON.stringify(inbound(60))},1000]`,
    '["close","pc1",null,5]',
    `["getStats","pc1",${JSON.stringify(inbound(99))},1000]`,
    `["getStats","pc2",${JSON.stringify(inbound(1))},500]`,
    '',
  ].join('\n')
  const {pcs, result} = await read(readRtcStatsDump, text)
  assert.is(result.userAgent, 'Test/1.0')
  assert.equal(
    pcs.map((pc) => pc.id),
    ['pc1', 'pc2'],
  )
  const s = pcs[0]!.stats.get('IT01A')!
  // The first delta is ms since the epoch; each next one adds to it.
  assert.equal(s.times, [1700000001000, 1700000002000])
  assert.equal(s.column('packetsReceived'), [10, 60], 'nothing after close is kept')
  assert.is(pcs[0]!.url, 'https://meet.example/room')
  assert.equal(pcs[1]!.stats.get('IT01A')!.times, [1700000003505])
})

test('RTCStatsDump: the header, the metadata line and the time delta are checked', async () => {
  await refused(readRtcStatsDump, 'RTCStats\n{}\n', 'line', 1, 0, 'is not the "RTCStatsDump" header')
  await refused(readRtcStatsDump, 'RTCStatsDump\n[1]\n', 'line', 2, 13, '(the metadata line) is not a JSON object')
  await refused(readRtcStatsDump, 'RTCStatsDump\n{oops\n', 'line', 2, 13, /^\(the metadata line\) is not JSON: /)
  await refused(readRtcStatsDump, 'RTCStatsDump\n{}\n["getStats","pc1"]\n', 'line', 3, 16, /has 2 element\(s\)/)
  await refused(
    readRtcStatsDump,
    'RTCStatsDump\n{}\n["getStats","pc1",{},"soon"]\n',
    'line',
    3,
    16,
    'ends in "soon" where the time delta, a number, belongs',
  )
  await refused(
    readRtcStatsDump,
    'RTCStatsDump\n{}\n["getStats","pc1",[],5]\n',
    'line',
    3,
    16,
    'has a getStats report that is not an object of RTCStats',
  )
})

test('RTCStatsDump: an empty file and a header alone are told apart', async () => {
  await refused(readRtcStatsDump, '', 'empty', 1, 0, 'no lines')
  await refused(
    readRtcStatsDump,
    'RTCStatsDump\n',
    'truncated',
    2,
    13,
    'the file ends after the "RTCStatsDump" header, before its metadata line',
  )
})

test('RTCStatsDump: unknown methods, non-array lines and blank lines are read past', async () => {
  const text = `RTCStatsDump\n{}\n\n"a string"\n["onicecandidate","pc1",null,5]\n["getStats","pc1",${JSON.stringify(inbound(1))},5]\n`
  const {pcs} = await read(readRtcStatsDump, text)
  assert.equal(
    pcs.map((pc) => pc.id),
    ['pc1'],
  )
})

test('stats lines: reports as objects or arrays, single objects, ISO or ms times, default connection', async () => {
  const text = [
    `{"pc":"a","time":"2026-11-30T07:00:00.000Z","stats":${JSON.stringify(inbound(1))}}`,
    `{"pc":"a","time":1796022001000,"stats":[{"id":"IT01A","type":"inbound-rtp","packetsReceived":2}]}`,
    '{"id":"OT01V","type":"outbound-rtp","timestamp":5,"packetsSent":3}',
  ].join('\r\n')
  const {pcs} = await read(readStatsLines, text)
  assert.equal(
    pcs.map((pc) => pc.id),
    ['a', 'default'],
  )
  assert.equal(pcs[0]!.stats.get('IT01A')!.times, [Date.parse('2026-11-30T07:00:00.000Z'), 1796022001000])
  assert.equal(pcs[1]!.stats.get('OT01V')!.column('packetsSent'), [3])
})

test('stats lines: each unusable line is named', async () => {
  await refused(readStatsLines, '{"stats":{}}\n[1,2]\n', 'line', 2, 13, 'is not a JSON object')
  await refused(
    readStatsLines,
    '{"stats":42}\n',
    'line',
    1,
    0,
    'has "stats" that are neither an object of RTCStats nor an array of them',
  )
  await refused(
    readStatsLines,
    '{"hello":1}\n',
    'line',
    1,
    0,
    'has neither a "stats" key nor an RTCStats "id" and "type"',
  )
  await refused(readStatsLines, '\n  \n', 'empty', 1, 0, 'no stats lines')
})

test.run()
