// Creates the node's werift peer connections and runs the non-trickle offer/answer that
// WHIP and WHEP use: the client's offer in, a complete answer (all candidates) out.
import {RTCPeerConnection, RTCRtpCodecParameters, useFIR, useNACK, usePLI, useOPUS, useVP8} from 'werift'
import {congestionControlFeedback, headerExtensions} from './header-extensions.js'

export interface PeerOptions {
  rtcPorts: [number, number]
  announceIp?: string
}

export class SdpError extends Error {}

const GATHER_TIMEOUT_MS = 5000

/** The only codecs the SFU forwards: Opus and VP8 (with RTX, NACK, PLI and FIR). */
function codecs() {
  return {
    audio: [useOPUS()],
    video: [
      useVP8({rtcpFeedback: [useNACK(), usePLI(), useFIR(), ...congestionControlFeedback()]}),
      // Follows VP8 directly so werift derives apt= from it (payload type - 1).
      new RTCRtpCodecParameters({mimeType: 'video/rtx', clockRate: 90000}),
    ],
  }
}

export function createPeer(opts: PeerOptions): RTCPeerConnection {
  return new RTCPeerConnection({
    codecs: codecs(),
    headerExtensions: headerExtensions(),
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

/**
 * Applies the offer, lets `prepare` configure transceivers (directions, tracks), and
 * returns the answer once ICE gathering is complete, so the client needs no trickle.
 */
export async function answerOffer(pc: RTCPeerConnection, offerSdp: string, streamId: string, prepare: () => void): Promise<string> {
  checkOfferSdp(offerSdp)
  try {
    await pc.setRemoteDescription({type: 'offer', sdp: offerSdp})
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
  return fixAnswerSsrcs(sdp, streamId)
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
