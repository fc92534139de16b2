// test-kind: unit
// Importing the recorded fixtures (test/fixtures/webrtc-internals/, recorded from libwebrtc by
// scripts/record-dump.ts): every format gives the same summaries for the same call, the
// counters match what getStats() reported at the last poll (recording.json), and the
// inbound figures match a direct computation from the fully parsed file.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {gzipSync} from 'node:zlib'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {importDump, type ImportResult} from '../../src/qoe/import/index.js'
import {applyStatsDelta} from '../../src/qoe/import/rtcstats-dump.js'
import type {Pct, StreamSummary} from '../../src/qoe/summary.js'

const dir = fileURLToPath(new URL('../../../test/fixtures/webrtc-internals/', import.meta.url))
const fixture = (name: string) => join(dir, name)
const tmp = mkdtempSync(join(tmpdir(), 'confctl-qoe-import-'))

interface Facts {
  peerConnections: Array<{
    id: string
    streams: Array<{
      id: string
      oldId: string
      type: string
      kind: string
      ssrc: number
      packetsReceived?: number
      packetsSent?: number
      packetsLost: number
    }>
  }>
}
const facts = JSON.parse(readFileSync(fixture('recording.json'), 'utf8')) as Facts

const figures = (s: StreamSummary) => ({loss: s.lossPercent, jitter: s.jitterMs, rtt: s.rttMs, mos: s.mos})
const byKey = (r: ImportResult) =>
  new Map(r.peerConnections.flatMap((pc) => pc.streams.map((s) => [`${pc.id} ${s.direction} ${s.ssrc}`, s] as const)))

let newDump: ImportResult

test('new-style webrtc-internals dump with timestamps', async () => {
  newDump = await importDump(fixture('chrome-new.json'))
  assert.is(newDump.format, 'webrtc-internals')
  assert.is(newDump.gzip, false)
  assert.match(newDump.userAgent ?? '', /@roamhq\/wrtc/)
  assert.equal(
    newDump.peerConnections.map((pc) => pc.id),
    ['7-1', '7-2'],
  )
  for (const pc of newDump.peerConnections) {
    assert.match(pc.url ?? '', /record-dump/)
    assert.equal(
      pc.streams.map((s) => `${s.direction} ${s.kind} ${s.codec}`),
      ['inbound audio opus', 'inbound video VP8', 'outbound audio opus', 'outbound video VP8'],
    )
    for (const s of pc.streams) assert.is(s.samples, 11)
  }
})

test('counters are the last values getStats() reported (recording.json)', () => {
  for (const pcFacts of facts.peerConnections) {
    const pc = newDump.peerConnections.find((p) => p.id === pcFacts.id)!
    for (const f of pcFacts.streams) {
      const s = pc.streams.find((x) => x.id === f.id)
      assert.ok(s, `${pcFacts.id} ${f.id}`)
      assert.is(s!.ssrc, f.ssrc)
      assert.is(s!.packets, f.type === 'inbound-rtp' ? f.packetsReceived : f.packetsSent, `${f.id} packets`)
      assert.is(s!.packetsLost, f.packetsLost, `${f.id} packetsLost`)
    }
  }
})

test('recorded figures: the impaired direction A -> B is poor, B -> A is good', () => {
  const video72 = newDump.peerConnections[1]!.streams.find((s) => s.direction === 'inbound' && s.kind === 'video')!
  assert.equal(video72.lossPercent, {p50: 0, p95: 10, max: 10})
  assert.equal(video72.jitterMs, {p50: 15, p95: 101, max: 101})
  assert.equal(video72.rttMs, {p50: 51, p95: 69, max: 69})
  assert.equal(video72.mos, {p50: 4.375, p95: 2.944, max: 2.944})
  assert.equal(video72.bands, {jitter: 'poor', loss: 'poor', rtt: 'good', mos: 'poor'})
  const video71 = newDump.peerConnections[0]!.streams.find((s) => s.direction === 'inbound' && s.kind === 'video')!
  assert.equal(video71.lossPercent, {p50: 0, p95: 0.926, max: 0.926})
  assert.equal(video71.bands, {jitter: 'good', loss: 'good', rtt: 'good', mos: 'good'})
  // what A sent is what B received: A's view comes from B's RTCP receiver reports
  const out71 = newDump.peerConnections[0]!.streams.find((s) => s.direction === 'outbound' && s.kind === 'video')!
  assert.is(out71.ssrc, video72.ssrc)
  assert.is(out71.packetsLost, video72.packetsLost)
  assert.equal(out71.lossPercent, {p50: 0, p95: 7.422, max: 7.422})
})

// An independent reading of the inbound figures: JSON.parse the whole (small) file and
// compute loss and jitter percentiles straight from the value arrays.
function nearest(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1]!
}
const pct = (values: number[]): Pct => ({
  p50: +nearest(values, 50).toFixed(3),
  p95: +nearest(values, 95).toFixed(3),
  max: +Math.max(...values).toFixed(3),
})

