// test-kind: unit
// Threshold flags (parsing, one sentence naming the flag and value for bad ones) and the
// evaluation of summaries against them (p95 compared, violations named).
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {BadInputError} from '../../src/errors.js'
import type {StreamSummary} from '../../src/qoe/summary.js'
import {DEFAULT_THRESHOLDS, evaluate, parseThresholds} from '../../src/qoe/thresholds.js'

function stream(over: Partial<StreamSummary>): StreamSummary {
  return {
    id: 'IT01V1234',
    kind: 'video',
    direction: 'inbound',
    codec: 'VP8',
    ssrc: 1234,
    samples: 10,
    packets: 1000,
    packetsLost: 0,
    bitrateBps: null,
    lossPercent: {p50: 0, p95: 0.5, max: 9},
    jitterMs: {p50: 5, p95: 10, max: 80},
    rttMs: {p50: 40, p95: 50, max: 900},
    mos: {p50: 4.4, p95: 4.2, max: 1.5},
    bands: {jitter: 'good', loss: 'good', rtt: 'good', mos: 'good'},
    ...over,
  }
}

function badInput(fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    assert.instance(err, BadInputError)
    assert.is((err as BadInputError).exitCode, 2)
    return (err as Error).message
  }
  assert.unreachable('no error')
  return ''
}

test('defaults, and flags that override them', () => {
  assert.equal(parseThresholds({}), DEFAULT_THRESHOLDS)
  assert.equal(parseThresholds({'max-jitter': '30', 'max-loss': '2', 'max-rtt': '300', 'min-mos': '3.5'}), {
    maxJitterMs: 30,
    maxLossPercent: 2,
    maxRttMs: 300,
    minMos: 3.5,
  })
  assert.equal(parseThresholds({'max-loss': '0.5', 'min-mos': '4'}), {
    ...DEFAULT_THRESHOLDS,
    maxLossPercent: 0.5,
    minMos: 4,
  })
})

test('a threshold that is not a number names the flag and the value', () => {
  assert.is(
    badInput(() => parseThresholds({'max-loss': 'abc'})),
    '--max-loss takes a packet loss in percent, not "abc".',
  )
  assert.match(
    badInput(() => parseThresholds({'max-jitter': '30ms'})),
    /--max-jitter .*"30ms"/,
  )
  assert.match(
    badInput(() => parseThresholds({'max-rtt': ''})),
    /--max-rtt .*""/,
  )
  assert.match(
    badInput(() => parseThresholds({'min-mos': '-1'})),
    /--min-mos .*-1/,
  )
})

test('out-of-range thresholds', () => {
  assert.is(
    badInput(() => parseThresholds({'max-loss': '150'})),
    '--max-loss must be between 0 and 100, not 150.',
  )
  assert.is(
    badInput(() => parseThresholds({'min-mos': '5'})),
    '--min-mos must be between 1 and 4.5, not 5.',
  )
})

test('p95 above a maximum is a violation naming the stream and the figure', () => {
  const v = evaluate(
    [{source: 'pc 3', streams: [stream({lossPercent: {p50: 1, p95: 4.2, max: 12}})]}],
    DEFAULT_THRESHOLDS,
  )
  assert.is(v.length, 1)
  assert.is(v[0]!.message, 'pc 3 / inbound-rtp video ssrc 1234: p95 loss 4.2 % > 2 %')
  assert.equal(
    {figure: v[0]!.figure, value: v[0]!.value, limit: v[0]!.limit, streamId: v[0]!.streamId},
    {figure: 'loss', value: 4.2, limit: 2, streamId: 'IT01V1234'},
  )
})

test('p95 MOS below the minimum is a violation', () => {
  const v = evaluate(
    [
      {
        source: 'pc 3',
        streams: [stream({direction: 'outbound', ssrc: 99, kind: 'audio', mos: {p50: 4, p95: 3.1, max: 2}})],
      },
    ],
    DEFAULT_THRESHOLDS,
  )
  assert.equal(
    v.map((x) => x.message),
    ['pc 3 / outbound-rtp audio ssrc 99: p95 MOS 3.1 < 3.5'],
  )
})

test('the worst sample alone (max) does not fail; equal to the limit passes', () => {
  // max loss 9 %, max jitter 80 ms, max RTT 900 ms, worst MOS 1.5: all p95 within limits
  assert.equal(evaluate([{source: 'pc 1', streams: [stream({})]}], DEFAULT_THRESHOLDS), [])
  assert.equal(
    evaluate([{source: 'pc 1', streams: [stream({jitterMs: {p50: 1, p95: 30, max: 30}})]}], DEFAULT_THRESHOLDS),
    [],
  )
})

test('figures without samples are not checked; every broken figure is listed', () => {
  const none = stream({lossPercent: null, jitterMs: null, rttMs: null, mos: null})
  const bad = stream({id: 'x', ssrc: 7, jitterMs: {p50: 40, p95: 50, max: 60}, rttMs: {p50: 400, p95: 500, max: 600}})
  const v = evaluate(
    [
      {source: 'pc 1', streams: [none]},
      {source: 'node eu-1 / room demo', streams: [bad]},
    ],
    DEFAULT_THRESHOLDS,
  )
  assert.equal(
    v.map((x) => x.message),
    [
      'node eu-1 / room demo / inbound-rtp video ssrc 7: p95 jitter 50 ms > 30 ms',
      'node eu-1 / room demo / inbound-rtp video ssrc 7: p95 RTT 500 ms > 300 ms',
    ],
  )
  assert.equal(
    evaluate([{source: 'pc 1', streams: [bad]}], {
      maxJitterMs: null,
      maxLossPercent: null,
      maxRttMs: null,
      minMos: null,
    }),
    [],
  )
})

test.run()
