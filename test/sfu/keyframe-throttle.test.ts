import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {KeyframeThrottle} from '../../src/sfu/keyframe-throttle.js'

test('the first request is sent at once; requests inside the window collapse into one deferred send', async () => {
  let sent = 0
  const t = new KeyframeThrottle(() => sent++, 200)
  t.request()
  assert.is(sent, 1)
  t.request()
  t.request()
  t.request()
  assert.is(sent, 1, 'no second send inside the window')
  assert.is(t.suppressed, 3)
  await new Promise((r) => setTimeout(r, 260))
  assert.is(sent, 2, 'exactly one deferred send at the end of the window')
  t.stop()
})

test('at most one send per interval under a flood', async () => {
  let sent = 0
  const t = new KeyframeThrottle(() => sent++, 100)
  const started = Date.now()
  while (Date.now() - started < 450) {
    t.request()
    await new Promise((r) => setTimeout(r, 5))
  }
  t.stop()
  assert.ok(sent >= 4 && sent <= 6, `sent ${sent} in 450 ms at 100 ms interval`)
})

test.run()
