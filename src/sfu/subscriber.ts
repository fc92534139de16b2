// A WHEP subscriber: receives one publisher's audio and video. Every forwarded packet is
// cloned (werift's sender rewrites SSRC, sequence number and header extensions in place)
// and its header extensions are dropped, because their ids were negotiated with the
// publisher, not with this subscriber; the sender adds its own (mid, abs-send-time,
// transport-cc), and the audio level is carried over under this subscriber's id. NACKs from the subscriber
// are answered by werift's sender from its packet history (as RTX where negotiated); PLI
// and FIR are relayed to the publisher through its throttle.
import {RtcpPayloadSpecificFeedback, RtcpRrPacket, RtcpSrPacket, RtcpTransportLayerFeedback} from 'werift'
import type {RTCPeerConnection, RTCRtpSender, RtcpPacket, RtpPacket} from 'werift'
import type {StreamStats} from '../api/node-api.js'
import {fromWerift, streamCodecName} from './codecs.js'
import {AUDIO_LEVEL_URI, extensionId} from './header-extensions.js'
import {BitrateMeter, Participant, type Identity, type ParticipantOptions} from './participant.js'
import type {MediaKind, PacketSink, Publisher} from './publisher.js'
import {rttFromSendTime} from '../qoe/rtt.js'
import {streamMos} from './stream-mos.js'

const PLI = 1
const FIR = 4
const GENERIC_NACK = 1

interface OutboundStream {
  kind: MediaKind
  sender: RTCRtpSender
  clockRate: number
  packets: number
  bytes: number
  bitrate: BitrateMeter
  packetsLost: number
  /** Extended highest sequence number of the subscriber's first report (null: none yet). */
  firstHighestSeq: number | null
  reportedExpected: number | null
  fractionLost: number
  jitterMs: number | null
  rttMs: number | null
  nackCount: number
  pliCount: number
}

/**
 * werift 0.24 writes the NTP fraction of its sender reports as decimal digits, not as a
 * binary fraction, so "arrival NTP - LSR" is meaningless. It does remember which compact
 * NTP value it sent last and when (private fields); a report whose LSR matches that SR
 * gives RTT = now - send time - DLSR, the same RFC 3550 formula in local time.
 */
function rttOf(sender: RTCRtpSender, lsr: number, dlsr: number): number | null {
  const sent = sender as unknown as {lastSRtimestamp?: number; lastSentSRTimestamp?: number}
  if (!lsr || sent.lastSRtimestamp !== lsr || !sent.lastSentSRTimestamp) return null
  return rttFromSendTime(Date.now(), sent.lastSentSRTimestamp * 1000, dlsr)
}

const RTCP_BYE = 203

/** A BYE packet for `ssrcs`; werift has no class for it, and sendRtcp needs only serialize(). */
function rtcpBye(ssrcs: number[]): RtcpPacket {
  const packet = Buffer.alloc(4 + 4 * ssrcs.length)
  packet[0] = 0x80 | ssrcs.length // version 2, source count
  packet[1] = RTCP_BYE
  packet.writeUInt16BE(ssrcs.length, 2) // length in 32-bit words, minus one
  ssrcs.forEach((ssrc, i) => packet.writeUInt32BE(ssrc >>> 0, 4 + 4 * i))
  return {serialize: () => packet} as unknown as RtcpPacket
}

export class Subscriber extends Participant implements PacketSink {
  readonly role = 'subscriber' as const
  private readonly outbound = new Map<MediaKind, OutboundStream>()
  #audioLevelId: number | undefined

  constructor(
    id: string,
    who: Identity,
    pc: RTCPeerConnection,
    readonly publisher: Publisher,
    options: ParticipantOptions = {},
  ) {
    super(id, who, pc, options)
  }

  /** Binds the transceivers the client offered (recvonly) as our send side. */
  bindTransceivers(): void {
    this.#audioLevelId = extensionId(this.pc, AUDIO_LEVEL_URI, 'audio')
    for (const transceiver of this.pc.getTransceivers()) {
      const kind = transceiver.kind as MediaKind
      if ((kind !== 'audio' && kind !== 'video') || this.outbound.has(kind)) continue
      transceiver.setDirection('sendonly')
      const stream: OutboundStream = {
        kind,
        sender: transceiver.sender,
        clockRate: transceiver.codecs[0]?.clockRate ?? (kind === 'audio' ? 48000 : 90000),
        packets: 0,
        bytes: 0,
        bitrate: new BitrateMeter(),
        packetsLost: 0,
        firstHighestSeq: null,
        reportedExpected: null,
        fractionLost: 0,
        jitterMs: null,
        rttMs: null,
        nackCount: 0,
        pliCount: 0,
      }
      this.outbound.set(kind, stream)
      transceiver.sender.onRtcp.subscribe((packet) => this.onRtcp(stream, packet))
    }
  }

