// Restricts a transceiver to the codecs the SFU forwards (opus, VP8), so the offer says
// what we mean instead of relying on the node to pick from libwebrtc's long default list.
// An SFU cannot transcode: a codec it does not forward would mean no media at all.
import {RTCRtpReceiver, RTCRtpSender} from './wrtc.js'

const WANTED: Record<'audio' | 'video', RegExp> = {audio: /^audio\/opus$/i, video: /^video\/(vp8|rtx)$/i}

export function preferSfuCodecs(transceiver: RTCRtpTransceiver, kind: 'audio' | 'video', direction: 'send' | 'recv'): void {
  const caps = (direction === 'send' ? RTCRtpSender : RTCRtpReceiver).getCapabilities(kind)
  const codecs = caps?.codecs.filter((c) => WANTED[kind].test(c.mimeType)) ?? []
  // Without the wanted codec (an unusual libwebrtc build) keep the defaults rather than fail here:
  // the node's answer or the media stats will then say what is wrong.
  if (!codecs.some((c) => !/rtx/i.test(c.mimeType))) return
  try {
    transceiver.setCodecPreferences(codecs)
  } catch {
    // Same reasoning: preferences are an optimisation of the offer, not a requirement.
  }
}
