// test-kind: unit
// Packets forwarded per second (src/sfu/forwarded-rate.ts): the rise of the subscribers'
// counters between two calls over the time between them; a subscriber leaving takes its
// count with it, which must never show as a negative rate. Times are passed in.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {ForwardedRate} from '../../src/sfu/forwarded-rate.js'
import type {RoomRegistry} from '../../src/sfu/room-registry.js'

/** A registry of rooms of subscribers of streams, reduced to the packet counters read. */
function registry(rooms: number[][][]) {
  const state = {rooms}
  const reg = {
    list: () =>
      state.rooms.map((subs) => ({
        subscribers: new Map(
          subs.map((streams, i) => [`s${i}`, {streams: () => streams.map((packets) => ({packets}))}]),
        ),
      })),
  } as unknown as RoomRegistry
  return {reg, state}
}

test('the rise over the seconds between calls, rounded, over all rooms and streams', () => {
  const {reg, state} = registry([[[100, 50]], [[10]]])
  const rate = new ForwardedRate(reg)
  rate.perSecond(1_000_000) // the first call sets the baseline (160 packets)
  state.rooms = [[[400, 250]], [[10]]] // +500 packets
  assert.is(rate.perSecond(1_002_000), 250, '500 packets in 2 s')
  state.rooms = [[[401, 250]], [[10]]]
  assert.is(rate.perSecond(1_005_000), 0, '1 packet in 3 s rounds to 0')
})

test('a subscriber leaving lowers the total: the rate is 0, not negative', () => {
  const {reg, state} = registry([[[1000], [1000]]])
  const rate = new ForwardedRate(reg)
  rate.perSecond(0)
  state.rooms = [[[1100]]]
  assert.is(rate.perSecond(1000), 0)
  // The next interval counts from the lowered total.
  state.rooms = [[[1300]]]
  assert.is(rate.perSecond(2000), 200)
})

test('no time between two calls (or the clock went back): 0, not a division by zero', () => {
  const {reg, state} = registry([[[0]]])
  const rate = new ForwardedRate(reg)
  rate.perSecond(5000)
  state.rooms = [[[100]]]
  assert.is(rate.perSecond(5000), 0)
  state.rooms = [[[200]]]
  assert.is(rate.perSecond(4000), 0)
})

test.run()
