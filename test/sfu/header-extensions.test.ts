// test-kind: e2e
// Header extensions, simulcast and congestion feedback against a real node process and real
// libwebrtc peers: what the answer negotiates (parsed from the answer SDP libwebrtc applied),
// a simulcast offer accepted with one layer forwarded and decoded, and transport-cc/REMB
// feedback raising the publisher's own bandwidth estimate well above libwebrtc's start.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {SyntheticPublisher} from '../../src/client/publisher.js'
import {SyntheticSubscription} from '../../src/client/subscriber.js'
import {waitForConnection} from '../../src/client/peer-state.js'
import {releaseNativeObjects} from '../../src/client/wrtc.js'
import {framesKeepComing} from '../helpers/live-room.js'
import {startTestNode, tokenFor, type TestNode} from '../helpers/sfu-process.js'

const CONNECT_MS = 15_000
const MID = 'urn:ietf:params:rtp-hdrext:sdes:mid'
const ABS_SEND_TIME = 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time'
const TWCC = 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01'
const AUDIO_LEVEL = 'urn:ietf:params:rtp-hdrext:ssrc-audio-level'
const RID = 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id'
const REPAIRED_RID = 'urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id'
/** libwebrtc starts its estimate at 300 kbit/s; with no feedback it took ~30 s to reach 1 Mbit/s. */
const RAMPED_BPS = 1_000_000
/** The target is 5 s on loopback; the machine is shared, so allow twice that. */
const RAMP_DEADLINE_MS = 10_000

let node: TestNode
const clients: Array<{close(): Promise<void>}> = []

test.before(async () => {
  node = await startTestNode()
})

test.after.each(async () => {
  for (const c of clients.splice(0)) await c.close()
})

test.after(async () => {
  await releaseNativeObjects()
  await node?.stop()
})

const token = (room: string, identity: string) => tokenFor(node, room, identity)

/** The a=extmap URIs of each m-section of an SDP, by kind. */
function extmaps(sdp: string): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const section of sdp.split(/^(?=m=)/m).slice(1)) {
    const kind = section.slice(2, section.indexOf(' '))
    out[kind] = [...section.matchAll(/^a=extmap:\d+(?:\/\w+)? (\S+)/gm)].map((m) => m[1]!)
  }
  return out
}

async function publish(
  room: string,
  extra: Partial<Parameters<typeof SyntheticPublisher.publish>[0]> = {},
): Promise<SyntheticPublisher> {
  const pub = await SyntheticPublisher.publish({
    whipUrl: `${node.state.publicUrl}/whip/${room}`,
    token: await token(room, 'alice'),
    ...extra,
  })
  clients.push(pub)
  assert.ok(await waitForConnection(pub.pc, CONNECT_MS), `the publisher connects (${pub.pc.connectionState})`)
  return pub
}

async function subscribe(room: string, pub: SyntheticPublisher, identity = 'bob'): Promise<SyntheticSubscription> {
  const sub = await SyntheticSubscription.subscribe({
    whepUrl: `${node.state.publicUrl}/whep/${room}/${pub.participantId}`,
    token: await token(room, identity),
  })
  clients.push(sub)
  assert.ok(await waitForConnection(sub.pc, CONNECT_MS), `the subscriber connects (${sub.pc.connectionState})`)
  return sub
}

test('a publisher gets mid, abs-send-time, transport-cc and the audio level; a subscriber mid and the audio level', async () => {
  const pub = await publish('ext')
  const answer = extmaps(pub.pc.remoteDescription!.sdp)
  for (const uri of [MID, ABS_SEND_TIME, TWCC, AUDIO_LEVEL])
    assert.ok(answer.audio?.includes(uri), `the audio answer has ${uri}: ${answer.audio}`)
  for (const uri of [MID, ABS_SEND_TIME, TWCC])
    assert.ok(answer.video?.includes(uri), `the video answer has ${uri}: ${answer.video}`)
  assert.match(
    pub.pc.remoteDescription!.sdp,
    /^a=rtcp-fb:\d+ transport-cc/m,
    'video codecs carry transport-cc feedback',
  )
  assert.match(pub.pc.remoteDescription!.sdp, /^a=rtcp-fb:\d+ goog-remb/m, 'video codecs carry goog-remb feedback')
  const sub = await subscribe('ext', pub)
  const down = extmaps(sub.pc.remoteDescription!.sdp)
  assert.equal([...(down.video ?? [])].sort(), [MID], "the subscriber's video answer has mid only")
  assert.equal(
    [...(down.audio ?? [])].sort(),
    [MID, AUDIO_LEVEL].sort(),
    "the subscriber's audio answer has mid and the audio level",
  )
  assert.not.match(
    sub.pc.remoteDescription!.sdp,
    /^a=rtcp-fb:\d+ (transport-cc|goog-remb)/m,
    'no congestion feedback asked of a subscriber',
  )
  assert.ok(await framesKeepComing(sub, 0, 20, 15_000), 'the subscriber decodes video with the extensions negotiated')
})

test("transport-cc and REMB feedback raise the publisher's estimate to 1 Mbit/s within seconds", async () => {
  const started = performance.now()
  const pub = await publish('ramp', {width: 640, height: 480, fps: 30, maxBitrateBps: 2_500_000})
  const connectedAt = performance.now()
  let available = 0
  while (performance.now() - connectedAt < RAMP_DEADLINE_MS && available < RAMPED_BPS) {
    await new Promise((r) => setTimeout(r, 200))
    for (const s of (await pub.pc.getStats()).values()) {
      if (s.type === 'candidate-pair' && s.nominated && s.availableOutgoingBitrate)
        available = s.availableOutgoingBitrate
    }
  }
  const seconds = ((performance.now() - connectedAt) / 1000).toFixed(1)
  console.log(
    `publisher estimate ${Math.round(available / 1000)} kbit/s after ${seconds} s (signalling + connect took ${((connectedAt - started) / 1000).toFixed(1)} s)`,
  )
  assert.ok(
    available >= RAMPED_BPS,
    `the publisher's availableOutgoingBitrate reached ${available} bit/s within ${RAMP_DEADLINE_MS} ms (want ${RAMPED_BPS}; no feedback stays near 300k)`,
  )
})

test('a simulcast offer (rid q/h/f) is accepted, connects, and one layer reaches a subscriber', async () => {
  const pub = await publish('simulcast', {
    width: 960,
    height: 540,
    fps: 15,
    maxBitrateBps: 1_500_000,
    simulcastRids: ['q', 'h', 'f'],
  })
  const sdp = pub.pc.remoteDescription!.sdp
  const video = extmaps(sdp).video ?? []
  assert.ok(video.includes(RID) && video.includes(REPAIRED_RID), `the answer negotiates both RID extensions: ${video}`)
  assert.match(sdp, /^a=simulcast:recv q;h;f/m, 'the answer receives the three layers')
  const sub = await subscribe('simulcast', pub)
  assert.ok(await framesKeepComing(sub, 0, 20, 20_000), 'the subscriber decodes frames of the forwarded layer')
  let width = 0
  for (const s of (await sub.pc.getStats()).values())
    if (s.type === 'inbound-rtp' && s.kind === 'video') width = s.frameWidth ?? 0
  console.log(`forwarded layer: ${width} px wide`)
  assert.ok(width > 0 && width < 960, `one layer below the top is forwarded (${width} px of 960)`)
})

test.run()
