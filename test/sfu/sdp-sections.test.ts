// test-kind: unit
// The m-sections of an offer and the two rewrites around werift (src/sfu/sdp-sections.ts).
// The offer below is shaped like a max-bundle client's (Firefox, GStreamer): transport
// attributes only in the first section, a bundle-only second section with port 0 (RFC 8843
// §7.2), a data channel the node rejects, and a static payload type without rtpmap (RFC 3551).
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {offerForWerift, parseOffer, restoreRejected, type SectionPlan} from '../../src/sfu/sdp-sections.js'

const OFFER = [
  'v=0',
  'o=- 1 1 IN IP4 0.0.0.0',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0 1 2',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 0',
  'c=IN IP4 0.0.0.0',
  'a=mid:0',
  'a=sendonly',
  'a=ice-ufrag:EsAw',
  'a=ice-pwd:P2uYro0UCOQ4zxjKXaWCBui1',
  'a=fingerprint:sha-256 AA:BB',
  'a=setup:actpass',
  'a=rtpmap:111 opus/48000/2',
  'a=fmtp:111 minptime=10;useinbandfec=1',
  'm=video 0 UDP/TLS/RTP/SAVPF 96 97 98',
  'c=IN IP4 0.0.0.0',
  'a=bundle-only',
  'a=mid:1',
  'a=sendonly',
  'a=rtpmap:96 VP8/90000',
  'a=rtcp-fb:96 nack',
  'a=rtpmap:97 rtx/90000',
  'a=fmtp:97 apt=96',
  'a=rtpmap:98 H264/90000',
  'a=fmtp:98 profile-level-id=42e01f;packetization-mode=1',
  'a=rtcp-fb:98 nack',
  'm=application 0 UDP/DTLS/SCTP webrtc-datachannel',
  'a=bundle-only',
  'a=mid:2',
  'a=candidate:1 1 udp 2122260223 192.0.2.10 50000 typ host',
  'a=end-of-candidates',
  '',
].join('\r\n')

const PLANS: SectionPlan[] = [
  {serve: true, payloadTypes: [111]},
  {serve: true, payloadTypes: [96, 97]},
  {serve: false, reason: 'data channels are not forwarded'},
]

test('parseOffer: sections with kind, port, codecs in m= order, direction, mid and bundle-only', () => {
  const offer = parseOffer(OFFER)
  assert.is(offer.eol, '\r\n')
  assert.equal(offer.session, ['v=0', 'o=- 1 1 IN IP4 0.0.0.0', 's=-', 't=0 0', 'a=group:BUNDLE 0 1 2'])
  assert.equal(
    offer.sections.map((s) => [s.index, s.kind, s.port, s.mid, s.bundleOnly, s.direction]),
    [
      [0, 'audio', 9, '0', false, 'sendonly'],
      [1, 'video', 0, '1', true, 'sendonly'],
      [2, 'application', 0, '2', true, 'sendrecv'],
    ],
  )
  assert.equal(offer.sections[0]!.codecs, [
    {payloadType: 111, encoding: 'opus', clockRate: 48000, channels: 2, fmtp: 'minptime=10;useinbandfec=1'},
    {payloadType: 0, encoding: 'PCMU', clockRate: 8000, channels: undefined, fmtp: ''},
  ])
  assert.equal(
    offer.sections[1]!.codecs.map((c) => [c.payloadType, c.encoding, c.fmtp]),
    [
      [96, 'VP8', ''],
      [97, 'rtx', 'apt=96'],
      [98, 'H264', 'profile-level-id=42e01f;packetization-mode=1'],
    ],
  )
  assert.equal(offer.sections[2]!.codecs, [], 'no codecs outside audio/video')
  assert.equal(offer.sections[2]!.fmts, ['webrtc-datachannel'])
})

test('parseOffer: an unknown dynamic payload type without rtpmap is named, not dropped', () => {
  const offer = parseOffer('v=0\nm=video 9 RTP/AVP 120\n')
  assert.is(offer.eol, '\n')
  assert.equal(offer.sections[0]!.codecs[0], {
    payloadType: 120,
    encoding: 'payload type 120',
    clockRate: 0,
    channels: undefined,
    fmtp: '',
  })
})

