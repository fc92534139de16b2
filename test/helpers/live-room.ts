// A live room for attack tests: a real node process, a libwebrtc publisher and subscriber
// connected through it, the node's UDP port of each session (from the answer SDP's
// candidates), and the two things every attack test watches: the subscriber's decoded
// video frames and the admin /healthz latency.
import {SyntheticPublisher} from '../../src/client/publisher.js'
import {SyntheticSubscription} from '../../src/client/subscriber.js'
import {waitForConnection} from '../../src/client/peer-state.js'
import {releaseNativeObjects} from '../../src/client/wrtc.js'
import {startTestNode, tokenFor, type TestNode} from './sfu-process.js'

export interface LiveRoom {
  node: TestNode
  room: string
  publisher: SyntheticPublisher
  subscriber: SyntheticSubscription
  /** The node's UDP port and ICE credentials of each session, from its answer SDP. */
  publisherSession: SessionAddress
  subscriberSession: SessionAddress
  tokenFor(identity: string): Promise<string>
  subscribe(identity: string): Promise<SyntheticSubscription>
  close(): Promise<void>
}

export interface SessionAddress {
  port: number
  ufrag: string
  pwd: string
}

const CONNECT_TIMEOUT_MS = 15_000

export async function startLiveRoom(room = 'attack'): Promise<LiveRoom> {
  const node = await startTestNode()
  const clients: Array<{close(): Promise<void>}> = []
  const token = (identity: string) => tokenFor(node, room, identity)
  try {
    const publisher = await SyntheticPublisher.publish({
      whipUrl: `${node.state.publicUrl}/whip/${room}`,
      token: await token('alice'),
    })
    clients.push(publisher)
    if (!(await waitForConnection(publisher.pc, CONNECT_TIMEOUT_MS)))
      throw new Error(`publisher not connected (${publisher.pc.connectionState})`)
    const subscribe = async (identity: string) => {
      const sub = await SyntheticSubscription.subscribe({
        whepUrl: `${node.state.publicUrl}/whep/${room}/${publisher.participantId}`,
        token: await token(identity),
      })
      clients.push(sub)
      if (!(await waitForConnection(sub.pc, CONNECT_TIMEOUT_MS)))
        throw new Error(`subscriber ${identity} not connected (${sub.pc.connectionState})`)
      return sub
    }
    const subscriber = await subscribe('bob')
    return {
      node,
      room,
      publisher,
      subscriber,
      publisherSession: sessionAddress(publisher.pc),
      subscriberSession: sessionAddress(subscriber.pc),
      tokenFor: token,
      subscribe,
      async close() {
        for (const c of clients) await c.close()
        await releaseNativeObjects()
        await node.stop()
      },
    }
  } catch (err) {
    for (const c of clients) await c.close().catch(() => undefined)
    await node.stop()
    throw err
  }
}

/** The node's side of a session: its host candidate's port and ICE credentials. */
export function sessionAddress(pc: RTCPeerConnection): SessionAddress {
  const sdp = pc.remoteDescription?.sdp ?? ''
  const port = /^a=candidate:\S+ 1 udp \d+ \S+ (\d+) typ host/m.exec(sdp)?.[1]
  const ufrag = /^a=ice-ufrag:(\S+)/m.exec(sdp)?.[1]
  const pwd = /^a=ice-pwd:(\S+)/m.exec(sdp)?.[1]
  if (!port || !ufrag || !pwd) throw new Error(`the answer SDP has no host candidate or ICE credentials:\n${sdp}`)
  return {port: Number(port), ufrag, pwd}
}

/** Decoded video frames the subscriber's libwebrtc counts (inbound-rtp framesDecoded). */
export async function framesDecoded(sub: SyntheticSubscription): Promise<number> {
  let frames = 0
  for (const s of (await sub.pc.getStats()).values()) {
    if (s.type === 'inbound-rtp' && s.kind === 'video') frames += s.framesDecoded ?? 0
  }
  return frames
}

/** Video frames the publisher's libwebrtc has encoded (outbound-rtp framesEncoded). Its frames
 *  come from timers in the test's own process, so a busy test process sends fewer: a test
 *  that judges the node compares what arrived with this, not with the nominal frame rate. */
export async function framesEncoded(pub: SyntheticPublisher): Promise<number> {
  let frames = 0
  for (const s of (await pub.pc.getStats()).values()) {
    if (s.type === 'outbound-rtp' && s.kind === 'video') frames += s.framesEncoded ?? 0
  }
  return frames
}

/** Polls until the subscriber has decoded `more` frames beyond `from`; false at the deadline. */
export async function framesKeepComing(
  sub: SyntheticSubscription,
  from: number,
  more: number,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if ((await framesDecoded(sub)) >= from + more) return true
    await new Promise((r) => setTimeout(r, 100))
  }
  return false
}

/** Milliseconds for one GET /healthz on the admin port (Infinity if it does not answer 200 in 5 s). */
export async function healthzLatencyMs(node: TestNode): Promise<number> {
  const started = performance.now()
  try {
    const res = await fetch(`${node.state.adminUrl}/healthz`, {signal: AbortSignal.timeout(5000)})
    await res.text()
    return res.status === 200 ? performance.now() - started : Infinity
  } catch {
    return Infinity
  }
}
