// test-kind: e2e
// Keyframe requests reach our sending side whatever SSRCs the subscriber's offer declares.
// Firefox's receive-only offer lists an a=ssrc (the SSRC it sends RTCP from); werift looked
// a PLI up by its sender SSRC first, found its own receiver registered under that SSRC, and
// the PLI never reached the sender: ~80 PLIs from Firefox, 0 counted. libwebrtc sends its
// receive-only RTCP from SSRC 1 (no send stream to borrow one from), so a libwebrtc offer
// with "a=ssrc:1" added by hand is that case, with a real encoder behind it.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {SyntheticPublisher} from '../../src/client/publisher.js'
import {SyntheticSubscription} from '../../src/client/subscriber.js'
import {waitForConnection} from '../../src/client/peer-state.js'
import {releaseNativeObjects} from '../../src/client/wrtc.js'
import {framesKeepComing} from '../helpers/live-room.js'
import {startTestNode, tokenFor, type TestNode} from '../helpers/sfu-process.js'

const CONNECT_MS = 15_000
/** libwebrtc's RTCP sender SSRC for a receive-only stream (kDefaultRtcpReceiverReportSsrc). */
const RECEIVE_ONLY_RTCP_SSRC = 1

let node: TestNode
const clients: Array<{close(): Promise<void>}> = []

test.before(async () => {
  node = await startTestNode()
})

test.after(async () => {
  for (const c of clients.splice(0)) await c.close()
  await releaseNativeObjects()
  await node?.stop()
})

const token = (room: string, identity: string) => tokenFor(node, room, identity)

interface StreamRow {
  kind: string
  direction: string
  pliCount: number
}
interface ParticipantRow {
  id: string
  role: string
  streams: StreamRow[]
}

async function participants(room: string): Promise<ParticipantRow[]> {
  const res = await fetch(`${node.state.adminUrl}/v1/rooms/${room}`, {
    headers: {authorization: `Bearer ${node.adminToken}`},
  })
  assert.is(res.status, 200, `GET /v1/rooms/${room}`)
  return ((await res.json()) as {participantsList: ParticipantRow[]}).participantsList
}

/** Adds "a=ssrc:<ssrc> cname:…" to the offer's video section, as Firefox's recvonly offer has. */
function declareSsrc(sdp: string, ssrc: number): string {
  return sdp
    .split(/(?=^m=)/m)
    .map((section) =>
      section.startsWith('m=video') ? section.replace(/\r\n$/, `\r\na=ssrc:${ssrc} cname:receive-only\r\n`) : section,
    )
    .join('')
}

/** The publisher's own count of PLIs it received (libwebrtc outbound-rtp pliCount). */
async function publisherPlis(pub: SyntheticPublisher): Promise<number> {
  let n = 0
  for (const s of (await pub.pc.getStats()).values())
    if (s.type === 'outbound-rtp' && s.kind === 'video') n += s.pliCount ?? 0
  return n
}

/** PLIs the subscriber's libwebrtc sent (inbound-rtp pliCount). */
async function subscriberPlisSent(sub: SyntheticSubscription): Promise<number> {
  let n = 0
  for (const s of (await sub.pc.getStats()).values())
    if (s.type === 'inbound-rtp' && s.kind === 'video') n += s.pliCount ?? 0
  return n
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check()) return true
    await new Promise((r) => setTimeout(r, 200))
  }
  return false
}

test('a PLI from a subscriber whose offer declares its RTCP SSRC reaches the sender and the publisher', async () => {
  const room = 'declared-ssrc'
  const pub = await SyntheticPublisher.publish({
    whipUrl: `${node.state.publicUrl}/whip/${room}`,
    token: await token(room, 'alice'),
  })
  clients.push(pub)
  assert.ok(await waitForConnection(pub.pc, CONNECT_MS), 'the publisher connects')
  // The publisher has been asked for keyframes already (one per newcomer); count from here.
  const plisBefore = await publisherPlis(pub)
  const sub = await SyntheticSubscription.subscribe({
    whepUrl: `${node.state.publicUrl}/whep/${room}/${pub.participantId}`,
    token: await token(room, 'firefox-like'),
    editOfferForTesting: (sdp) => declareSsrc(sdp, RECEIVE_ONLY_RTCP_SSRC),
  })
  clients.push(sub)
  assert.match(sub.pc.localDescription!.sdp, /^m=video[\s\S]*a=recvonly/m, 'the subscriber offers receive-only video')
  assert.ok(await waitForConnection(sub.pc, CONNECT_MS), 'the subscriber connects')
  // libwebrtc asks for keyframes while its first video packets are not one; its own
  // inbound-rtp pliCount says how many it sent, and the node must count every one of them.
  let sent = 0
  assert.ok(
    await until(async () => (sent = await subscriberPlisSent(sub)) > 0, 10_000),
    'the subscriber sent a PLI (else this test proves nothing)',
  )
  const nodeCount = async () =>
    (await participants(room)).find((p) => p.role === 'subscriber')?.streams.find((s) => s.kind === 'video')
      ?.pliCount ?? 0
  const counted = await until(async () => (await nodeCount()) >= sent, 10_000)
  assert.ok(counted, `the node counts the subscriber's PLIs on its sending side: ${await nodeCount()} of ${sent} sent`)
  // The node's own keyframe request for a newcomer comes before its DTLS is up; without
  // its PLIs reaching the publisher this subscriber never decodes a frame (Firefox's case).
  assert.ok(await framesKeepComing(sub, 0, 10, 15_000), 'the subscriber decodes video')
  assert.ok(
    await until(async () => (await publisherPlis(pub)) > plisBefore, 10_000),
    'the relayed keyframe request reaches the publisher (its own outbound-rtp pliCount rises)',
  )
})

test.run()
