// The ramp-up figure with a real browser: Debian's Chromium publishes its fake camera
// (640x360, 30 fps) and microphone to a fresh node inside an isolated network namespace
// (test/helpers/in-isolated-netns.ts, as the browser tests run), and its own getStats() says
// how long it takes from "connected" until its encoder's target bitrate (outbound-rtp
// targetBitrate, what its bandwidth estimate allows the camera) reaches 1 Mbit/s, and what it
// really sends. Its built-in fake picture needs only ~200 kbit/s at any target, so the camera
// plays a generated clip of noise instead (as hard to compress as video gets): then the send
// rate follows what the estimate allows. Run by bench:sfu when
// BENCH_SFU_CHROMIUM=1 as a separate process (the namespace wrapper re-runs this file inside
// it and exits); prints one JSON line. Bounded: LIMIT_S.
import {openSync, rmSync, writeSync, closeSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {insideIsolatedNetns} from '../test/helpers/in-isolated-netns.js'
import {startHarness} from '../test/helpers/browser-harness.js'
import {launchChromium} from '../test/helpers/browsers.js'

const NS_IP = await insideIsolatedNetns(import.meta.url)
const TARGET_BPS = 1_000_000
const LIMIT_S = 30

interface Outbound {
  kind?: string
  bytesSent?: number
  targetBitrate?: number
}

/** A 640x360 YUV4MPEG2 clip of random noise, 30 frames at 30 fps (Chromium loops it). */
function noiseClip(): string {
  const file = join(tmpdir(), `confctl-noise-${process.pid}.y4m`)
  const fd = openSync(file, 'w')
  writeSync(fd, 'YUV4MPEG2 W640 H360 F30:1 Ip A1:1 C420jpeg\n')
  const frame = Buffer.alloc((640 * 360 * 3) / 2)
  for (let i = 0; i < 30; i++) {
    for (let j = 0; j < frame.length; j++) frame[j] = (Math.random() * 256) | 0
    writeSync(fd, 'FRAME\n')
    writeSync(fd, frame)
  }
  closeSync(fd)
  return file
}

const clip = noiseClip()
const h = await startHarness(NS_IP)
const chrome = await launchChromium({fakeVideoFile: clip})
let rampS: number | null = null
let sendingS: number | null = null
let targetSeen = false
const kbpsAt: Record<string, number> = {}
try {
  const tab = await chrome.open(h.page.url)
  await h.publish(tab, 'ramp', 'chrome-pub')
  const stateDeadline = Date.now() + 15_000
  while ((await tab.call<{connectionState: string}>('state', 'chrome-pub')).connectionState !== 'connected') {
    if (Date.now() > stateDeadline) throw new Error('Chromium did not connect within 15 s')
    await new Promise((r) => setTimeout(r, 100))
  }
  const t0 = performance.now()
  const samples: Array<{t: number; bytes: number}> = []
  for (let t = 0; t < LIMIT_S && ((targetSeen && rampS === null) || t < 10.5); t = (performance.now() - t0) / 1000) {
    await new Promise((r) => setTimeout(r, 250))
    const stats = await tab.call<{outbound: Outbound[]}>('stats', 'chrome-pub')
    const now = (performance.now() - t0) / 1000
    const bytes = stats.outbound.reduce((sum, o) => sum + (o.bytesSent ?? 0), 0)
    samples.push({t: now, bytes})
    const ago = samples.find((x) => x.t >= now - 1) ?? samples[0]!
    const bps = now - ago.t > 0.5 ? ((bytes - ago.bytes) * 8) / (now - ago.t) : 0
    for (const mark of [2, 5, 10]) if (now <= mark) kbpsAt[`${mark}s`] = Math.round(bps / 1000)
    const target = stats.outbound.find((o) => o.kind === 'video')?.targetBitrate
    targetSeen ||= target !== undefined
    if (rampS === null && (target ?? 0) >= TARGET_BPS) rampS = Math.round(now * 10) / 10
    if (sendingS === null && bps >= TARGET_BPS) sendingS = Math.round(now * 10) / 10
  }
} finally {
  await chrome.close()
  await h.close()
  rmSync(clip, {force: true})
}
console.log(
  JSON.stringify({
    chromiumTargetRampS: targetSeen ? rampS : null,
    targetReported: targetSeen,
    sendingS,
    limitS: LIMIT_S,
    sendingKbpsAt: kbpsAt,
  }),
)
console.log('Duration: done') // the namespace wrapper ends the file once it prints this
process.exit(0)
