// Creates the node's werift peer connections and runs the non-trickle offer/answer that
// WHIP and WHEP use: the client's offer in, a complete answer (all candidates) out.
import {RTCPeerConnection, RTCRtpCodecParameters, useFIR, useNACK, usePLI, useOPUS} from 'werift'
import {ALL_CODECS, type CodecName} from '../api/codec-names.js'
import {offerForWerift, parseOffer, restoreRejected, type ParsedOffer, type SectionPlan} from './sdp-sections.js'
import {congestionControlFeedback, headerExtensions} from './header-extensions.js'

export interface PeerOptions {
  rtcPorts: [number, number]
  announceIp?: string
  /** --codecs: what the node accepts from publishers (default all of ALL_CODECS). */
  codecs?: readonly CodecName[]
}

export class SdpError extends Error {}

const GATHER_TIMEOUT_MS = 5000

/**
 * The codecs werift may negotiate (with RTX, NACK, PLI and FIR). werift matches an offer's
 * codecs by MIME type only, so profiles and payload types are chosen before it sees the
 * offer (section-plan.ts), and it answers with the offer's own payload types and fmtp.
 * AV1 is "video/AV1" as browsers write it (werift's useAV1X() says AV1X).
 */
function codecs(allowed: readonly CodecName[], role: PeerRole) {
  const feedback = [useNACK(), usePLI(), useFIR(), ...(role === 'publisher' ? congestionControlFeedback() : [])]
  const video = allowed
    .filter((c) => c !== 'opus')
    .map((c) => new RTCRtpCodecParameters({mimeType: `video/${c}`, clockRate: 90000, rtcpFeedback: feedback}))
  return {
    audio: allowed.includes('opus') ? [useOPUS()] : [],
    video: video.length ? [...video, new RTCRtpCodecParameters({mimeType: 'video/rtx', clockRate: 90000})] : [],
  }
}

/** Publishers get congestion feedback (header-extensions.ts); subscribers need none. */
export type PeerRole = 'publisher' | 'subscriber'

export function createPeer(opts: PeerOptions, role: PeerRole): RTCPeerConnection {
  return new RTCPeerConnection({
    codecs: codecs(opts.codecs ?? ALL_CODECS, role),
    headerExtensions: headerExtensions(role),
    icePortRange: opts.rtcPorts,
    iceAdditionalHostAddresses: opts.announceIp ? [opts.announceIp] : undefined,
    iceUseIpv6: false,
    // werift's default is Google's public STUN server: a lookup and a packet to the
    // Internet for every session. A node announces its own addresses (--announce-ip).
    iceServers: [],
  })
}

/** The offer could not be answered because no UDP port of the RTC range was free. */
export class NoPortsError extends Error {}

/** Attributes that may appear at most once in an m-section (RFC 8866, RFC 8839, RFC 8843). */
const ONCE_PER_SECTION = ['a=mid:', 'a=ice-ufrag:', 'a=ice-pwd:', 'a=setup:']

/**
 * Cheap structural check before werift parses it, so garbage gets a 400 with a reason.
 * Duplicated per-section attributes are refused: werift applies such an offer, then closes
 * the peer connection, which left a session that nothing could remove.
 */
export function checkOfferSdp(sdp: string): void {
  if (!sdp.startsWith('v=0')) throw new SdpError('the SDP offer must start with v=0')
  if (!/^m=(audio|video) /m.test(sdp)) throw new SdpError('the SDP offer has no audio or video m= section')
  if (!/^a=ice-ufrag:/m.test(sdp)) throw new SdpError('the SDP offer has no ICE credentials (a=ice-ufrag)')
  if (!/^a=fingerprint:/m.test(sdp)) throw new SdpError('the SDP offer has no DTLS fingerprint')
  const mids = new Set<string>()
  sdp
    .split(/^(?=m=)/m)
    .slice(1)
    .forEach((section, index) => {
      const where = `m-section ${index + 1} (${section.slice(2, section.search(/[ \r\n]/))})`
      for (const prefix of ONCE_PER_SECTION) {
        const count = section.split(/\r?\n/).filter((line) => line.startsWith(prefix)).length
        if (count > 1) throw new SdpError(`${where} has ${count} '${prefix}' lines; at most one is allowed`)
      }
      const mid = /^a=mid:(.*?)\r?$/m.exec(section)?.[1]
      if (mid !== undefined) {
        if (mids.has(mid)) throw new SdpError(`${where} repeats a=mid:${mid}; every m-section needs its own mid`)
        mids.add(mid)
      }
    })
}

