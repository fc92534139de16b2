// Congestion feedback to one publisher, so its browser's bandwidth estimate ramps up the way
// it does against a mainstream SFU (seconds, not the ~30 s it took with no feedback at all):
//  - transport-cc reports every 100 ms (twcc-feedback.ts) from the transport sequence
//    numbers of every packet on the transport, audio and video alike;
//  - REMB once a second with a fixed ceiling (the node's uplink budget per publisher), which
//    a browser also honours in its first two seconds as a licence to start high.
// werift's own per-m-section TWCC generator is switched off for the session (see why in
// twcc-feedback.ts), before any packet arrives.
import {ReceiverEstimatedMaxBitrate, RtcpPayloadSpecificFeedback} from 'werift'
import type {RTCPeerConnection, RTCRtpReceiver, RtpPacket} from 'werift'
import {extensionId, TRANSPORT_CC_URI} from './header-extensions.js'
import {TwccFeedback} from './twcc-feedback.js'

export interface CongestionFeedbackOptions {
  /** REMB ceiling in bits/s for everything the publisher sends (default 2.5 Mbit/s). */
  maxBitrateBps?: number
}

export const DEFAULT_PUBLISHER_MAX_BITRATE_BPS = 2_500_000
const TWCC_INTERVAL_MS = 100
const REMB_INTERVAL_MS = 1000

/** What the admin API and tests can read about the feedback a publisher got. */
export interface FeedbackCounters {
  twccReports: number
  rembReports: number
}

export class CongestionFeedback {
  readonly #pc: RTCPeerConnection
  readonly #maxBitrateBps: number
  #twcc: TwccFeedback | undefined
  #timers: NodeJS.Timeout[] = []
  readonly #mediaSsrcs = new Set<number>()
  #rembReports = 0
  #rtcpSsrc = 0
  #closed = false

  constructor(pc: RTCPeerConnection, options: CongestionFeedbackOptions = {}) {
    this.#pc = pc
    this.#maxBitrateBps = options.maxBitrateBps ?? DEFAULT_PUBLISHER_MAX_BITRATE_BPS
  }

  /**
   * Call once the offer is applied (transceivers and transports exist) and before the answer
   * goes out, so no packet reaches werift's generator first.
   */
  start(): void {
    const receivers = this.#pc.getTransceivers().map((t) => t.receiver)
    for (const receiver of receivers) disableWeriftTwcc(receiver)
    const video = this.#pc.getTransceivers().find((t) => t.kind === 'video')
    const rtcpSsrc = (video ?? this.#pc.getTransceivers()[0])?.receiver.rtcpSsrc ?? 0
    this.#rtcpSsrc = rtcpSsrc
    // One transport carries everything (BUNDLE); the id is the same in every m-section.
    const twccId = extensionId(this.#pc, TRANSPORT_CC_URI)
    if (twccId !== undefined) {
      const twcc = new TwccFeedback({senderSsrc: rtcpSsrc, send: (report) => this.sendRaw(report)})
      this.#twcc = twcc
      this.#timers.push(setInterval(() => twcc.flush(), TWCC_INTERVAL_MS))
    }
    for (const transport of this.#pc.dtlsTransports) {
      transport.onRtp.subscribe((packet) => this.onRtp(packet, twccId))
    }
    this.#timers.push(setInterval(() => this.sendRemb(), REMB_INTERVAL_MS))
    for (const t of this.#timers) t.unref()
  }

  get counters(): FeedbackCounters {
    return {twccReports: this.#twcc?.reportsSent ?? 0, rembReports: this.#rembReports}
  }

  stop(): void {
    this.#closed = true
    for (const t of this.#timers) clearInterval(t)
    this.#timers = []
  }

  private onRtp(packet: RtpPacket, twccId: number | undefined): void {
    if (this.#closed) return
    const ssrc = packet.header.ssrc
    const first = this.#mediaSsrcs.size === 0
    this.#mediaSsrcs.add(ssrc)
    if (first) this.sendRemb() // as early as possible: the start phase is 2 s
    if (twccId === undefined || !this.#twcc) return
    const ext = packet.header.extensions.find((e) => e.id === twccId)
    if (!ext || ext.payload.length < 2) return
    this.#twcc.record(ext.payload.readUInt16BE(0), ssrc, performance.now() * 1000)
  }

  private sendRemb(): void {
    if (this.#closed || this.#mediaSsrcs.size === 0) return
    const {exp, mantissa} = rembBitrate(this.#maxBitrateBps)
    const ssrcs = [...this.#mediaSsrcs].slice(-8)
    const packet = new RtcpPayloadSpecificFeedback({
      feedback: new ReceiverEstimatedMaxBitrate({
        senderSsrc: this.#rtcpSsrc,
        mediaSsrc: 0,
        ssrcNum: ssrcs.length,
        brExp: exp,
        brMantissa: mantissa,
        ssrcFeedbacks: ssrcs,
      }),
    })
    this.sendRaw(packet.serialize())
    this.#rembReports++
  }

  private sendRaw(report: Buffer): void {
    const transport = this.#pc.dtlsTransports.find((t) => t.state === 'connected')
    if (!transport || this.#closed) return
    void transport.sendRtcp([{serialize: () => report}] as never).catch(() => undefined)
  }
}

/** REMB's 6-bit exponent and 18-bit mantissa for a bitrate. */
export function rembBitrate(bps: number): {exp: number; mantissa: number} {
  let exp = 0
  let mantissa = Math.floor(bps)
  while (mantissa >= 1 << 18) {
    mantissa = Math.floor(mantissa / 2)
    exp++
  }
  return {exp, mantissa}
}

/**
 * werift creates its generator in setRemoteDescription and again on a receiver's first
 * packet when transport-cc is negotiated; a no-op setupTWCC and no generator stop both.
 */
function disableWeriftTwcc(receiver: RTCRtpReceiver): void {
  receiver.receiverTWCC = undefined
  receiver.setupTWCC = () => undefined
}
