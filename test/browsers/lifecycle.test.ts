// test-kind: per-core (real browsers with fake camera and microphone)
// Session lifecycle as browsers see it. A publisher's DELETE ends its subscribers' sessions on
// the node at once; the node then sends RTCP BYE and an encrypted DTLS close_notify and stops
// answering their ICE consent checks. Chromium 156 and Firefox ESR 153 do not act on the BYE
// or the close_notify (their DTLS transport stays "connected"; why is still open), so they
// notice when their consent checks go unanswered: 5-9 s here, where before they kept live
// tracks for ~17 s of ICE failure. An offer POSTed by a page that never sets the answer (so
// never connects) is closed by the node's connect timeout (30 s by default; 10 s here, so the
// file does not wait) and leaves no room behind soon after. Runs inside its own network
// namespace.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {insideIsolatedNetns, reachedBeyond} from '../helpers/in-isolated-netns.js'
import {launchChromium, launchFirefox, type Browser, type Tab} from '../helpers/browsers.js'
import {loudly, startHarness, type Harness, type SessionSummary} from '../helpers/browser-harness.js'

const NS_IP = await insideIsolatedNetns(import.meta.url)
/** How soon a viewer must notice its publisher's DELETE (consent: about 5 s plus a check). */
const NOTICE_MS = 10_000
/** The node's --connect-timeout here, and how long after it the room must be gone. */
const CONNECT_TIMEOUT_S = 10
const CLEANUP_MS = CONNECT_TIMEOUT_S * 1000 + 20_000

let h: Harness
let chrome: Browser
let firefox: Browser
let chromeTab: Tab
let firefoxTab: Tab
let abandonedAt = 0

test.before(
  loudly('setting up the node and browsers', async () => {
    h = await startHarness(NS_IP, ['--connect-timeout', `${CONNECT_TIMEOUT_S}s`])
    ;[chrome, firefox] = await Promise.all([launchChromium(), launchFirefox()])
    ;[chromeTab, firefoxTab] = await Promise.all([chrome.open(h.page.url), firefox.open(h.page.url)])
  }),
)

test.after(async () => {
  await Promise.all([chrome?.close(), firefox?.close()])
  await h?.close()
})

// First, so that its connect timeout runs while the next case does its work.
test('an abandoned offer: 201, then the page never connects; the node keeps the room meanwhile', async () => {
  const s = await h.publish(chromeTab, 'abandoned', 'abandoner', {abandon: true})
  abandonedAt = Date.now()
  assert.is(s.postStatus, 201)
  assert.ok(
    (await h.rooms()).some((r) => r.name === 'abandoned'),
    'the room exists while the session may still connect',
  )
})

/** Polls a viewer's page until it can tell the call is over: its connection is no longer
 *  connected, its DTLS transport closed, or a track ended. */
async function noticed(tab: Tab, session: string, since: number): Promise<{ms: number; state: SessionSummary}> {
  const deadline = Date.now() + NOTICE_MS + 10_000
  for (;;) {
    const state = await tab.call<SessionSummary>('state', session)
    const gone =
      state.connectionState !== 'connected' ||
      state.dtlsState !== 'connected' ||
      state.tracks.some((t) => t.readyState === 'ended')
    if (gone || Date.now() > deadline) return {ms: Date.now() - since, state}
    await new Promise((r) => setTimeout(r, 100))
  }
}

test("a publisher's DELETE ends its viewers' sessions, and Chromium and Firefox notice within 10 s", async () => {
  const room = 'leaving'
  const pub = await h.publish(chromeTab, room, 'leaver')
  await h.subscribe(chromeTab, room, 'chrome-viewer', pub)
  await h.subscribe(firefoxTab, room, 'firefox-viewer', pub)
  await Promise.all([
    h.expectMedia(chromeTab, 'chrome-viewer', room),
    h.expectMedia(firefoxTab, 'firefox-viewer', room),
  ])
  const left = await chromeTab.call<{status: number}>('leave', 'leaver')
  const at = Date.now()
  assert.is(left.status, 200)
  const [c, f] = await Promise.all([noticed(chromeTab, 'chrome-viewer', at), noticed(firefoxTab, 'firefox-viewer', at)])
  const how = (n: typeof c) =>
    `${n.ms} ms (connection ${n.state.connectionState}, DTLS ${n.state.dtlsState}, tracks ${n.state.tracks.map((t) => t.readyState)})`
  console.log(`  viewers noticed the DELETE: Chromium after ${how(c)}, Firefox after ${how(f)}`)
  for (const [who, n] of [
    ['Chromium', c],
    ['Firefox', f],
  ] as const) {
    assert.ok(
      n.ms < NOTICE_MS,
      `${who} viewer noticed after ${n.ms} ms (state ${n.state.connectionState}, DTLS ${n.state.dtlsState}, tracks ${JSON.stringify(n.state.tracks)}, events ${JSON.stringify(n.state.events)})\n${h.log('ended')}`,
    )
  }
})

test(`the abandoned offer is closed and its room gone within ${CLEANUP_MS / 1000} s`, async () => {
  const deadline = abandonedAt + CLEANUP_MS
  while ((await h.rooms()).some((r) => r.name === 'abandoned')) {
    assert.ok(
      Date.now() < deadline,
      `room 'abandoned' still listed ${CLEANUP_MS / 1000} s after the POST\n${await h.explain('abandoned')}`,
    )
    await new Promise((r) => setTimeout(r, 250))
  }
  const goneAfterMs = Date.now() - abandonedAt
  console.log(`  abandoned room gone ${Math.round(goneAfterMs / 1000)} s after its POST`)
  // The timer starts before the POST's answer reaches the page: up to 2 s earlier than abandonedAt.
  assert.ok(goneAfterMs >= CONNECT_TIMEOUT_S * 1000 - 2000, `closed after ${goneAfterMs} ms, before its timeout`)
  assert.match(h.log('abandoned'), /ended: connect-timeout/, 'the node logged why')
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
