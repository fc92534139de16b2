// test-kind: unit
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {checkSmokeSettings, parseNumberFlag, SMOKE_DEFAULTS} from '../../src/client/smoke-options.js'
import {badInput} from '../helpers/assert-bad-input.js'

test('defaults: 2 publishers, 1 subscriber, 10 s, 1 % loss, 30 ms jitter', () => {
  const s = checkSmokeSettings({})
  assert.equal(s, SMOKE_DEFAULTS)
  assert.equal([s.publishers, s.subscribers, s.durationSeconds, s.maxLossPercent, s.maxJitterMs], [2, 1, 10, 1, 30])
  assert.is(checkSmokeSettings({publishers: undefined, durationSeconds: 2.5}).durationSeconds, 2.5)
})

test('bad values: one sentence naming the flag and the value', () => {
  badInput(() => checkSmokeSettings({publishers: 0}), '--publishers', '0')
  badInput(() => checkSmokeSettings({publishers: 1.5}), '--publishers', '1.5')
  badInput(() => checkSmokeSettings({subscribers: -1}), '--subscribers', '-1')
  badInput(() => checkSmokeSettings({subscribers: 10_000}), '--subscribers')
  badInput(() => checkSmokeSettings({durationSeconds: -3}), '--duration', '-3')
  badInput(() => checkSmokeSettings({durationSeconds: 0}), '--duration')
  badInput(() => checkSmokeSettings({durationSeconds: Number.NaN}), '--duration')
  badInput(() => checkSmokeSettings({maxLossPercent: 101}), '--max-loss')
  badInput(() => checkSmokeSettings({maxJitterMs: -1}), '--max-jitter')
})

test('numeric flags: text to number, or a sentence naming the flag', () => {
  assert.is(parseNumberFlag('--duration', ' 8 '), 8)
  assert.is(parseNumberFlag('--duration', undefined), undefined)
  badInput(() => parseNumberFlag('--duration', 'ten'), '--duration', "'ten'")
  badInput(() => parseNumberFlag('--duration', ''), '--duration')
})

test.run()
