// test-kind: per-core (real browsers with fake camera and microphone)
// Publishers that are not the VP8 default, from a real Chromium: an H.264-only sender (what
// Safari, OBS and hardware encoders offer), a VP9 sender, and a simulcast sender (three
// RID layers q/h/f, which needs the RID header extension negotiated or Chrome rejects the
// answer). Each is received by another Chromium tab, which must decode the publisher's own
// codec (its getStats() names it). Runs inside its own network namespace.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {insideIsolatedNetns, reachedBeyond} from '../helpers/in-isolated-netns.js'
import {launchChromium, type Browser, type Tab} from '../helpers/browsers.js'
import {loudly, startHarness, waitForStats, type Harness} from '../helpers/browser-harness.js'

const NS_IP = await insideIsolatedNetns(import.meta.url)

let h: Harness
let chrome: Browser
let pubTab: Tab
let subTab: Tab

test.before(
  loudly('setting up the node and browsers', async () => {
    h = await startHarness(NS_IP)
    chrome = await launchChromium()
    pubTab = await chrome.open(h.page.url)
    subTab = await chrome.open(h.page.url)
  }),
)

test.after(async () => {
  await chrome?.close()
  await h?.close()
})

/** The video codecs of an SDP's first video section, in its order. */
const videoCodecs = (sdp: string) =>
  [...(sdp.split(/^(?=m=)/m).find((s) => s.startsWith('m=video')) ?? '').matchAll(/a=rtpmap:\d+ ([\w-]+)\//g)].map(
    (m) => m[1]!,
  )

for (const codec of ['H264', 'VP9']) {
  test(`a ${codec}-only Chromium publisher reaches a Chromium viewer in ${codec}`, async () => {
    const room = `only-${codec.toLowerCase()}`
    const pub = await h.publish(pubTab, room, `pub-${codec}`, {videoCodec: `video/${codec}`})
    assert.equal([...new Set(videoCodecs(pub.offer))], [codec], 'the offer carries this codec only')
    assert.equal([...new Set(videoCodecs(pub.answer))], [codec], 'the node answers with it')
    await h.subscribe(subTab, room, `sub-${codec}`, pub)
    const stats = await h.expectMedia(subTab, `sub-${codec}`, room)
    assert.match(
      stats.inbound.video!.codec ?? '',
      `video/${codec}`,
      `the viewer decodes ${codec}: ${stats.inbound.video!.codec}`,
    )
  })
}

test('a simulcast Chromium publisher (rid q, h, f) connects and one layer reaches a viewer', async () => {
  const room = 'simulcast'
  const pub = await h.publish(pubTab, room, 'pub-simulcast', {simulcast: true})
  assert.match(pub.offer, /a=simulcast:send q;h;f/, 'the offer really is simulcast')
  // Chrome applied the answer (else publish threw); it now sends every layer it was granted.
  const sent = await waitForStats(pubTab, 'pub-simulcast', 'simulcast layers sent', (s) =>
    s.outbound.some((o) => o.kind === 'video' && (o.packetsSent ?? 0) > 50),
  )
  await h.subscribe(subTab, room, 'sub-simulcast', pub)
  const stats = await h.expectMedia(subTab, 'sub-simulcast', room)
  assert.ok(
    stats.inbound.video!.frameWidth! > 0,
    `a layer decodes: ${JSON.stringify(stats.inbound.video)}; publisher sends ${JSON.stringify(sent.outbound)}`,
  )
})

test('nothing in the namespace (node, browsers) tried to reach beyond its network', () => {
  // A DNS lookup (e.g. of a public STUN server) or a packet to an outside address. The
  // browsers are set to resolve nothing (browsers.ts), so a lookup is the node's (or GStreamer's).
  const beyond = reachedBeyond()
  assert.equal(
    beyond,
    {lookups: [], packets: []},
    `looked up: ${[...new Set(beyond.lookups)].join(', ') || 'nothing'}; sent to: ${beyond.packets.join(', ') || 'nothing'}`,
  )
})

test.run()
