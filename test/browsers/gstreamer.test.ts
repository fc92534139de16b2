// test-kind: per-core (real browsers with fake camera and microphone)
// A GStreamer webrtcbin publisher (Debian's gstreamer1.0-plugins-bad with python3-gi, the
// stack many encoders and pipelines publish with) in bundle-policy max-bundle: its video
// m-section carries the transport, its audio one is bundle-only with port 0, and both
// streams must reach a Chromium viewer, which decodes frames and plays audio (its own
// getStats()). Runs inside its own network namespace.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {spawn, type ChildProcess} from 'node:child_process'
import {createInterface} from 'node:readline'
import {fileURLToPath} from 'node:url'
import {insideIsolatedNetns, reachedBeyond} from '../helpers/in-isolated-netns.js'
import {launchChromium, type Browser, type Tab} from '../helpers/browsers.js'
import {loudly, startHarness, type Harness, type SessionSummary} from '../helpers/browser-harness.js'

const NS_IP = await insideIsolatedNetns(import.meta.url)
// The script is not compiled: it lives next to this file's source, not under dist/.
const PUBLISHER = fileURLToPath(new URL('../../../test/helpers/gst-whip-publisher.py', import.meta.url))
// Debian's own Python: python3-gi is installed for it, not for any other python3 on PATH.
const DEBIAN_PYTHON = '/usr/bin/python3'
const SECONDS = 60

let h: Harness
let chrome: Browser
let tab: Tab
let gst: ChildProcess | undefined

test.before(
  loudly('setting up the node and browsers', async () => {
    h = await startHarness(NS_IP)
    chrome = await launchChromium()
    tab = await chrome.open(h.page.url)
  }),
)

test.after(async () => {
  gst?.kill('SIGKILL')
  await chrome?.close()
  await h?.close()
})

/** Starts the publisher; resolves with its first line (location, offer, answer). */
function publishWithGstreamer(room: string, token: string): Promise<{location: string; offer: string; answer: string}> {
  gst = spawn(DEBIAN_PYTHON, [PUBLISHER, h.whip(room), token, String(SECONDS)], {stdio: ['ignore', 'pipe', 'pipe']})
  let err = ''
  gst.stderr!.on('data', (c) => (err += c))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`webrtcbin did not publish within 20 s: ${err}`)), 20_000)
    createInterface({input: gst!.stdout!}).on('line', (line) => {
      const msg = JSON.parse(line)
      if (msg.location) {
        clearTimeout(timer)
        resolve(msg)
      }
    })
    gst!.once('exit', (code) => reject(new Error(`gst-whip-publisher exited with ${code}: ${err}`)))
  })
}

test("GStreamer webrtcbin publishes in 'max-bundle': audio and video both reach a Chromium viewer", async () => {
  const room = 'gstreamer'
  const pub = await publishWithGstreamer(room, await h.token(room, 'gst'))
  assert.match(pub.offer, /a=bundle-only/, `the offer really has a bundle-only section: ${pub.offer}`)
  await h.subscribe(tab, room, 'viewer', {location: pub.location} as SessionSummary)
  await h.expectMedia(tab, 'viewer', room, ['audio', 'video'])
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
