// test-kind: unit
// The demo's room loop: one detail per interval until the signal aborts, then the room asked
// once more for the result; an abort during the pause ends it at once.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import type {RoomDetail} from '../../src/api/node-api.js'
import {watchRoom} from '../../src/fleet/room-watch.js'

function source() {
  let calls = 0
  return {
    get calls() {
      return calls
    },
    room: async (name: string) => ({name, participants: ++calls}) as unknown as RoomDetail,
  }
}

test('renders each detail until stopped, then returns a fresh one', async () => {
  const src = source()
  const stop = new AbortController()
  const seen: number[] = []
  const last = await watchRoom(src, 'demo', {
    intervalMs: 1,
    signal: stop.signal,
    onDetail: (d) => {
      seen.push(d.participants)
      if (seen.length === 3) stop.abort()
    },
  })
  assert.equal(seen, [1, 2, 3])
  assert.is(last.participants, 4, 'asked again after the stop')
})

test('an abort during a long pause ends the wait at once', async () => {
  const src = source()
  const stop = new AbortController()
  const started = Date.now()
  const done = watchRoom(src, 'demo', {intervalMs: 3_600_000, signal: stop.signal, onDetail: () => stop.abort()})
  const last = await done
  assert.ok(Date.now() - started < 60_000, 'not the hour-long interval')
  assert.is(last.participants, 2)
})

test('already stopped: no rendering, one answer', async () => {
  const src = source()
  const stop = new AbortController()
  stop.abort()
  const seen: unknown[] = []
  await watchRoom(src, 'demo', {intervalMs: 1, signal: stop.signal, onDetail: (d) => seen.push(d)})
  assert.equal(seen, [])
  assert.is(src.calls, 1)
})

test.run()
