// Restricts a transceiver to codecs the SFU forwards, so the offer says what we mean
// instead of relying on the node to pick from libwebrtc's long default list (RED, FEC...).
// An SFU cannot transcode: a synthetic publisher sends opus + VP8, the codecs every node
// takes; a subscriber offers every forwarded codec libwebrtc decodes (VP8, VP9, AV1; this
// build has no H.264), because it must receive whatever its publisher negotiated.
import {RTCRtpReceiver, RTCRtpSender} from './wrtc.js'

const WANTED: Record<'send' | 'recv', Record<'audio' | 'video', RegExp>> = {
  send: {audio: /^audio\/opus$/i, video: /^video\/(vp8|rtx)$/i},
  recv: {audio: /^audio\/opus$/i, video: /^video\/(vp8|vp9|av1|h264|rtx)$/i},
}

export function preferSfuCodecs(
  transceiver: RTCRtpTransceiver,
  kind: 'audio' | 'video',
  direction: 'send' | 'recv',
): void {
  const caps = (direction === 'send' ? RTCRtpSender : RTCRtpReceiver).getCapabilities(kind)
  const codecs = caps?.codecs.filter((c) => WANTED[direction][kind].test(c.mimeType)) ?? []
  // Without the wanted codec (an unusual libwebrtc build) keep the defaults rather than fail here:
  // the node's answer or the media stats will then say what is wrong.
  if (!codecs.some((c) => !/rtx/i.test(c.mimeType))) return
  try {
    transceiver.setCodecPreferences(codecs)
  } catch {
    // Same reasoning: preferences are an optimisation of the offer, not a requirement.
  }
}
