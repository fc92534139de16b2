// test-kind: unit
// The codec and m-section rules without a network: H.264 profile-level-id as browsers read
// it, which offered codec a publisher keeps and a subscriber must match, --codecs parsing,
// and the offer rewrite around werift (bundle-only sections, transport attributes written
// once, rejected sections restored with port 0).
import {suite} from 'uvu'
import * as assert from 'uvu/assert'
import {parseCodecList} from '../../src/api/codec-names.js'
import {canReceive, choosePublishCodec, describeCodec, type OfferedCodec} from '../../src/sfu/codecs.js'
import {CodecMismatchError} from '../../src/sfu/codec-mismatch.js'
import {parseProfileLevelId} from '../../src/sfu/h264-profile.js'
import {parseNodeArgs} from '../../src/sfu/node-config.js'
import {offerForWerift, parseOffer, restoreRejected} from '../../src/sfu/sdp-sections.js'
import {planPublisher, planSubscriber} from '../../src/sfu/section-plan.js'

const test = suite('codecs')

const h264 = (pt: number, fmtp: string): OfferedCodec => ({payloadType: pt, encoding: 'H264', clockRate: 90000, fmtp})
const vp9 = (pt: number, fmtp = 'profile-id=0'): OfferedCodec => ({
  payloadType: pt,
  encoding: 'VP9',
  clockRate: 90000,
  fmtp,
})

test('profile-level-id: spellings of one profile agree (libwebrtc table)', () => {
  assert.equal(parseProfileLevelId('42e01f'), {profile: 'constrained-baseline', level: 31})
  assert.equal(parseProfileLevelId('4d801f'), {profile: 'constrained-baseline', level: 31})
  assert.equal(parseProfileLevelId('42001f'), {profile: 'baseline', level: 31})
  assert.equal(parseProfileLevelId('4d001f'), {profile: 'main', level: 31})
  assert.equal(parseProfileLevelId('64001f'), {profile: 'high', level: 31})
  assert.equal(parseProfileLevelId('640c1f'), {profile: 'constrained-high', level: 31})
  assert.equal(parseProfileLevelId('42f00b'), {profile: 'constrained-baseline', level: 9}, 'level 1b')
  assert.is(parseProfileLevelId('f4001f'), undefined, 'high 4:4:4 predictive is not forwarded')
  assert.is(parseProfileLevelId('42e0'), undefined)
})

test('a publisher keeps its first codec the node forwards; H.264 needs packetization-mode 1', () => {
  const offered = [
    h264(104, 'profile-level-id=42e01f;packetization-mode=0'),
    h264(96, 'profile-level-id=42e01f;packetization-mode=1'),
    vp9(98),
  ]
  assert.is(choosePublishCodec(offered, 'video', ['opus', 'VP8', 'VP9', 'H264', 'AV1'])?.payloadType, 96)
  assert.is(choosePublishCodec(offered, 'video', ['opus', 'VP9'])?.payloadType, 98, '--codecs without H264')
  assert.is(choosePublishCodec(offered, 'video', ['opus', 'VP8']), undefined)
  assert.is(choosePublishCodec(offered, 'audio', ['opus', 'VP9']), undefined, 'kind matters')
})

test('a subscriber must match profile and packetization mode; a lower level needs level-asymmetry-allowed', () => {
  const sent = h264(96, 'profile-level-id=42e01f;packetization-mode=1')
  assert.ok(canReceive(h264(102, 'profile-level-id=42e01f;packetization-mode=1;level-asymmetry-allowed=1'), sent))
  assert.ok(canReceive(h264(102, 'profile-level-id=4d801f;packetization-mode=1'), sent), 'same profile, other spelling')
  assert.not.ok(
    canReceive(h264(102, 'profile-level-id=64001f;packetization-mode=1;level-asymmetry-allowed=1'), sent),
    'high cannot stand in for CB',
  )
  assert.not.ok(canReceive(h264(102, 'profile-level-id=42e01f;packetization-mode=0'), sent))
  assert.not.ok(
    canReceive(h264(102, 'profile-level-id=42e00d;packetization-mode=1'), sent),
    'level 1.3 < 3.1 without asymmetry',
  )
  assert.ok(canReceive(h264(102, 'profile-level-id=42e034;packetization-mode=1'), sent), 'a higher level is fine')
  assert.ok(canReceive(vp9(100), vp9(98, '')), 'VP9 profile-id defaults to 0')
  assert.not.ok(canReceive(vp9(100, 'profile-id=2'), vp9(98)))
  assert.is(
    describeCodec(h264(1, 'profile-level-id=640c1f;packetization-mode=1')),
    'H264 (640c1f, constrained-high 3.1)',
  )
})

