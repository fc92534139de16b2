// test-kind: unit
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {SineTone, VideoPattern} from '../../src/client/media-pattern.js'
import {startPaced} from '../../src/client/paced-timer.js'

test('video pattern: I420 buffer of the right size, and every frame differs', () => {
  const p = new VideoPattern(320, 240)
  const a = Buffer.from(p.next().data)
  const f = p.next()
  assert.is(f.data.length, 320 * 240 * 1.5)
  assert.equal([f.width, f.height], [320, 240])
  assert.not.ok(a.equals(Buffer.from(f.data)))
  assert.is(p.framesDrawn, 2)
})

test('video pattern: odd or tiny sizes are refused', () => {
  assert.throws(() => new VideoPattern(321, 240), /even/)
  assert.throws(() => new VideoPattern(8, 8), /16x16/)
})

test('sine tone: 10 ms of 48 kHz mono Int16 per chunk, continuous across chunks', () => {
  const tone = new SineTone(1000, 48_000, 0.5)
  const first = tone.next()
  assert.is(first.samples.length, 480)
  assert.is(first.numberOfFrames, 480)
  assert.equal([first.sampleRate, first.channelCount, first.bitsPerSample], [48_000, 1, 16])
  const peak = Math.max(...first.samples)
  assert.ok(peak > 16_000 && peak <= 16_384, `peak ${peak}`)
  const last = first.samples[479]!
  const next = tone.next().samples[0]!
  // 1 kHz at 48 kHz moves at most ~2150 per sample at this amplitude: no jump at the boundary.
  assert.ok(Math.abs(next - last) < 2200, `${last} -> ${next}`)
  assert.throws(() => new SineTone(440, 44_123), /10 ms/)
})

test('paced timer: keeps the average rate and stops', async () => {
  let n = 0
  const t = startPaced(10, () => n++)
  await new Promise((r) => setTimeout(r, 205))
  t.stop()
  const at = n
  assert.ok(n >= 17 && n <= 21, `ticks ${n}`)
  await new Promise((r) => setTimeout(r, 50))
  assert.is(n, at)
})

test.run()