test('offerForWerift keeps the served sections and payload types, and a real port for bundle-only', () => {
  const out = offerForWerift(parseOffer(OFFER), PLANS)
  const lines = out.split('\r\n')
  assert.ok(out.endsWith('\r\n'))
  assert.ok(lines.includes('a=group:BUNDLE 0 1'), 'the rejected mid leaves the BUNDLE group')
  assert.ok(lines.includes('m=audio 9 UDP/TLS/RTP/SAVPF 111'), 'PCMU dropped from the m= line')
  assert.ok(lines.includes('m=video 9 UDP/TLS/RTP/SAVPF 96 97'), 'port 9 instead of 0, H264 dropped')
  assert.not.ok(lines.includes('a=bundle-only'))
  assert.not.ok(
    lines.some((l) => l.startsWith('a=rtpmap:98') || l.startsWith('a=fmtp:98') || l.startsWith('a=rtcp-fb:98')),
  )
  assert.ok(lines.includes('a=rtcp-fb:96 nack'))
  assert.not.ok(lines.some((l) => l.startsWith('m=application')))
})

test('offerForWerift copies transport attributes into every served section and rescues orphan candidates', () => {
  const out = offerForWerift(parseOffer(OFFER), PLANS)
  const sections = out.split('\r\nm=').slice(1)
  assert.is(sections.length, 2)
  for (const section of sections) {
    for (const prefix of ['a=ice-ufrag:EsAw', 'a=ice-pwd:', 'a=fingerprint:', 'a=setup:'])
      assert.is(section.split('\r\n').filter((l) => l.startsWith(prefix)).length, 1, `${prefix} once per section`)
  }
  // The candidate was written in the rejected data channel section; werift would never see it.
  assert.ok(sections[0]!.includes('a=candidate:1 1 udp 2122260223 192.0.2.10 50000 typ host'))
  assert.ok(sections[0]!.includes('a=end-of-candidates'))
  assert.not.ok(sections[1]!.includes('a=candidate:'))
})

test('offerForWerift: transport attributes at session level are not copied into sections', () => {
  const sdp = 'v=0\na=ice-ufrag:abcd\na=group:BUNDLE a\nm=audio 9 RTP/AVP 111\na=mid:a\na=rtpmap:111 opus/48000/2\n'
  const out = offerForWerift(parseOffer(sdp), [{serve: true, payloadTypes: [111]}])
  assert.is(out.split('\n').filter((l) => l.startsWith('a=ice-ufrag')).length, 1)
  assert.ok(out.endsWith('\n') && !out.includes('\r'))
})

test('offerForWerift drops a BUNDLE group left with no served mid', () => {
  const sdp = 'v=0\na=group:BUNDLE x\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\na=mid:x\n'
  const out = offerForWerift(parseOffer(sdp), [{serve: false, reason: 'no'}])
  assert.is(out, 'v=0\n')
})

test('restoreRejected puts a port-0 section back at each refused place (RFC 3264 §6)', () => {
  const offer = parseOffer(OFFER)
  const answer = [
    'v=0',
    'a=group:BUNDLE 0 1',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111',
    'a=mid:0',
    'm=video 9 UDP/TLS/RTP/SAVPF 96 97',
    'a=mid:1',
    '',
  ].join('\r\n')
  const restored = restoreRejected(answer, offer, PLANS)
  assert.is(
    restored,
    [
      'v=0',
      'a=group:BUNDLE 0 1',
      'm=audio 9 UDP/TLS/RTP/SAVPF 111',
      'a=mid:0',
      'm=video 9 UDP/TLS/RTP/SAVPF 96 97',
      'a=mid:1',
      'm=application 0 UDP/DTLS/SCTP webrtc-datachannel',
      'c=IN IP4 0.0.0.0',
      'a=mid:2',
      '',
    ].join('\r\n'),
  )
  assert.is(parseOffer(restored).sections.length, parseOffer(OFFER).sections.length)
})

test('restoreRejected: a refused audio/video section is marked inactive, in its place', () => {
  const offer = parseOffer('v=0\nm=video 9 RTP/AVP 96\na=mid:v\nm=audio 9 RTP/AVP 111\na=mid:a\n')
  const out = restoreRejected('v=0\nm=audio 9 RTP/AVP 111\na=mid:a\n', offer, [
    {serve: false, reason: 'x'},
    {serve: true, payloadTypes: [111]},
  ])
  assert.is(out, 'v=0\nm=video 0 RTP/AVP 96\nc=IN IP4 0.0.0.0\na=mid:v\na=inactive\nm=audio 9 RTP/AVP 111\na=mid:a\n')
})

test('restoreRejected: an answer with fewer sections than served is an error naming the mid', () => {
  const offer = parseOffer(OFFER)
  assert.throws(
    () => restoreRejected('v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n', offer, PLANS),
    /fewer sections than were served \(missing mid 1\)/,
  )
})

test.run()
