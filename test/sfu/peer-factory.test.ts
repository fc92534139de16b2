// test-kind: e2e
// checkOfferSdp: the structural checks that run before werift sees an offer.
import {suite} from 'uvu'
import * as assert from 'uvu/assert'
import {checkOfferSdp, SdpError} from '../../src/sfu/peer-factory.js'

const check = suite('checkOfferSdp')

const OFFER = [
  'v=0',
  'o=- 1 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0 1',
  'a=fingerprint:sha-256 AA:BB',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111',
  'a=mid:0',
  'a=ice-ufrag:abcd',
  'a=ice-pwd:abcdefghijklmnopqrstuv',
  'a=setup:actpass',
  'a=sendonly',
  'a=rtpmap:111 opus/48000/2',
  'm=video 9 UDP/TLS/RTP/SAVPF 96',
  'a=mid:1',
  'a=ice-ufrag:abcd',
  'a=ice-pwd:abcdefghijklmnopqrstuv',
  'a=setup:actpass',
  'a=sendonly',
  'a=rtpmap:96 VP8/90000',
  '',
].join('\r\n')

check('a well-formed offer passes', () => {
  checkOfferSdp(OFFER)
})

const bad: Array<[string, string, RegExp]> = [
  [
    'a second a=mid in the video section (the zombie offer)',
    OFFER.replace('a=mid:1\r\n', 'a=mid:1\r\na=mid:9\r\n'),
    /m-section 2 \(video\) has 2 'a=mid:' lines/,
  ],
  [
    'a second a=ice-ufrag in the video section',
    OFFER.replace('a=mid:1\r\na=ice-ufrag:abcd', 'a=mid:1\r\na=ice-ufrag:abcd\r\na=ice-ufrag:evil'),
    /m-section 2 \(video\) has 2 'a=ice-ufrag:' lines/,
  ],
  ['two sections with one mid', OFFER.replace('a=mid:1', 'a=mid:0'), /repeats a=mid:0/],
  [
    'two setup lines',
    OFFER.replace(
      'a=setup:actpass\r\na=sendonly\r\na=rtpmap:111',
      'a=setup:actpass\r\na=setup:active\r\na=sendonly\r\na=rtpmap:111',
    ),
    /m-section 1 \(audio\) has 2 'a=setup:'/,
  ],
  ['no v=0', OFFER.slice(5), /must start with v=0/],
  ['no media', OFFER.slice(0, OFFER.indexOf('m=audio')), /no audio or video m= section/],
  ['no fingerprint', OFFER.replace('a=fingerprint:sha-256 AA:BB\r\n', ''), /no DTLS fingerprint/],
]

for (const [label, sdp, message] of bad) {
  check(`refused: ${label}`, () => {
    assert.throws(
      () => checkOfferSdp(sdp),
      (err: Error) => err instanceof SdpError && message.test(err.message),
      `expected SdpError matching ${message}`,
    )
  })
}

check.run()