test('--codecs: any case, duplicates folded, unknown names refused in one sentence', () => {
  assert.equal(parseCodecList('opus,vp8,H264,h264', '--codecs'), ['opus', 'VP8', 'H264'])
  assert.throws(
    () => parseCodecList('opus,theora', '--codecs'),
    /--codecs must list codecs out of opus,VP8,VP9,H264,AV1, not 'theora'/,
  )
  assert.equal(parseNodeArgs(['--dir', '/tmp/x', '--codecs', 'opus,av1']).codecs, ['opus', 'AV1'])
  assert.equal(parseNodeArgs(['--dir', '/tmp/x']).codecs, ['opus', 'VP8', 'VP9', 'H264', 'AV1'])
  assert.throws(() => parseNodeArgs(['--dir', '/tmp/x', '--codecs', 'mp3']), /not 'mp3'/)
})

// Firefox-like max-bundle offer: fingerprint at session level, video bundle-only without
// its own ICE credentials or candidates, then a data channel.
const OFFER = [
  'v=0',
  'o=- 1 0 IN IP4 0.0.0.0',
  's=-',
  't=0 0',
  'a=fingerprint:sha-256 AA:BB',
  'a=group:BUNDLE 0 1 2',
  'm=audio 50000 UDP/TLS/RTP/SAVPF 109 0',
  'c=IN IP4 127.0.0.1',
  'a=mid:0',
  'a=sendonly',
  'a=ice-ufrag:u1',
  'a=ice-pwd:p1p1p1p1p1p1p1p1p1p1p1',
  'a=setup:actpass',
  'a=rtpmap:109 opus/48000/2',
  'a=rtpmap:0 PCMU/8000',
  'a=candidate:0 1 UDP 2122252543 127.0.0.1 50000 typ host',
  'a=end-of-candidates',
  'm=video 0 UDP/TLS/RTP/SAVPF 120 124 126 97',
  'c=IN IP4 0.0.0.0',
  'a=bundle-only',
  'a=mid:1',
  'a=sendonly',
  'a=rtpmap:120 VP8/90000',
  'a=rtcp-fb:120 nack',
  'a=rtpmap:124 rtx/90000',
  'a=fmtp:124 apt=120',
  'a=rtpmap:126 H264/90000',
  'a=fmtp:126 profile-level-id=42e01f;level-asymmetry-allowed=1;packetization-mode=1',
  'a=rtcp-fb:126 nack',
  'a=rtpmap:97 H264/90000',
  'a=fmtp:97 profile-level-id=42e01f;level-asymmetry-allowed=1',
  'm=application 0 UDP/DTLS/SCTP webrtc-datachannel',
  'c=IN IP4 0.0.0.0',
  'a=bundle-only',
  'a=mid:2',
  'a=sctp-port:5000',
  '',
].join('\r\n')

