// test-kind: unit
// "Until Ctrl-C": SIGINT/SIGTERM or the end of the duration abort the one signal; dispose()
// leaves no listener behind.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {stopOnSignal} from '../../src/cli/stop-signal.js'
import {until} from '../helpers/until.js'

test('SIGTERM aborts it, with the signal as the reason; dispose removes the listeners', () => {
  const before = process.listenerCount('SIGTERM')
  const stop = stopOnSignal()
  assert.is(process.listenerCount('SIGTERM'), before + 1)
  process.emit('SIGTERM', 'SIGTERM')
  assert.ok(stop.signal.aborted)
  assert.is(stop.signal.reason, 'SIGTERM')
  stop.dispose()
  assert.is(process.listenerCount('SIGTERM'), before)
})

test('the end of the duration aborts it', async () => {
  const stop = stopOnSignal({durationMs: 20})
  await until('the duration to end', () => stop.signal.aborted, 10_000)
  assert.is(stop.signal.reason, 'duration')
  stop.dispose()
})

test('no duration: only a signal ends it', () => {
  const before = process.listenerCount('SIGINT')
  const stop = stopOnSignal()
  assert.not.ok(stop.signal.aborted)
  stop.dispose()
  assert.is(process.listenerCount('SIGINT'), before)
})

test.run()
