// A WHIP publisher: receives Opus and VP8 from one client and hands every packet to the
// subscribers of that publisher. Measures its uplink (RFC 3550 loss and jitter on what the
// node receives) and relays subscribers' keyframe requests, throttled.
import type {MediaStreamTrack, RTCPeerConnection, RTCRtpReceiver, RtpPacket} from 'werift'
import type {StreamStats} from '../api/node-api.js'
import {fromWerift, streamCodecName, type OfferedCodec} from './codecs.js'
import {CongestionFeedback} from './congestion-feedback.js'
import {AUDIO_LEVEL_URI, extensionId} from './header-extensions.js'
import {KeyframeThrottle} from './keyframe-throttle.js'
import {BitrateMeter, Participant, type Identity, type ParticipantOptions} from './participant.js'
import {RtpReceiveStats} from '../qoe/rtp-receive-stats.js'
import {chooseLayer, nackOnlyFor} from './simulcast-layer.js'
import {streamMos} from './stream-mos.js'

export type MediaKind = 'audio' | 'video'

/** Receives forwarded packets; implemented by Subscriber. */
export interface PacketSink {
  forward(kind: MediaKind, packet: RtpPacket): void
  readonly isClosed: boolean
}

interface InboundTrack {
  kind: MediaKind
  codec: string
  ssrc: number
  track: MediaStreamTrack
  receiver: RTCRtpReceiver
  stats: RtpReceiveStats
  bitrate: BitrateMeter
  fractionLost: number
  nacksSent: number
}

export class Publisher extends Participant {
  readonly role = 'publisher' as const
  private readonly inbound = new Map<MediaKind, InboundTrack>()
  private readonly sinks = new Set<PacketSink>()
  readonly keyframes: KeyframeThrottle
  /** transport-cc and REMB to the publisher's browser, so its send rate ramps up. */
  readonly feedback: CongestionFeedback
  pliRelayed = 0
  /** The id of ssrc-audio-level in this publisher's offer, if it has one. */
  audioLevelId: number | undefined

  constructor(id: string, who: Identity, pc: RTCPeerConnection, options: ParticipantOptions = {}) {
    super(id, who, pc, options)
    this.keyframes = new KeyframeThrottle(() => this.sendPli())
    this.feedback = new CongestionFeedback(pc)
    pc.onTrack.subscribe((track) => this.attach(track))
  }

  /** Called once the offer is applied, before the answer goes out. */
  prepare(): void {
    this.audioLevelId = extensionId(this.pc, AUDIO_LEVEL_URI, 'audio')
    this.feedback.start()
  }

  private attach(offered: MediaStreamTrack): void {
    const kind = offered.kind as MediaKind
    const transceiver = this.pc.getTransceivers().find((t) => t.receiver.tracks.includes(offered))
    if (!transceiver || this.inbound.has(kind)) return
    // A simulcast offer: one layer is forwarded (werift's onTrack names the first one).
    const layer = chooseLayer(transceiver.receiver)
    if (layer) nackOnlyFor(transceiver.receiver, layer)
    const track = layer ?? offered
    // The codec negotiated for this section (section-plan.ts left one, plus its RTX).
    const negotiated = this.negotiatedCodecs()[kind]
    const clockRate = negotiated?.clockRate ?? (kind === 'audio' ? 48000 : 90000)
    const entry: InboundTrack = {
      kind,
      codec: streamCodecName(negotiated),
      ssrc: track.ssrc ?? 0,
      track,
      receiver: transceiver.receiver,
      stats: new RtpReceiveStats(clockRate),
      bitrate: new BitrateMeter(),
      fractionLost: 0,
      nacksSent: 0,
    }
    this.inbound.set(kind, entry)
    // werift's receiver asks the publisher to resend what it lost (generic NACK).
    transceiver.receiver.onPacketLost.subscribe(() => entry.nacksSent++)
    track.onReceiveRtp.subscribe((packet) => {
      entry.ssrc = packet.header.ssrc
      entry.stats.add(packet.header.sequenceNumber, packet.header.timestamp, Date.now(), packet.payload.length)
      for (const sink of this.sinks) sink.forward(kind, packet)
    })
  }

  /**
   * The codec this publisher sends per kind, as negotiated (payload type, fmtp): its
   * subscribers must receive exactly this, since the node forwards without transcoding.
   */
  negotiatedCodecs(): Partial<Record<MediaKind, OfferedCodec>> {
    const out: Partial<Record<MediaKind, OfferedCodec>> = {}
    for (const transceiver of this.pc.getTransceivers()) {
      const kind = transceiver.kind as MediaKind
      const primary = transceiver.codecs.find((c) => !/\/rtx$/i.test(c.mimeType))
      if (primary && !out[kind]) out[kind] = fromWerift(primary)
    }
    return out
  }

  addSink(sink: PacketSink): void {
    this.sinks.add(sink)
    // A newcomer needs a keyframe to decode anything; ask now (throttled).
    this.keyframes.request()
  }

  removeSink(sink: PacketSink): void {
    this.sinks.delete(sink)
  }

  get sinkCount(): number {
    return this.sinks.size
  }

  private sendPli(): void {
    const video = this.inbound.get('video')
    if (!video || this.isClosed) return
    this.pliRelayed++
    void video.receiver.sendRtcpPLI(video.ssrc).catch(() => undefined)
  }

  protected override beforeClose(): void {
    this.keyframes.stop()
    this.feedback.stop()
    this.sinks.clear()
  }

  tick(nowMs: number): void {
    for (const entry of this.inbound.values()) {
      entry.bitrate.update(entry.stats.bytes, nowMs)
      entry.fractionLost = entry.stats.interval().fractionLost
    }
  }

  get bitrateBps(): number {
    let sum = 0
    for (const entry of this.inbound.values()) sum += entry.bitrate.bps
    return sum
  }

  streams(): StreamStats[] {
    return [...this.inbound.values()].map((e) => ({
      id: `${this.id}:${e.kind}`,
      kind: e.kind,
      codec: e.codec,
      direction: 'uplink' as const,
      ssrc: e.ssrc,
      packets: e.stats.packetsReceived,
      bytes: e.stats.bytes,
      bitrateBps: e.bitrate.bps,
      packetsLost: e.stats.lost,
      fractionLost: e.fractionLost,
      jitterMs: round(e.stats.jitterMs),
      rttMs: null, // the node sends no SR to a publisher it only receives from
      nackCount: e.nacksSent,
      pliCount: e.kind === 'video' ? this.pliRelayed : 0,
      mos: streamMos(e.fractionLost, e.stats.jitterMs, null),
    }))
  }
}

const round = (n: number) => Math.round(n * 100) / 100
