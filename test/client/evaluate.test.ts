// test-kind: unit
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {evaluateStream, type StreamContext} from '../../src/client/evaluate.js'
import {codecName, inboundStreams, lossPercent, streamOfKind} from '../../src/client/stats.js'

const T = {maxLossPercent: 1, maxJitterMs: 30}

/** A getStats() report as libwebrtc shapes it: a Map of id -> stats dictionary. */
function report(...stats: Record<string, unknown>[]): Map<string, unknown> {
  return new Map(stats.map((s) => [String(s.id), s]))
}
const codec = (id: string, mimeType: string) => ({id, type: 'codec', mimeType, payloadType: 96})
const inbound = (id: string, kind: 'audio' | 'video', extra: Record<string, unknown>) => ({
  id,
  type: 'inbound-rtp',
  kind,
  ...extra,
})

const audioOk = inbound('A', 'audio', {
  codecId: 'C111',
  packetsReceived: 500,
  packetsLost: 0,
  jitter: 0.002,
  totalSamplesReceived: 480000,
})
const videoOk = inbound('V', 'video', {
  codecId: 'C96',
  packetsReceived: 990,
  packetsLost: 10,
  jitter: 0.0125,
  framesDecoded: 200,
})
const ctx = (kind: 'audio' | 'video', extra: Partial<StreamContext> = {}): StreamContext => ({
  subscriber: 'sub-1',
  publisher: 'pub-1',
  kind,
  ...extra,
})

test('stats: inbound streams with codec names, loss % and jitter in ms', () => {
  const streams = inboundStreams(
    report(codec('C111', 'audio/opus'), codec('C96', 'video/VP8'), audioOk, videoOk, {
      id: 'O',
      type: 'outbound-rtp',
      kind: 'video',
      packetsSent: 5,
    }),
  )
  assert.equal(streams, [
    {
      kind: 'audio',
      codec: 'opus',
      packetsReceived: 500,
      packetsLost: 0,
      lossPercent: 0,
      jitterMs: 2,
      samplesReceived: 480000,
    },
    {
      kind: 'video',
      codec: 'VP8',
      packetsReceived: 990,
      packetsLost: 10,
      lossPercent: 1,
      jitterMs: 12.5,
      framesDecoded: 200,
    },
  ])
})

test('stats: missing fields become zeros / unknown / null rather than NaN', () => {
  const [s] = inboundStreams(report(inbound('X', 'video', {codecId: 'nope'})))
  assert.equal(s, {
    kind: 'video',
    codec: 'unknown',
    packetsReceived: 0,
    packetsLost: 0,
    lossPercent: 0,
    jitterMs: null,
    framesDecoded: 0,
  })
  // Older stats use mediaType instead of kind.
  const [m] = inboundStreams(report({id: 'Y', type: 'inbound-rtp', mediaType: 'audio', packetsReceived: 3}))
  assert.is(m!.kind, 'audio')
})

test('stats: loss percent and codec names', () => {
  assert.is(lossPercent(99, 1), 1)
  assert.is(lossPercent(0, 0), 0)
  assert.is(lossPercent(0, 5), 100)
  assert.is(lossPercent(100, -3), 0) // duplicates make packetsLost negative: not loss
  assert.is(codecName('video/VP8'), 'VP8')
  assert.is(codecName('opus'), 'opus')
  assert.is(codecName(undefined), 'unknown')
})

test('stats: several streams of one kind are summed, jitter is the worst', () => {
  const streams = inboundStreams(
    report(
      inbound('V1', 'video', {packetsReceived: 90, packetsLost: 10, jitter: 0.01, framesDecoded: 5}),
      inbound('V2', 'video', {packetsReceived: 100, packetsLost: 0, jitter: 0.03, framesDecoded: 7}),
    ),
  )
  const v = streamOfKind(streams, 'video')!
  assert.is(v.packetsReceived, 190)
  assert.is(v.packetsLost, 10)
  assert.is(v.lossPercent, 5)
  assert.is(v.jitterMs, 30)
  assert.is(v.framesDecoded, 12)
  assert.is(streamOfKind(streams, 'audio'), undefined)
})

