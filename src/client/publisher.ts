// A synthetic WHIP publisher: libwebrtc encodes a moving test pattern (VP8) and a sine tone
// (opus) and sends them to the node, like a browser with a camera and a microphone would.
// close() releases everything (timers, tracks, the peer connection, the node session) so
// a process using it can exit.
import {preferSfuCodecs} from './codecs.js'
import {SineTone, VideoPattern} from './media-pattern.js'
import {startPaced, type PacedTimer} from './paced-timer.js'
import {createCompleteOffer, deleteSession, postOffer} from './signalling.js'
import {nonstandard, RTCPeerConnection} from './wrtc.js'

export interface PublisherOptions {
  /** e.g. http://127.0.0.1:8080/whip/room-1 */
  whipUrl: string
  token: string
  width?: number
  height?: number
  fps?: number
  /** Upper bound for the video encoder (RTCRtpEncodingParameters.maxBitrate), bits/s. */
  maxBitrateBps?: number
  toneHz?: number
  gatherTimeoutMs?: number
  /**
   * Sends video as simulcast layers with these RIDs (RFC 8853), lowest first, each half the
   * resolution of the next (e.g. ['q', 'h', 'f']); maxBitrateBps applies to the top layer.
   */
  simulcastRids?: string[]
}

export const LEAVE_TIMEOUT_MS = 3000
export const PUBLISHER_DEFAULTS = {width: 320, height: 240, fps: 20, maxBitrateBps: 1_000_000, toneHz: 440}

export class SyntheticPublisher {
  readonly pc: RTCPeerConnection
  /** The node's participant id: the last segment of the WHIP Location (WHEP subscribes to it). */
  participantId = ''
  private resourceUrl: string | undefined
  private readonly timers: PacedTimer[] = []
  private readonly tracks: MediaStreamTrack[] = []
  private closed = false

  private constructor(private readonly opts: PublisherOptions) {
    this.pc = new RTCPeerConnection()
  }

  /** Starts the media sources and publishes them; on failure everything is released again. */
  static async publish(opts: PublisherOptions): Promise<SyntheticPublisher> {
    const p = new SyntheticPublisher(opts)
    try {
      await p.start()
      return p
    } catch (err) {
      await p.close()
      throw err
    }
  }

  private async start(): Promise<void> {
    const o = {...PUBLISHER_DEFAULTS, ...definedOnly(this.opts)}
    const audioSource = new nonstandard.RTCAudioSource()
    const videoSource = new nonstandard.RTCVideoSource()
    const audioTrack = audioSource.createTrack()
    const videoTrack = videoSource.createTrack()
    this.tracks.push(audioTrack, videoTrack)
    const audio = this.pc.addTransceiver(audioTrack, {direction: 'sendonly'})
    // maxBitrate set at creation: libwebrtc has no encodings to edit before negotiation.
    const video = this.pc.addTransceiver(videoTrack, {
      direction: 'sendonly',
      sendEncodings: encodings(o.maxBitrateBps, this.opts.simulcastRids),
    })
    preferSfuCodecs(audio, 'audio', 'send')
    preferSfuCodecs(video, 'video', 'send')

    // Media flows into the sources from the start; libwebrtc drops it until connected.
    const tone = new SineTone(o.toneHz)
    const pattern = new VideoPattern(o.width, o.height)
    this.timers.push(startPaced(10, () => audioSource.onData(tone.next())))
    this.timers.push(startPaced(1000 / o.fps, () => videoSource.onFrame(pattern.next())))

    const offer = await createCompleteOffer(this.pc, this.opts.gatherTimeoutMs)
    const session = await postOffer(this.opts.whipUrl, this.opts.token, offer)
    this.resourceUrl = session.resourceUrl
    this.participantId = decodeURIComponent(new URL(session.resourceUrl).pathname.split('/').pop() ?? '')
    await this.pc.setRemoteDescription({type: 'answer', sdp: session.answerSdp})
  }

  /** Leaves the room (DELETE, best effort) and frees the native objects. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    for (const t of this.timers) t.stop()
    for (const t of this.tracks) t.stop()
    // Leave before closing the peer, so the node ends the session cleanly rather than
    // waiting for ICE to time out; a node that does not answer must not hold us up long.
    if (this.resourceUrl)
      await deleteSession(this.resourceUrl, this.opts.token, LEAVE_TIMEOUT_MS).catch(() => undefined)
    this.pc.close()
  }
}

function encodings(maxBitrate: number, rids: string[] | undefined): RTCRtpEncodingParameters[] {
  if (!rids?.length) return [{maxBitrate}]
  return rids.map((rid, i) => {
    const scale = 2 ** (rids.length - 1 - i)
    return {rid, scaleResolutionDownBy: scale, maxBitrate: Math.round(maxBitrate / (scale * scale))}
  })
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}
