// test-kind: unit
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {attributeLoss} from '../../src/qoe/attribution.js'

test('loss the SFU already saw is the uplink', () => {
  const a = attributeLoss(5.1, 4.9, 'alice')
  assert.is(a.leg, 'uplink')
  assert.match(a.explanation, /alice's uplink/)
})

test('loss the SFU did not see is the downlink', () => {
  const a = attributeLoss(5, 0.1)
  assert.is(a.leg, 'downlink')
  assert.is(a.downlinkPercent, 4.9)
})

test('a remainder within measurement error is not blamed on a second leg', () => {
  // 3.74 % seen on the uplink, 4.6 % by the subscriber: the 0.86 pp rest is timing noise.
  assert.is(attributeLoss(4.6, 3.74).leg, 'uplink')
})

test('both legs, and none', () => {
  assert.is(attributeLoss(8, 3).leg, 'both')
  assert.is(attributeLoss(0.2, 0.1).leg, 'none')
})

test.run()