test('inbound figures match a direct computation from the parsed file', () => {
  const dump = JSON.parse(readFileSync(fixture('chrome-new.json'), 'utf8')) as {
    PeerConnections: Record<string, {stats: Record<string, {values: string}>}>
  }
  let checked = 0
  for (const pc of newDump.peerConnections) {
    for (const s of pc.streams.filter((x) => x.direction === 'inbound')) {
      const series = (attr: string) =>
        JSON.parse(dump.PeerConnections[pc.id]!.stats[`${s.id}-${attr}`]!.values) as number[]
      const recv = series('packetsReceived')
      const lost = series('packetsLost')
      const loss: number[] = []
      for (let i = 1; i < recv.length; i++) {
        const dl = Math.max(0, lost[i]! - lost[i - 1]!)
        const dr = recv[i]! - recv[i - 1]!
        if (dr >= 0 && dr + dl > 0) loss.push((100 * dl) / (dr + dl))
      }
      assert.equal(s.lossPercent, pct(loss), `${pc.id} ${s.id} loss`)
      assert.equal(s.jitterMs, pct(series('jitter').map((j) => j * 1000)), `${pc.id} ${s.id} jitter`)
      checked++
    }
  }
  assert.is(checked, 4)
})

test('the gzip copy, detected by its magic bytes and not its name', async () => {
  const gz = await importDump(fixture('chrome-new.json.gz'))
  assert.is(gz.gzip, true)
  assert.equal(gz.peerConnections, newDump.peerConnections)
  const renamed = join(tmp, 'dump.json')
  copyFileSync(fixture('chrome-new.json.gz'), renamed)
  const r = await importDump(renamed)
  assert.is(r.gzip, true)
  assert.equal(r.peerConnections, newDump.peerConnections)
})

test('without the timestamp series: samples spread over startTime..endTime, same figures', async () => {
  const r = await importDump(fixture('chrome-new-no-timestamps.json'))
  const want = byKey(newDump)
  for (const [key, s] of byKey(r)) {
    const w = want.get(key)!
    assert.is(s.samples, w.samples)
    assert.is(s.packets, w.packets)
    assert.is(s.packetsLost, w.packetsLost)
    if (s.direction === 'inbound') assert.equal(figures(s), figures(w), key)
    else assert.equal(s.lossPercent?.p95, w.lossPercent?.p95, key)
  }
})

test('old-style ids (RTCInboundRTPVideoStream_...), mediaType and track stats', async () => {
  const r = await importDump(fixture('chrome-old.json'))
  const noTs = byKey(await importDump(fixture('chrome-new-no-timestamps.json')))
  const ids = r.peerConnections.flatMap((pc) => pc.streams.map((s) => s.id))
  assert.equal(ids.sort(), facts.peerConnections.flatMap((pc) => pc.streams.map((s) => s.oldId)).sort())
  for (const [key, s] of byKey(r)) {
    const w = noTs.get(key)!
    assert.is(s.codec, w.codec)
    assert.equal(figures(s), figures(w), key)
    assert.is(s.packetsLost, w.packetsLost)
  }
})

test('RTCStatsDump lines (full reports, as Chrome writes them) give the same summaries', async () => {
  const r = await importDump(fixture('rtcstats-dump.txt'))
  assert.is(r.format, 'rtcstats')
  assert.equal(
    r.peerConnections.map((pc) => pc.id),
    ['7-1', '7-2'],
  )
  for (const pc of r.peerConnections) {
    assert.match(pc.url ?? '', /record-dump/)
    const want = newDump.peerConnections.find((p) => p.id === pc.id)!
    for (const s of pc.streams) {
      const w = want.streams.find((x) => x.id === s.id)!
      assert.equal(figures(s), figures(w), s.id)
      assert.is(s.packets, w.packets)
    }
  }
  // Chrome downloads it gzipped, as rtcstats_dump.gz
  writeFileSync(join(tmp, 'rtcstats_dump'), gzipSync(readFileSync(fixture('rtcstats-dump.txt'))))
  const gz = await importDump(join(tmp, 'rtcstats_dump'))
  assert.equal([gz.format, gz.gzip], ['rtcstats', true])
  assert.equal(gz.peerConnections, r.peerConnections)
})

test('RTCStatsDump with rtcstats-js delta compression', async () => {
  const r = await importDump(fixture('rtcstats-dump-compressed.txt'))
  const want = byKey(newDump)
  const got = byKey(r)
  assert.is(got.size, 8)
  for (const [key, s] of got) {
    const w = want.get(key)!
    assert.is(s.codec, w.codec)
    assert.is(s.packetsLost, w.packetsLost)
    assert.equal(figures(s), figures(w), key)
  }
})