  forward(kind: MediaKind, packet: RtpPacket): void {
    const stream = this.outbound.get(kind)
    // Until DTLS is up werift drops the packet; counting it would inflate "packets sent".
    if (!stream || this.isClosed || this.pc.connectionState !== 'connected') return
    const copy = packet.clone()
    copy.header.extensions = kind === 'audio' ? this.audioLevel(packet) : []
    stream.packets++
    stream.bytes += copy.payload.length
    void stream.sender.sendRtp(copy).catch(() => undefined)
  }

  /** The publisher's audio level extension under this subscriber's id, if both negotiated it. */
  private audioLevel(packet: RtpPacket): Array<{id: number; payload: Buffer}> {
    const from = this.publisher.audioLevelId
    const to = this.#audioLevelId
    if (from === undefined || to === undefined) return []
    const ext = packet.header.extensions.find((e) => e.id === from)
    return ext ? [{id: to, payload: ext.payload}] : []
  }

  private onRtcp(stream: OutboundStream, packet: RtcpPacket): void {
    if (packet instanceof RtcpRrPacket || packet instanceof RtcpSrPacket) {
      for (const report of packet.reports) {
        if (report.ssrc !== stream.sender.ssrc) continue
        stream.packetsLost = report.packetsLost
        // Expected packets move with the reports, as packetsLost does (RFC 3550 A.3: expected =
        // highest extended sequence number - base); the first report is the base.
        const highest = report.highestSequence >>> 0
        if (stream.firstHighestSeq === null) stream.firstHighestSeq = highest
        else stream.reportedExpected = (highest - stream.firstHighestSeq) >>> 0
        stream.fractionLost = report.fractionLost / 256
        stream.jitterMs = Math.round((report.jitter / stream.clockRate) * 1000 * 100) / 100
        const rtt = rttOf(stream.sender, report.lsr, report.dlsr)
        if (rtt !== null) stream.rttMs = Math.round(rtt * 100) / 100
      }
    } else if (packet instanceof RtcpTransportLayerFeedback && packet.feedback.count === GENERIC_NACK) {
      stream.nackCount++
    } else if (packet instanceof RtcpPayloadSpecificFeedback) {
      const count = packet.feedback.count
      if (count === PLI || count === FIR) {
        stream.pliCount++
        this.publisher.keyframes.request()
      }
    }
  }

  tick(nowMs: number): void {
    for (const stream of this.outbound.values()) stream.bitrate.update(stream.bytes, nowMs)
  }

  get bitrateBps(): number {
    let sum = 0
    for (const stream of this.outbound.values()) sum += stream.bitrate.bps
    return sum
  }

  protected override beforeClose(): void {
    this.publisher.removeSink(this)
  }

  /** RTCP BYE (RFC 3550 §6.6) for every SSRC this subscriber received from the node. */
  protected override async goodbye(): Promise<void> {
    const streams = [...this.outbound.values()]
    if (streams.length === 0) return
    await streams[0]!.sender.dtlsTransport.sendRtcp([rtcpBye(streams.map((s) => s.sender.ssrc))])
  }

  override info() {
    return {...super.info(), publisherId: this.publisher.id}
  }

  streams(): StreamStats[] {
    return [...this.outbound.values()].map((s) => ({
      id: `${this.id}:${s.kind}`,
      kind: s.kind,
      // werift sends with the first negotiated codec: the publisher's (section-plan.ts).
      codec: streamCodecName(s.sender.codec && fromWerift(s.sender.codec)),
      direction: 'downlink' as const,
      ssrc: s.sender.ssrc,
      packets: s.packets,
      bytes: s.bytes,
      bitrateBps: s.bitrate.bps,
      packetsLost: s.packetsLost,
      reportedExpected: s.reportedExpected,
      fractionLost: s.fractionLost,
      jitterMs: s.jitterMs,
      rttMs: s.rttMs,
      nackCount: s.nackCount,
      pliCount: s.pliCount,
      mos: streamMos(s.fractionLost, s.jitterMs, s.rttMs),
      sourcePublisherId: this.publisher.id,
    }))
  }
}
