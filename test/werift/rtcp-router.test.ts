// test-kind: e2e
// Fails if the werift patch loses its keyframe-request routing: werift's RtpRouter looked a
// PLI/FIR up by the sender SSRC of the feedback first, so a client whose offer declared that
// SSRC (Firefox's recvonly) had its PLIs delivered to our receiver, never to our sender.
// The recipients here are plain objects: the router only calls handleRtcpPacket on them.
// (The same case end to end, with libwebrtc and a node: test/sfu/rtcp-routing.test.ts.)
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {PictureLossIndication, RtcpPacketConverter, RtcpPayloadSpecificFeedback, RtpRouter} from 'werift'
import type {RtcpPacket} from 'werift'

const SENDER_SSRC = 0x1111 // our RTP sender (the subscriber's media source)
const CLIENT_SSRC = 0x2222 // the SSRC the client's offer declared, registered to our receiver

function routerWithBoth() {
  const got = {sender: 0, receiver: 0}
  const router = new RtpRouter()
  const table = (router as unknown as {ssrcTable: Record<number, {handleRtcpPacket(p: RtcpPacket): void}>}).ssrcTable
  table[SENDER_SSRC] = {handleRtcpPacket: () => void got.sender++}
  table[CLIENT_SSRC] = {handleRtcpPacket: () => void got.receiver++}
  return {router, got}
}

test('a PLI goes to the sender its media SSRC names, not to the receiver of its sender SSRC', () => {
  const {router, got} = routerWithBoth()
  router.routeRtcp(
    new RtcpPayloadSpecificFeedback({
      feedback: new PictureLossIndication({senderSsrc: CLIENT_SSRC, mediaSsrc: SENDER_SSRC}),
    }),
  )
  assert.equal(got, {sender: 1, receiver: 0}, 'the PLI reaches the sender only')
})

test('a FIR (media SSRC 0, RFC 5104) goes to the sender named in its FCI', () => {
  const {router, got} = routerWithBoth()
  // V=2 FMT=4, PT=206 (PSFB), length 4; sender SSRC, media SSRC 0; FCI: SSRC, seq nr, reserved.
  const bytes = Buffer.alloc(20)
  bytes.writeUInt8(0x84, 0)
  bytes.writeUInt8(206, 1)
  bytes.writeUInt16BE(4, 2)
  bytes.writeUInt32BE(CLIENT_SSRC, 4)
  bytes.writeUInt32BE(SENDER_SSRC, 12)
  bytes.writeUInt8(1, 16)
  const [fir] = RtcpPacketConverter.deSerialize(bytes)
  assert.instance(fir, RtcpPayloadSpecificFeedback, 'werift parses the FIR')
  router.routeRtcp(fir!)
  assert.equal(got, {sender: 1, receiver: 0}, 'the FIR reaches the sender only')
})

test('a PLI for an SSRC nobody sends still falls back to the sender SSRC (as before)', () => {
  const {router, got} = routerWithBoth()
  router.routeRtcp(
    new RtcpPayloadSpecificFeedback({
      feedback: new PictureLossIndication({senderSsrc: SENDER_SSRC, mediaSsrc: 0x9999}),
    }),
  )
  assert.equal(got, {sender: 1, receiver: 0}, 'the fallback still works')
})

test.run()
