// The RTP header extensions the node negotiates (RFC 8285), and the RTCP feedback that goes
// with them. The answer takes an extension only if the offer has it, with the offer's id.
//  - sdes:mid (RFC 9143): browsers route by it under BUNDLE;
//  - abs-send-time and transport-wide-cc: a publisher's send-side bandwidth estimation
//    (congestion-feedback.ts sends the reports);
//  - ssrc-audio-level (RFC 6464): kept on forwarded audio (subscriber.ts maps its id);
//  - sdes:rtp-stream-id and repaired-rtp-stream-id (RFC 8852): a simulcast offer (a=rid,
//    a=simulcast) can only be answered with them; without them Chrome's
//    setRemoteDescription throws on our answer.
import {
  useAbsSendTime,
  useAudioLevelIndication,
  useREMB,
  useRepairedRtpStreamId,
  useSdesMid,
  useSdesRTPStreamId,
  useTransportWideCC,
  useTWCC,
} from 'werift'
import type {RTCPeerConnection} from 'werift'

export const TRANSPORT_CC_URI = 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01'
export const AUDIO_LEVEL_URI = 'urn:ietf:params:rtp-hdrext:ssrc-audio-level'

/**
 * The `headerExtensions` option of werift's RTCPeerConnection. A subscriber gets only mid
 * and the audio level: the node does not adapt what it forwards to a subscriber's bandwidth,
 * so abs-send-time and transport-wide-cc there would only cost werift's sender a header
 * rewrite per forwarded packet and a feedback report to parse per subscriber (measured:
 * CPU per forwarded packet 1.27x the old build at 10 subscribers with them).
 */
export function headerExtensions(role: 'publisher' | 'subscriber') {
  if (role === 'subscriber') return {audio: [useSdesMid(), useAudioLevelIndication()], video: [useSdesMid()]}
  return {
    audio: [useSdesMid(), useAbsSendTime(), useTransportWideCC(), useAudioLevelIndication()],
    video: [useSdesMid(), useAbsSendTime(), useTransportWideCC(), useSdesRTPStreamId(), useRepairedRtpStreamId()],
  }
}

/**
 * rtcp-fb entries every video codec carries besides NACK/PLI/FIR: transport-cc (with the
 * extension above, the browser estimates from our reports) and goog-remb (our ceiling).
 */
export function congestionControlFeedback() {
  return [useTWCC(), useREMB()]
}

/** The negotiated id of an extension in any m-section of the session, if negotiated. */
export function extensionId(pc: RTCPeerConnection, uri: string, kind?: 'audio' | 'video'): number | undefined {
  for (const transceiver of pc.getTransceivers()) {
    if (kind && transceiver.kind !== kind) continue
    const ext = transceiver.headerExtensions.find((e) => e.uri === uri)
    if (ext) return ext.id
  }
  return undefined
}
