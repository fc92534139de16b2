// test-kind: unit
// Which sections of an offer the node serves (src/sfu/section-plan.ts): one audio and one
// video per session, rejected sections with a reason, and a 400 codec_mismatch naming both
// codec lists when a kind the node forwards cannot be served for its codecs.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {planPublisher, planSubscriber} from '../../src/sfu/section-plan.js'
import {parseOffer} from '../../src/sfu/sdp-sections.js'
import {CodecMismatchError} from '../../src/sfu/codec-mismatch.js'
import {HttpError} from '../../src/sfu/http/http-kit.js'
import type {OfferedCodec} from '../../src/sfu/codecs.js'

const ALL = ['opus', 'VP8', 'VP9', 'H264', 'AV1'] as const

function offer(...sections: string[][]) {
  return parseOffer(['v=0', ...sections.flat(), ''].join('\n'))
}
const audio = (dir = 'sendonly', mid = 'a') => [
  'm=audio 9 UDP/TLS/RTP/SAVPF 111',
  `a=mid:${mid}`,
  `a=${dir}`,
  'a=rtpmap:111 opus/48000/2',
]
const video = (dir = 'sendonly', mid = 'v') => [
  'm=video 9 UDP/TLS/RTP/SAVPF 102 103 96 97',
  `a=mid:${mid}`,
  `a=${dir}`,
  'a=rtpmap:102 H264/90000',
  'a=fmtp:102 profile-level-id=42e01f;packetization-mode=0',
  'a=rtpmap:103 rtx/90000',
  'a=fmtp:103 apt=102',
  'a=rtpmap:96 VP8/90000',
  'a=rtpmap:97 rtx/90000',
  'a=fmtp:97 apt=96',
]

function mismatch(fn: () => unknown, ...fragments: string[]) {
  try {
    fn()
  } catch (err) {
    assert.instance(err, CodecMismatchError)
    assert.instance(err, HttpError)
    const e = err as HttpError
    assert.is(e.status, 400)
    assert.is(e.code, 'codec_mismatch')
    for (const f of fragments) assert.ok(e.message.includes(f), `"${e.message}" should include "${f}"`)
    return
  }
  assert.unreachable('expected codec_mismatch')
}

test('publisher: the first forwardable codec plus its RTX; packetization-mode 0 H.264 is passed over', () => {
  const plans = planPublisher(offer(audio(), video()), ALL)
  assert.equal(plans, [
    {serve: true, payloadTypes: [111]},
    {serve: true, payloadTypes: [96, 97]},
  ])
})

test('publisher: a second video, a data channel and a port-0 section are rejected with reasons', () => {
  const plans = planPublisher(
    offer(
      video('sendonly', 'v1'),
      video('sendonly', 'v2'),
      ['m=application 9 UDP/DTLS/SCTP webrtc-datachannel', 'a=mid:d'],
      ['m=audio 0 UDP/TLS/RTP/SAVPF 111', 'a=mid:a', 'a=rtpmap:111 opus/48000/2'],
    ),
    ALL,
  )
  assert.is(plans[0]!.serve, true)
  assert.equal(plans[1], {serve: false, reason: 'the node forwards one video stream per session'})
  assert.equal(plans[2], {serve: false, reason: 'the node forwards audio and video only, not application'})
  assert.equal(plans[3], {serve: false, reason: 'the offer itself rejects it (port 0 without bundle-only)'})
})

test('publisher: a recvonly section cannot publish', () => {
  const plans = planPublisher(offer(audio('recvonly')), ALL)
  assert.equal(plans, [{serve: false, reason: "a publisher's section must send, this one is recvonly"}])
})

test('publisher: codecs the node does not forward are a codec_mismatch naming both lists', () => {
  mismatch(
    () => planPublisher(offer(audio(), video()), ['opus', 'VP9']),
    'm-section 2 (video, mid v) sends H264 (42e01f, constrained-baseline 3.1, packetization-mode 0), VP8',
    'this node accepts VP9',
  )
})

test('publisher: a mismatch in one video section is forgiven when another video section is served', () => {
  const vp9 = ['m=video 9 UDP/TLS/RTP/SAVPF 98', 'a=mid:w', 'a=sendonly', 'a=rtpmap:98 VP9/90000']
  const plans = planPublisher(offer(video(), vp9), ['opus', 'VP9'])
  assert.is(plans[0]!.serve, false)
  assert.equal(plans[1], {serve: true, payloadTypes: [98]})
})

test("subscriber: the publisher's codec with the subscriber's payload type and RTX", () => {
  const sentVp8: OfferedCodec = {payloadType: 120, encoding: 'VP8', clockRate: 90000, fmtp: ''}
  const sentOpus: OfferedCodec = {payloadType: 109, encoding: 'opus', clockRate: 48000, channels: 2, fmtp: ''}
  const plans = planSubscriber(offer(audio('recvonly'), video('recvonly')), {audio: sentOpus, video: sentVp8})
  assert.equal(plans, [
    {serve: true, payloadTypes: [111]},
    {serve: true, payloadTypes: [96, 97]},
  ])
})

test('subscriber: no such stream from the publisher is a rejection, not an error', () => {
  const plans = planSubscriber(offer(audio('recvonly'), video('recvonly')), {})
  assert.equal(plans, [
    {serve: false, reason: 'the publisher sends no audio'},
    {serve: false, reason: 'the publisher sends no video'},
  ])
})

test("subscriber: a section that cannot receive the publisher's codec is a codec_mismatch", () => {
  const sentVp9: OfferedCodec = {payloadType: 98, encoding: 'VP9', clockRate: 90000, fmtp: 'profile-id=2'}
  mismatch(
    () => planSubscriber(offer(video('recvonly')), {video: sentVp9}),
    'publisher sends VP9 (profile 2) for video',
    'your offer receives H264',
    '(m-section 1 (video, mid v))',
  )
})

test('subscriber: a sendonly section cannot subscribe', () => {
  const plans = planSubscriber(offer(audio('sendonly')), {})
  assert.equal(plans, [{serve: false, reason: "a subscriber's section must receive, this one is sendonly"}])
})

test.run()
