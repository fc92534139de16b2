// test-kind: unit
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {KeyframeThrottle, type ThrottleClock} from '../../src/sfu/keyframe-throttle.js'

/** A clock the test steps by hand: timers fire only inside advance(), in time order. */
function manualClock() {
  let now = 0
  let timers: {at: number; fire: () => void}[] = []
  const clock: ThrottleClock = {
    now: () => now,
    after(ms, fire) {
      const timer = {at: now + ms, fire}
      timers.push(timer)
      return () => {
        timers = timers.filter((t) => t !== timer)
      }
    },
  }
  const advance = (ms: number) => {
    const end = now + ms
    for (;;) {
      const due = timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0]
      if (!due) break
      timers = timers.filter((t) => t !== due)
      now = due.at
      due.fire()
    }
    now = end
  }
  return {clock, advance, pending: () => timers.length}
}

test('the first request is sent at once; requests inside the window collapse into one deferred send', () => {
  const {clock, advance, pending} = manualClock()
  let sent = 0
  const t = new KeyframeThrottle(() => sent++, 200, clock)
  t.request()
  assert.is(sent, 1)
  advance(50)
  t.request()
  t.request()
  t.request()
  assert.is(sent, 1, 'no second send inside the window')
  assert.is(t.suppressed, 3)
  advance(149)
  assert.is(sent, 1, 'still inside the window 199 ms after the first send')
  advance(1)
  assert.is(sent, 2, 'exactly one deferred send at the end of the window')
  assert.is(pending(), 0)
  advance(1000)
  assert.is(sent, 2, 'nothing more without new requests')
})

test('at most one send per interval under a flood, and none lost at its end', () => {
  const {clock, advance} = manualClock()
  const sentAt: number[] = []
  const t = new KeyframeThrottle(() => sentAt.push(clock.now()), 100, clock)
  for (let ms = 0; ms < 450; ms += 5) {
    t.request()
    advance(5)
  }
  assert.equal(sentAt, [0, 100, 200, 300, 400])
  advance(100)
  assert.equal(sentAt, [0, 100, 200, 300, 400, 500], 'the request at 445 ms is sent at the end of its window')
  t.stop()
})

test('stop cancels a deferred send', () => {
  const {clock, advance, pending} = manualClock()
  let sent = 0
  const t = new KeyframeThrottle(() => sent++, 100, clock)
  t.request()
  t.request()
  assert.is(pending(), 1)
  t.stop()
  assert.is(pending(), 0)
  advance(500)
  assert.is(sent, 1)
})

test.run()
