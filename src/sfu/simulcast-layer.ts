// Accepting a simulcast offer (a=rid / a=simulcast, RFC 8853) by forwarding one of its
// layers. Subscribers get a single ordinary stream: the node picks one layer and sends only
// its packets, which werift's sender rewrites to the subscriber's own SSRC and sequence
// numbers as it does for a plain publisher.
import type {MediaStreamTrack, RTCRtpReceiver, RtpPacket} from 'werift'

/**
 * The layer to forward: the middle one of three (the highest of two). Browsers list layers
 * low to high or high to low, so the middle is the same either way; it is sent as soon as
 * the publisher's estimate covers two layers, and it fits any subscriber a 1:1 call would.
 */
export function chooseLayer(receiver: RTCRtpReceiver): MediaStreamTrack | undefined {
  const layers = receiver.tracks.filter((t) => t.rid !== undefined)
  if (layers.length === 0) return undefined
  return layers[Math.floor(layers.length / 2)]
}

/**
 * werift keeps one NACK generator per receiver and feeds it every layer's packets; the
 * sequence numbers of three SSRCs interleaved look like constant loss and it would send a
 * NACK every 5 ms. Only the forwarded layer's packets reach it; losses on the others do
 * not matter to anyone.
 */
export function nackOnlyFor(receiver: RTCRtpReceiver, layer: MediaStreamTrack): void {
  const nack = (receiver as unknown as {nack: {addPacket(packet: RtpPacket): void}}).nack
  const addPacket = nack.addPacket.bind(nack)
  nack.addPacket = (packet) => {
    if (receiver.trackBySSRC[packet.header.ssrc] === layer) addPacket(packet)
  }
}