test('publisher plan: bundle-only video served with its codec and RTX, the data channel rejected', () => {
  const offer = parseOffer(OFFER)
  const plans = planPublisher(offer, ['opus', 'VP8', 'VP9', 'H264', 'AV1'])
  assert.equal(plans[0], {serve: true, payloadTypes: [109]})
  assert.equal(plans[1], {serve: true, payloadTypes: [120, 124]})
  assert.is(plans[2]!.serve, false)
  const h264Only = planPublisher(offer, ['opus', 'H264'])
  assert.equal(h264Only[1], {serve: true, payloadTypes: [126]}, 'packetization-mode 0 (PT 97) is skipped')
  assert.throws(
    () => planPublisher(offer, ['opus', 'AV1']),
    (err: Error) =>
      err instanceof CodecMismatchError &&
      err.status === 400 &&
      /m-section 2 \(video, mid 1\) sends VP8, H264 \(42e01f, constrained-baseline 3\.1\), H264 \(42e01f, constrained-baseline 3\.1, packetization-mode 0\); this node accepts AV1/.test(
        err.message,
      ),
  )
})

test('the offer werift gets: served sections only, a real port, transport attributes and candidates where werift looks', () => {
  const offer = parseOffer(OFFER)
  const plans = planPublisher(offer, ['opus', 'VP8'])
  const forWerift = offerForWerift(offer, plans)
  assert.match(forWerift, /^a=group:BUNDLE 0 1\r$/m)
  const sections = parseOffer(forWerift).sections
  assert.is(sections.length, 2)
  assert.is(sections[1]!.lines[0], 'm=video 9 UDP/TLS/RTP/SAVPF 120 124')
  assert.not.ok(sections[1]!.lines.includes('a=bundle-only'))
  assert.ok(
    sections[1]!.lines.includes('a=ice-ufrag:u1') && sections[1]!.lines.includes('a=setup:actpass'),
    'credentials copied from the tagged section',
  )
  assert.not.ok(
    sections[1]!.lines.some((l) => l.startsWith('a=fingerprint')),
    'session-level fingerprint is not copied',
  )
  assert.not.ok(
    forWerift.includes('a=rtpmap:126') || forWerift.includes('a=rtcp-fb:126') || forWerift.includes('a=rtpmap:0 '),
    'unchosen codecs gone',
  )
  assert.is(sections[0]!.lines[0], 'm=audio 50000 UDP/TLS/RTP/SAVPF 109')
})

test('rejected sections go back into the answer at their place with port 0', () => {
  const offer = parseOffer(OFFER)
  const plans = planPublisher(offer, ['opus', 'VP8'])
  const weriftAnswer = [
    'v=0',
    's=-',
    'a=group:BUNDLE 0 1',
    'm=audio 9 UDP/TLS/RTP/SAVPF 109',
    'a=mid:0',
    'm=video 9 UDP/TLS/RTP/SAVPF 120 124',
    'a=mid:1',
    '',
  ].join('\r\n')
  const answer = parseOffer(restoreRejected(weriftAnswer, offer, plans))
  assert.equal(
    answer.sections.map((s) => [s.kind, s.port, s.mid]),
    [
      ['audio', 9, '0'],
      ['video', 9, '1'],
      ['application', 0, '2'],
    ],
  )
  assert.equal(answer.sections[2]!.lines, [
    'm=application 0 UDP/DTLS/SCTP webrtc-datachannel',
    'c=IN IP4 0.0.0.0',
    'a=mid:2',
  ])
})

test('subscriber plan: exactly the publisher codec under the subscriber payload type; a missing kind is rejected, not an error', () => {
  const offer = parseOffer(OFFER.replace(/a=sendonly/g, 'a=recvonly'))
  const plans = planSubscriber(offer, {video: h264(96, 'profile-level-id=42e01f;packetization-mode=1')})
  assert.equal(
    plans.map((p) => p.serve),
    [false, true, false],
  )
  assert.equal(plans[1], {serve: true, payloadTypes: [126]})
  assert.throws(
    () => planSubscriber(offer, {video: vp9(98)}),
    (err: Error) =>
      err instanceof CodecMismatchError &&
      /publisher sends VP9 for video; your offer receives VP8, H264 .* there \(m-section 2 \(video, mid 1\)\)/.test(
        err.message,
      ),
  )
})

test.run()
