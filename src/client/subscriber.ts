// A synthetic WHEP subscriber to one publisher: receives its audio and video (recvonly) and
// notes when the first decoded video frame and the first audio arrive. The media counters
// themselves come from libwebrtc's getStats() (see stats.ts), not from JS callbacks.
import {preferSfuCodecs} from './codecs.js'
import {createCompleteOffer, deleteSession, postOffer} from './signalling.js'
import {LEAVE_TIMEOUT_MS} from './publisher.js'
import {nonstandard, RTCPeerConnection} from './wrtc.js'

export interface SubscriptionOptions {
  /** e.g. http://127.0.0.1:8080/whep/room-1/pub_abc */
  whepUrl: string
  token: string
  gatherTimeoutMs?: number
  /** Rewrites the offer before it is sent: for tests of offers other clients make. */
  editOfferForTesting?: (sdp: string) => string
}

type Sink = {stop(): void}

export class SyntheticSubscription {
  readonly pc: RTCPeerConnection
  /** When the WHEP request started (performance.now()); first-frame times count from here. */
  readonly startedAt = performance.now()
  /** Milliseconds from start to the first decoded video frame / first audio data. */
  readonly firstMediaMs: {audio?: number; video?: number} = {}
  private resourceUrl: string | undefined
  private readonly sinks = new Set<Sink>()
  private closed = false

  private constructor(private readonly opts: SubscriptionOptions) {
    this.pc = new RTCPeerConnection()
    this.pc.addEventListener('track', (e) => this.watchFirstMedia(e.track))
  }

  static async subscribe(opts: SubscriptionOptions): Promise<SyntheticSubscription> {
    const s = new SyntheticSubscription(opts)
    try {
      preferSfuCodecs(s.pc.addTransceiver('audio', {direction: 'recvonly'}), 'audio', 'recv')
      preferSfuCodecs(s.pc.addTransceiver('video', {direction: 'recvonly'}), 'video', 'recv')
      const offer = await createCompleteOffer(s.pc, opts.gatherTimeoutMs)
      const session = await postOffer(opts.whepUrl, opts.token, opts.editOfferForTesting?.(offer) ?? offer)
      s.resourceUrl = session.resourceUrl
      await s.pc.setRemoteDescription({type: 'answer', sdp: session.answerSdp})
      return s
    } catch (err) {
      await s.close()
      throw err
    }
  }

  /** A sink per track until its first data: converting every frame to JS would only cost
   *  CPU that the media path needs, so each sink stops itself after one frame. */
  private watchFirstMedia(track: MediaStreamTrack): void {
    const kind = track.kind === 'video' ? 'video' : 'audio'
    const sink = kind === 'video' ? new nonstandard.RTCVideoSink(track) : new nonstandard.RTCAudioSink(track)
    this.sinks.add(sink)
    const first = () => {
      this.firstMediaMs[kind] ??= Math.round(performance.now() - this.startedAt)
      sink.stop()
      this.sinks.delete(sink)
    }
    if (sink instanceof nonstandard.RTCVideoSink) sink.onframe = first
    else sink.ondata = first
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    for (const sink of this.sinks) sink.stop()
    this.sinks.clear()
    if (this.resourceUrl)
      await deleteSession(this.resourceUrl, this.opts.token, LEAVE_TIMEOUT_MS).catch(() => undefined)
    this.pc.close()
  }
}