test('evaluate: healthy streams pass, with the report fields rounded', () => {
  const streams = inboundStreams(report(codec('C111', 'audio/opus'), codec('C96', 'video/VP8'), audioOk, videoOk))
  const a = evaluateStream(
    ctx('audio', {connectionState: 'connected', timeToFirstFrameMs: 120}),
    streamOfKind(streams, 'audio'),
    T,
  )
  assert.equal(a, {
    subscriber: 'sub-1',
    publisher: 'pub-1',
    kind: 'audio',
    codec: 'opus',
    packetsReceived: 500,
    packetsLost: 0,
    lossPercent: 0,
    jitterMs: 2,
    samplesReceived: 480000,
    timeToFirstFrameMs: 120,
    passed: true,
    failures: [],
  })
  const v = evaluateStream(ctx('video'), streamOfKind(streams, 'video'), T)
  assert.ok(v.passed, v.failures.join())
  assert.is(v.lossPercent, 1) // exactly at the limit passes
  assert.is(v.framesDecoded, 200)
  assert.not.ok('samplesReceived' in v)
  assert.not.ok('timeToFirstFrameMs' in v)
})

test('evaluate: loss and jitter above the limits fail, each named', () => {
  const [s] = inboundStreams(
    report(inbound('V', 'video', {packetsReceived: 970, packetsLost: 30, jitter: 0.0456, framesDecoded: 10})),
  )
  const r = evaluateStream(ctx('video'), s, T)
  assert.not.ok(r.passed)
  assert.is(r.lossPercent, 3)
  assert.is(r.jitterMs, 45.6)
  assert.equal(r.failures, ['packet loss 3% is above 1%', 'jitter 45.6 ms is above 30 ms'])
  // The verdict uses the rounded numbers the report shows: 1.004% displays as 1 and passes.
  const [edge] = inboundStreams(
    report(inbound('V', 'video', {packetsReceived: 99_000, packetsLost: 1004, framesDecoded: 1})),
  )
  assert.ok(evaluateStream(ctx('video'), edge, T).passed)
})

test('evaluate: no media fails even with perfect loss and jitter', () => {
  const none = evaluateStream(ctx('audio'), undefined, T)
  assert.equal(none.failures, ['no inbound audio stream'])
  assert.is(none.samplesReceived, 0)
  assert.is(none.jitterMs, null)
  const [silent] = inboundStreams(report(inbound('A', 'audio', {packetsReceived: 0, packetsLost: 0})))
  assert.equal(evaluateStream(ctx('audio'), silent, T).failures, ['no packets received'])
  const [undecoded] = inboundStreams(report(inbound('V', 'video', {packetsReceived: 50, framesDecoded: 0, jitter: 0})))
  assert.equal(evaluateStream(ctx('video'), undecoded, T).failures, ['no video frames decoded'])
  const [noSamples] = inboundStreams(report(inbound('A', 'audio', {packetsReceived: 50, totalSamplesReceived: 0})))
  assert.equal(evaluateStream(ctx('audio'), noSamples, T).failures, ['no audio samples received'])
})

test('evaluate: connection states other than connected are failures', () => {
  const [s] = inboundStreams(report(audioOk))
  const r = evaluateStream(ctx('audio', {connectionState: 'failed', publisherConnectionState: 'connecting'}), s, T)
  assert.equal(r.failures, [
    'publisher connection state is connecting, not connected',
    'connection state is failed, not connected',
  ])
})

test('evaluate: zero thresholds are allowed and strict', () => {
  const [s] = inboundStreams(
    report(inbound('A', 'audio', {packetsReceived: 10, packetsLost: 0, jitter: 0.001, totalSamplesReceived: 9})),
  )
  assert.equal(evaluateStream(ctx('audio'), s, {maxLossPercent: 0, maxJitterMs: 0}).failures, [
    'jitter 1 ms is above 0 ms',
  ])
})

test.run()