test('plain JSON Lines of getStats() reports, and of single RTCStats objects', async () => {
  const lines = readFileSync(fixture('rtcstats-dump.txt'), 'utf8').split('\n').slice(2)
  let time = 0
  const out: string[] = []
  const bare: string[] = []
  for (const line of lines) {
    const ev = JSON.parse(line) as unknown[]
    time += ev[ev.length - 1] as number
    if (ev[0] !== 'getStats') continue
    out.push(JSON.stringify({peerConnectionId: ev[1], time: new Date(time).toISOString(), stats: ev[2]}))
    if (ev[1] === '7-2') for (const s of Object.values(ev[2] as object)) bare.push(JSON.stringify(s))
  }
  writeFileSync(join(tmp, 'stats.jsonl'), out.join('\n') + '\n')
  const r = await importDump(join(tmp, 'stats.jsonl'))
  assert.is(r.format, 'stats-lines')
  const want = byKey(newDump)
  for (const [key, s] of byKey(r)) assert.equal(figures(s), figures(want.get(key)!), key)

  writeFileSync(join(tmp, 'bare.jsonl'), bare.join('\r\n'))
  const b = await importDump(join(tmp, 'bare.jsonl'))
  assert.equal(
    b.peerConnections.map((pc) => pc.id),
    ['default'],
  )
  const b72 = b.peerConnections[0]!.streams
  assert.equal(
    b72.map((s) => figures(s)),
    newDump.peerConnections[1]!.streams.map((s) => figures(s)),
  )
})

test('hand-written dump: no statsType, values as arrays, ms times, a series that started later', async () => {
  const entry = (values: unknown[], json = true) => ({
    startTime: 1000,
    endTime: 5000,
    values: json ? JSON.stringify(values) : values,
  })
  const id = 'RTCInboundRTPAudioStream_42'
  const file = join(tmp, 'hand.json')
  writeFileSync(
    file,
    JSON.stringify({
      PeerConnections: {
        '3': {
          stats: {
            [`${id}-ssrc`]: entry([42, 42, 42, 42, 42]),
            [`${id}-mediaType`]: entry(['audio', 'audio', 'audio', 'audio', 'audio']),
            [`${id}-codecId`]: entry(['RTCCodec_0_Inbound_111', 'RTCCodec_0_Inbound_111']),
            [`${id}-packetsReceived`]: entry([0, 50, 100, 150, 200], false),
            [`${id}-packetsLost`]: entry([0, 0, 5, 5]), // appeared one poll later: aligned on the last sample
            [`${id}-jitter`]: entry([0.01, 0.02, 0.03, 0.04, 0.05]),
            [`${id}-[bytesReceived_in_bits/s]`]: entry([1, 2, 3]),
            'RTCCodec_0_Inbound_111-mimeType': entry(['audio/opus']),
            'RTCIceCandidatePair_a_b-currentRoundTripTime': entry([0.1, 0.1, 0.2, 0.2, 0.2]),
          },
        },
      },
    }),
  )
  const r = await importDump(file)
  assert.is(r.userAgent, null)
  const s = r.peerConnections[0]!.streams[0]!
  assert.equal(
    {
      id: s.id,
      kind: s.kind,
      codec: s.codec,
      ssrc: s.ssrc,
      samples: s.samples,
      packets: s.packets,
      packetsLost: s.packetsLost,
    },
    {id, kind: 'audio', codec: 'opus', ssrc: 42, samples: 5, packets: 200, packetsLost: 5},
  )
  // intervals with both counters: 50->100 lost 0, 100->150 lost 5 (5/55 = 9.091 %), 150->200 lost 0
  assert.equal(s.lossPercent, {p50: 0, p95: 9.091, max: 9.091})
  assert.equal(s.jitterMs, {p50: 30, p95: 50, max: 50})
  assert.equal(s.rttMs, {p50: 200, p95: 200, max: 200})
  // MOS at rows 2..4: (rtt 200, jitter 30, loss 0) 4.292; (200, 40, 9.091) 3.278; (200, 50, 0) 4.172
  assert.equal(s.mos, {p50: 4.172, p95: 3.278, max: 3.278})
})

test('rtcstats delta decompression: unchanged, changed, removed and new objects', () => {
  const base = {
    '0': {type: 'inbound-rtp', packetsReceived: 10, packetsLost: 1, timestamp: 1000, codecId: '2'},
    '1': {type: 'candidate-pair', currentRoundTripTime: 0.05, timestamp: 1000},
    '2': {type: 'codec', mimeType: 'audio/opus', timestamp: 1000},
  }
  const full = applyStatsDelta(base, {'0': {14: 20}, '1': null, '3': {type: 6, 152: 0.07}, t: 2000})
  assert.equal(full['0'], {type: 'inbound-rtp', packetsReceived: 20, packetsLost: 1, timestamp: 2000, codecId: '2'})
  assert.is(full['1'], undefined)
  assert.equal(full['2'], {type: 'codec', mimeType: 'audio/opus', timestamp: 2000})
  assert.equal(full['3'], {type: 'candidate-pair', currentRoundTripTime: 0.07, timestamp: 2000})
  const first = applyStatsDelta(undefined, {a: {type: 1, 16: 0.01, t: 5}, t: 7})
  assert.equal(first.a, {type: 'inbound-rtp', jitter: 0.01, timestamp: 5})
})

test.after(() => rmSync(tmp, {recursive: true, force: true}))

test.run()
