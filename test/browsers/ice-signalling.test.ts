// test-kind: per-core (real browsers with fake camera and microphone)
// Trickle ICE and ICE restart from a real web page (RFC 9725 §4.3): cross-origin PATCH with
// application/trickle-ice-sdpfrag from Chromium, so the node's CORS must allow it. Trickle:
// the offer is POSTed before any candidate is gathered, candidates follow in a PATCH (204),
// and media flows. Restart: restartIce(), a PATCH with the new credentials (If-Match: *),
// the node's 200 fragment applied as the new answer; the viewer keeps decoding. Runs inside
// its own network namespace.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {insideIsolatedNetns, reachedBeyond} from '../helpers/in-isolated-netns.js'
import {launchChromium, type Browser, type Tab} from '../helpers/browsers.js'
import {
  received,
  loudly,
  startHarness,
  waitForConnectionState,
  waitForStats,
  type Harness,
  type PageStats,
} from '../helpers/browser-harness.js'

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

test('trickle ICE from a page: offer without candidates, PATCH 204, media flows both ways through the node', async () => {
  const room = 'trickle'
  const pub = await h.publish(pubTab, room, 'pub-trickle', {trickle: true})
  assert.not.match(pub.offer, /a=candidate:/, 'the POSTed offer had no candidates')
  assert.ok(pub.etag, `the 201 carries an ETag: ${JSON.stringify(pub)}`)
  assert.ok(pub.patches.length > 0, 'a PATCH was sent')
  for (const p of pub.patches) assert.is(p.status, 204, `PATCH answered ${p.status}: ${p.body}`)
  const sub = await h.subscribe(subTab, room, 'sub-trickle', pub, {trickle: true})
  for (const p of sub.patches) assert.is(p.status, 204, `WHEP PATCH answered ${p.status}: ${p.body}`)
  await h.expectMedia(subTab, 'sub-trickle', room)
})

test('ICE restart from a page: PATCH If-Match * answers 200 with new credentials; the viewer keeps decoding', async () => {
  const room = 'restart'
  const pub = await h.publish(pubTab, room, 'pub-restart')
  await h.subscribe(subTab, room, 'sub-restart', pub)
  const before = await h.expectMedia(subTab, 'sub-restart', room)
  const oldUfrag = pub.answer.match(/a=ice-ufrag:(\S+)/)![1]
  const oldPair = (await pubTab.call<PageStats>('stats', 'pub-restart')).pair
  assert.ok(oldPair, 'the publisher has a selected candidate pair')
  const r = await pubTab.call<{status: number; body: string; remoteUfrag?: string}>('restartIce', 'pub-restart')
  assert.is(r.status, 200, `restart PATCH answered ${r.status}: ${r.body}`)
  assert.ok(r.remoteUfrag && r.remoteUfrag !== oldUfrag, `the node's ufrag changed (${oldUfrag} -> ${r.remoteUfrag})`)
  assert.match(r.body, /a=candidate:/, "the fragment carries the node's candidates")
  await waitForConnectionState(pubTab, 'pub-restart', 'connected')
  // ICE really ran again: Chrome's selected pair belongs to the new ICE session (its new ufrag).
  const newLocalUfrag = await pubTab.call<string>('localUfrag', 'pub-restart')
  await waitForStats(
    pubTab,
    'pub-restart',
    `a selected pair of the new ICE session (local ufrag ${newLocalUfrag}; was ${JSON.stringify(oldPair)})`,
    (s) => s.pair?.localCandidate?.ufrag === newLocalUfrag,
  )
  // Frames keep coming after the restart, well past what had arrived before it.
  const after = await waitForStats(
    subTab,
    'sub-restart',
    'frames after the ICE restart',
    (s) => received(s, 'video') > received(before, 'video') + 60,
  )
  const pubState = await pubTab.call<{events: Array<{what: string; state?: string}>}>('state', 'pub-restart')
  assert.ok(received(after, 'video') > 0, JSON.stringify(pubState.events))
  const restarted = await pubTab.call<{answer: string}>('state', 'pub-restart')
  assert.match(restarted.answer, new RegExp(`a=ice-ufrag:${r.remoteUfrag}`), 'the page applied the new answer')
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
