// test-kind: per-core (real browsers with fake camera and microphone)
// Chromium and Firefox ESR on one node, each as the other's audience, as real users join:
// Chrome publishes to a Firefox viewer (Firefox's receive-only offer declares SSRCs, and its
// keyframe requests must still reach the node's sending side); Firefox at its default
// preferences (host addresses hidden behind mDNS names) publishes to Chrome, and nobody
// multicasts a query for those names; Firefox with bundlePolicy 'max-bundle' (second
// m-section bundle-only, port 0) gets both streams through. Every case asserts on the
// receiving browser's own getStats(). Runs inside its own network namespace.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {insideIsolatedNetns, reachedBeyond} from '../helpers/in-isolated-netns.js'
import {launchChromium, launchFirefox, type Browser, type Tab} from '../helpers/browsers.js'
import {watchMdns} from '../helpers/mdns-watch.js'
import {loudly, startHarness, type Harness} from '../helpers/browser-harness.js'

const NS_IP = await insideIsolatedNetns(import.meta.url)

let h: Harness
let chrome: Browser
let firefox: Browser
let chromeTab: Tab
let firefoxTab: Tab

test.before(
  loudly('setting up the node and browsers', async () => {
    h = await startHarness(NS_IP)
    ;[chrome, firefox] = await Promise.all([launchChromium(), launchFirefox()])
    ;[chromeTab, firefoxTab] = await Promise.all([chrome.open(h.page.url), firefox.open(h.page.url)])
  }),
)

test.after(async () => {
  await Promise.all([chrome?.close(), firefox?.close()])
  await h?.close()
})

test('Chrome publishes, Firefox views: video frames decode and audio plays in Firefox', async () => {
  const pub = await h.publish(chromeTab, 'c2f', 'chrome-pub')
  await h.subscribe(firefoxTab, 'c2f', 'firefox-sub', pub)
  const stats = await h.expectMedia(firefoxTab, 'firefox-sub', 'c2f')
  assert.ok(stats.inbound.video!.frameWidth! > 0, JSON.stringify(stats.inbound.video))
})

test('Firefox at default preferences (mDNS host candidates) publishes, Chrome views; no mDNS query', async () => {
  const mdns = await watchMdns(NS_IP)
  try {
    // A synthetic source grants no camera permission, so Firefox hides its host addresses.
    const pub = await h.publish(firefoxTab, 'f2c', 'firefox-pub', {source: 'synthetic'})
    const names = [...pub.offer.matchAll(/a=candidate:\S+ \d+ udp \d+ ([0-9a-f-]+\.local) \d+ typ host/gi)].map(
      (m) => m[1]!,
    )
    assert.ok(names.length > 0, `Firefox offered mDNS (.local) host candidates: ${pub.offer}`)
    assert.not.match(pub.offer, /typ host.*\n(?:.*\n)*?.*10\.233\./, 'and no plain host address')
    await h.subscribe(chromeTab, 'f2c', 'chrome-sub', pub)
    await h.expectMedia(chromeTab, 'chrome-sub', 'f2c')
    const resolving = mdns.queries.filter((q) => q.names.some((n) => names.includes(n)))
    assert.equal(resolving, [], "nobody (the node included) multicast a query for the browser's .local names")
  } finally {
    mdns.close()
  }
})

test("Firefox publishes with bundlePolicy 'max-bundle': both audio and video reach Chrome", async () => {
  const pub = await h.publish(firefoxTab, 'maxb', 'firefox-maxb', {bundlePolicy: 'max-bundle'})
  assert.match(pub.offer, /a=bundle-only/, 'the offer really has a bundle-only section')
  await h.subscribe(chromeTab, 'maxb', 'chrome-maxb', pub)
  await h.expectMedia(chromeTab, 'chrome-maxb', 'maxb', ['audio', 'video'])
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
