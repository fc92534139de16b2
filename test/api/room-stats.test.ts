// test-kind: unit
// The quality aggregates of GET /v1/rooms (src/api/room-stats.ts): worst jitter, loss, RTT
// and MOS over a room's streams, and the sum of their packet counters.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import type {StreamStats} from '../../src/api/node-api.js'
import {roomStats} from '../../src/api/room-stats.js'

function s(q: Partial<StreamStats>): StreamStats {
  return {
    id: 'p:audio',
    kind: 'audio',
    codec: 'opus',
    direction: 'uplink',
    ssrc: 1,
    packets: 0,
    bytes: 0,
    bitrateBps: 0,
    packetsLost: 0,
    fractionLost: 0,
    jitterMs: null,
    rttMs: null,
    nackCount: 0,
    pliCount: 0,
    mos: null,
    ...q,
  }
}

test('worst of each figure over every stream of every participant; packets summed', () => {
  const stats = roomStats([
    {
      streams: [
        s({packets: 100, fractionLost: 0.01, jitterMs: 3, mos: 4.4}),
        s({packets: 50, fractionLost: 7 / 256, jitterMs: 12.5, mos: null}),
      ],
    },
    {streams: [s({packets: 25, direction: 'downlink', fractionLost: 0, jitterMs: 1, rttMs: 80, mos: 3.2})]},
    {streams: []},
  ])
  assert.equal(stats, {worstJitterMs: 12.5, worstLossPercent: 2.73, worstRttMs: 80, worstMos: 3.2, packets: 175})
})

test('figures no stream carries are null; an empty room has no loss figure either', () => {
  assert.equal(roomStats([{streams: [s({packets: 9})]}]), {
    worstJitterMs: null,
    worstLossPercent: 0,
    worstRttMs: null,
    worstMos: null,
    packets: 9,
  })
  assert.equal(roomStats([]), {
    worstJitterMs: null,
    worstLossPercent: null,
    worstRttMs: null,
    worstMos: null,
    packets: 0,
  })
})

test.run()