/** Decides, per m-section of the offer, whether it is served and with which payload types. */
export type PlanSections = (offer: ParsedOffer) => SectionPlan[]

/**
 * Applies the offer, lets `prepare` configure transceivers (directions, tracks), and
 * returns the answer once ICE gathering is complete, so the client needs no trickle.
 * werift sees only the sections `plan` serves; the others are answered as rejected.
 */
export async function answerOffer(
  pc: RTCPeerConnection,
  offerSdp: string,
  streamId: string,
  plan: PlanSections,
  prepare: () => void,
  role: PeerRole = 'publisher',
): Promise<string> {
  checkOfferSdp(offerSdp)
  const offer = parseOffer(offerSdp)
  const plans = plan(offer)
  if (!plans.some((p) => p.serve)) {
    const reasons = plans.map((p, i) => `m-section ${i + 1} (${offer.sections[i]!.kind}): ${p.serve ? '' : p.reason}`)
    throw new SdpError(`the SDP offer has no section the node can serve: ${reasons.join('; ')}`)
  }
  try {
    await pc.setRemoteDescription({type: 'offer', sdp: offerForWerift(offer, plans)})
  } catch (err) {
    throw new SdpError(`the SDP offer was rejected: ${(err as Error).message}`)
  }
  prepare()
  const answer = await pc.createAnswer()
  await pc.setLocalDescription(answer)
  await waitForGathering(pc)
  const sdp = pc.localDescription?.sdp
  if (!sdp) throw new Error('no local description after gathering')
  // werift answers without candidates when every port of the range is taken; such an
  // answer can never connect, so it must not be sent as a success.
  if (!/^a=candidate:/m.test(sdp)) throw new NoPortsError('no UDP port of the RTC range is free')
  const answerSdp = restoreRejected(fixAnswerSsrcs(sdp, streamId), offer, plans)
  return role === 'subscriber' ? withoutCongestionFeedback(answerSdp) : answerSdp
}

/**
 * werift answers with the offer's own rtcp-fb lines. A subscriber is not asked for
 * transport-cc or REMB reports: the node does not adapt what it forwards to them.
 */
function withoutCongestionFeedback(sdp: string): string {
  return sdp.replace(/^a=rtcp-fb:\d+ (?:transport-cc|goog-remb)\r?\n/gm, '')
}

/**
 * Makes werift's answer acceptable to libwebrtc (Unified Plan), which reads a=ssrc lines
 * without an msid as one track per SSRC:
 *  - werift lists its RTCP sender SSRCs (with an RTX FID group) even in m-sections it only
 *    receives on; a recvonly section announces no media, so those lines go;
 *  - in sendonly sections the media SSRC and its RTX SSRC belong to one track, which an
 *    a=msid line (RFC 8830) says, naming the stream after the publisher.
 */
export function fixAnswerSsrcs(sdp: string, streamId: string): string {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n'
  return sdp
    .split(/(?=^m=)/m)
    .map((section) => {
      if (!section.startsWith('m=')) return section
      const lines = section.split(eol)
      if (/^a=recvonly\r?$/m.test(section)) {
        return lines.filter((line) => !line.startsWith('a=ssrc:') && !line.startsWith('a=ssrc-group:')).join(eol)
      }
      if (/^a=sendonly\r?$/m.test(section) && !/^a=msid:/m.test(section)) {
        const kind = section.slice(2, section.indexOf(' '))
        const at = lines.findIndex((line) => line.startsWith('a=mid:'))
        lines.splice(at + 1, 0, `a=msid:${streamId} ${streamId}-${kind}`)
      }
      return lines.join(eol)
    })
    .join('')
}

function waitForGathering(pc: RTCPeerConnection): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(done, GATHER_TIMEOUT_MS)
    const sub = pc.iceGatheringStateChange.subscribe((state) => {
      if (state === 'complete') done()
    })
    function done() {
      clearTimeout(timer)
      sub.unSubscribe()
      resolve()
    }
  })
}
