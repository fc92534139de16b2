// A libwebrtc (@roamhq/wrtc) WHIP publisher or WHEP subscriber whose offer a test shapes:
// which m-sections in which order, which codecs (setCodecPreferences), max-bundle, a data
// channel, and a last hand edit of the offer text for shapes libwebrtc cannot produce
// (bundle-only sections as Firefox and GStreamer write them). Media and stats are
// libwebrtc's own, as in src/client; the node is a real process (sfu-process.ts).
import {SineTone, VideoPattern} from '../../src/client/media-pattern.js'
import {startPaced, type PacedTimer} from '../../src/client/paced-timer.js'
import {waitForConnection} from '../../src/client/peer-state.js'
import {createCompleteOffer} from '../../src/client/signalling.js'
import {inboundStreams, type InboundStreamStats} from '../../src/client/stats.js'
import {nonstandard, RTCPeerConnection, RTCRtpReceiver, RTCRtpSender} from '../../src/client/wrtc.js'

export interface SessionShape {
  /** m-sections in offer order, e.g. ['video', 'audio'] or ['audio', 'video', 'video']. */
  sections: Array<'audio' | 'video'>
  /** Video codecs to prefer, as mime subtypes (e.g. ['VP9']); RTX is kept. Default: libwebrtc's list. */
  videoCodecs?: string[]
  bundlePolicy?: 'balanced' | 'max-compat' | 'max-bundle'
  dataChannel?: boolean
  /** A last edit of the offer text before it is posted. */
  editOffer?: (sdp: string) => string
}

export interface PostResult {
  status: number
  text: string
  location?: string
}

export interface WrtcSession {
  pc: RTCPeerConnection
  offer: string
  result: PostResult
  /** The node's participant id (last Location segment), once accepted. */
  id: string
  connected(timeoutMs?: number): Promise<boolean>
  inbound(): Promise<InboundStreamStats[]>
  close(): Promise<void>
}

export {tokenFor} from './sfu-process.js'

export async function postSdp(url: string, token: string, sdp: string): Promise<PostResult> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {authorization: `Bearer ${token}`, 'content-type': 'application/sdp'},
    body: sdp,
  })
  return {status: res.status, text: await res.text(), location: res.headers.get('location') ?? undefined}
}

function prefer(
  transceiver: RTCRtpTransceiver,
  kind: 'audio' | 'video',
  direction: 'send' | 'recv',
  names?: string[],
): void {
  if (kind !== 'video' || !names) return
  const caps = (direction === 'send' ? RTCRtpSender : RTCRtpReceiver).getCapabilities('video')
  const wanted = names.flatMap((name) =>
    (caps?.codecs ?? []).filter((c) => c.mimeType.toLowerCase() === `video/${name.toLowerCase()}`),
  )
  if (!wanted.length) throw new Error(`libwebrtc has none of ${names.join(', ')} for ${direction}`)
  transceiver.setCodecPreferences([...wanted, ...(caps?.codecs ?? []).filter((c) => /rtx/i.test(c.mimeType))])
}

/** A publisher (sendonly sections with a tone and a moving pattern) or a subscriber (recvonly). */
export async function openSession(
  url: string,
  token: string,
  role: 'publish' | 'subscribe',
  shape: SessionShape,
): Promise<WrtcSession> {
  const pc = new RTCPeerConnection({bundlePolicy: shape.bundlePolicy ?? 'balanced'})
  const timers: PacedTimer[] = []
  const tracks: MediaStreamTrack[] = []
  for (const kind of shape.sections) {
    if (role === 'subscribe') {
      prefer(pc.addTransceiver(kind, {direction: 'recvonly'}), kind, 'recv', shape.videoCodecs)
      continue
    }
    if (kind === 'audio') {
      const source = new nonstandard.RTCAudioSource()
      const track = source.createTrack()
      tracks.push(track)
      pc.addTransceiver(track, {direction: 'sendonly'})
      const tone = new SineTone(440)
      timers.push(startPaced(10, () => source.onData(tone.next())))
    } else {
      const source = new nonstandard.RTCVideoSource()
      const track = source.createTrack()
      tracks.push(track)
      prefer(pc.addTransceiver(track, {direction: 'sendonly'}), 'video', 'send', shape.videoCodecs)
      const pattern = new VideoPattern(320, 240)
      timers.push(startPaced(50, () => source.onFrame(pattern.next())))
    }
  }
  if (shape.dataChannel) pc.createDataChannel('chat')
  const close = async () => {
    for (const t of timers) t.stop()
    for (const t of tracks) t.stop()
    pc.close()
  }
  try {
    const offer = (shape.editOffer ?? ((s: string) => s))(await createCompleteOffer(pc))
    const result = await postSdp(url, token, offer)
    if (result.status === 201) await pc.setRemoteDescription({type: 'answer', sdp: result.text})
    return {
      pc,
      offer,
      result,
      id: decodeURIComponent(result.location?.split('/').pop() ?? ''),
      connected: (timeoutMs = 15_000) => waitForConnection(pc, timeoutMs),
      inbound: async () => inboundStreams(await pc.getStats()),
      close,
    }
  } catch (err) {
    await close()
    throw err
  }
}

/** Polls `probe` until `done` holds or the deadline passes; returns the last value. */
export async function pollUntil<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let value = await probe()
  while (!done(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200))
    value = await probe()
  }
  return value
}

/** Frames decoded and audio samples received, per kind (0 when the kind is absent). */
export async function mediaCounts(session: WrtcSession): Promise<{video: number; audio: number; codecs: string[]}> {
  const streams = await session.inbound()
  return {
    video: streams.filter((s) => s.kind === 'video').reduce((n, s) => n + (s.framesDecoded ?? 0), 0),
    audio: streams.filter((s) => s.kind === 'audio').reduce((n, s) => n + (s.samplesReceived ?? 0), 0),
    codecs: streams.map((s) => `${s.kind}:${s.codec}`),
  }
}

/** Rewrites every m-section after the first into a bundle-only one, as Firefox and
 *  GStreamer do under max-bundle: port 0, a=bundle-only, no candidates and (RFC 8843 §7.2)
 *  no transport attributes of its own. */
export function makeBundleOnly(sdp: string): string {
  const eol = '\r\n'
  const [session, ...sections] = sdp.split(/(?=^m=)/m)
  return (
    session +
    sections
      .map((section, i) => {
        if (i === 0) return section
        const lines = section
          .split(eol)
          .filter(
            (l) => !/^a=(candidate:|end-of-candidates|ice-ufrag:|ice-pwd:|fingerprint:|setup:|ice-options:)/.test(l),
          )
        lines[0] = lines[0]!.replace(/^(m=\S+) \d+/, '$1 0')
        const at = lines.findIndex((l) => l.startsWith('a=mid:'))
        lines.splice(at + 1, 0, 'a=bundle-only')
        return lines.join(eol)
      })
      .join('')
  )
}
