// test-kind: unit
// Stats types from ids (typeFromId in src/qoe/import/webrtc-internals.ts), for dumps whose
// entries lack "statsType". Every id below is taken from the recorded fixtures
// (test/fixtures/webrtc-internals/chrome-new.json: Chrome's current scheme; chrome-old.json:
// libwebrtc's older RTC..._ ids). Whole dumps are read in test/qoe/import.test.ts.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {typeFromId} from '../../../src/qoe/import/webrtc-internals.js'

test('new-style ids: IT/OT/RI/RO + transport + A|V + ssrc, CP, T, CIT/COT', () => {
  const cases: Array<[string, string]> = [
    ['IT01A2132281754', 'inbound-rtp'],
    ['IT01V999361648', 'inbound-rtp'],
    ['OT01V2970803251', 'outbound-rtp'],
    ['RI01A503842001', 'remote-inbound-rtp'],
    ['RO01A2132281754', 'remote-outbound-rtp'],
    ['CPBvV0STYT_5rmX5oFV', 'candidate-pair'],
    ['T01', 'transport'],
    ['CIT01_111', 'codec'],
    ['COT01_96', 'codec'],
  ]
  for (const [id, type] of cases) assert.is(typeFromId(id), type, id)
})

test('old-style ids: the RTC..._ prefixes', () => {
  const cases: Array<[string, string]> = [
    ['RTCInboundRTPAudioStream_2132281754', 'inbound-rtp'],
    ['RTCInboundRTPVideoStream_999361648', 'inbound-rtp'],
    ['RTCOutboundRTPVideoStream_2970803251', 'outbound-rtp'],
    ['RTCRemoteInboundRtpVideoStream_2970803251', 'remote-inbound-rtp'],
    ['RTCRemoteOutboundRTPAudioStream_2132281754', 'remote-outbound-rtp'],
    ['RTCIceCandidatePair_BvV0STYT_5rmX5oFV', 'candidate-pair'],
    ['RTCTransport_0_1', 'transport'],
    ['RTCCodec_0_Inbound_111', 'codec'],
  ]
  for (const [id, type] of cases) assert.is(typeFromId(id), type, id)
})

test('types the summaries do not read are null, in both schemes', () => {
  for (const id of [
    'P',
    'SA1',
    'SV2',
    'IBvV0STYT', // a local candidate ("I" + candidate id), not an inbound stream
    'RTCAudioSource_1',
    'RTCIceCandidate_BvV0STYT', // a candidate, not a candidate pair
    'RTCCertificate_1B:27:2D:89',
    '',
  ])
    assert.is(typeFromId(id), null, id)
})

test.run()
