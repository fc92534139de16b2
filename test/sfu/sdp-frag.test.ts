// test-kind: unit
// Trickle ICE / ICE restart fragments (src/sfu/sdp-frag.ts; RFC 8840 §9, RFC 8839 §5.1/§5.4).
// Every refusal is an SdpFragError whose one sentence the public API answers with 400.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {buildSdpFrag, MAX_FRAG_CANDIDATES, parseSdpFrag, SdpFragError} from '../../src/sfu/sdp-frag.js'

const UFRAG = 'EsAw'
const PWD = 'P2uYro0UCOQ4zxjKXaWCBui1'
const HOST = 'candidate:1 1 udp 2122260223 192.0.2.10 50000 typ host'
const SRFLX = 'candidate:842163049 1 udp 1677729535 198.51.100.7 61000 typ srflx raddr 192.0.2.10 rport 50000'

function refused(text: string, fragment: string) {
  try {
    parseSdpFrag(text)
  } catch (err) {
    assert.instance(err, SdpFragError)
    assert.ok((err as Error).message.includes(fragment), `"${(err as Error).message}" should include "${fragment}"`)
    return
  }
  assert.unreachable('should be refused')
}

test('the RFC 8840 §9 example shape: credentials, an m-section with mid, candidates, end-of-candidates', () => {
  const frag = parseSdpFrag(
    [
      `a=ice-ufrag:${UFRAG}`,
      `a=ice-pwd:${PWD}`,
      'm=audio 9 UDP/TLS/RTP/SAVPF 0',
      'a=mid:0',
      `a=${HOST}`,
      `a=${SRFLX}`,
      'a=end-of-candidates',
      '',
    ].join('\r\n'),
  )
  assert.equal(frag, {
    ufrag: UFRAG,
    pwd: PWD,
    endOfCandidates: false,
    sections: [{index: 0, mid: '0', candidates: [HOST, SRFLX], endOfCandidates: true}],
  })
})

test('bare LF line ends, other lines read past, session-level end-of-candidates', () => {
  const frag = parseSdpFrag(
    ['a=group:BUNDLE 0 1', 'm=audio 9 RTP/AVP 0', 'a=mid:0', 'm=video 9 RTP/AVP 96', 'a=mid:1', `a=${HOST}`].join(
      '\n',
    ) + '\na=end-of-candidates\n',
  )
  assert.is(frag.sections.length, 2)
  assert.equal(
    frag.sections.map((s) => [s.index, s.mid, s.candidates.length]),
    [
      [0, '0', 0],
      [1, '1', 1],
    ],
  )
  // After an m= line, a=end-of-candidates belongs to that section, not to the session.
  assert.is(frag.sections[1]!.endOfCandidates, true)
  assert.is(frag.endOfCandidates, false)
  assert.is(parseSdpFrag('a=end-of-candidates\r\n').endOfCandidates, true)
})

test('credentials in a section and an empty body are fine', () => {
  const frag = parseSdpFrag(`m=audio 9 RTP/AVP 0\r\na=ice-ufrag:${UFRAG}\r\na=ice-pwd:${PWD}\r\n`)
  assert.is(frag.ufrag, UFRAG)
  assert.equal(parseSdpFrag(''), {sections: [], endOfCandidates: false})
})

test('a line that is not type=value names its line number', () => {
  refused('m=audio 9 RTP/AVP 0\r\nhello\r\n', "line 2 of the SDP fragment is not an SDP line (type=value): 'hello'")
})

test('a candidate outside any m-section or not in RFC 8839 grammar is refused', () => {
  refused(`a=${HOST}`, 'line 1: a=candidate before any m= line')
  refused('m=audio 9 RTP/AVP 0\na=candidate:1 1 udp 2122260223 192.0.2.10 50000', 'is not an ICE candidate')
  refused('m=audio 9 RTP/AVP 0\na=candidate:1 1 udp prio 192.0.2.10 50000 typ host', 'RFC 8839 §5.1')
})

test('ICE credentials: length bounds of RFC 8839 §5.4 and ice-chars only', () => {
  refused(`a=ice-ufrag:abc\na=ice-pwd:${PWD}`, 'a=ice-ufrag must be 4-256')
  refused(`a=ice-ufrag:${UFRAG}\na=ice-pwd:${PWD.slice(0, 21)}`, 'line 2: a=ice-pwd must be 22-256')
  refused(`a=ice-ufrag:ab-cd\na=ice-pwd:${PWD}`, 'a=ice-ufrag')
  assert.is(parseSdpFrag(`a=ice-ufrag:abcd\na=ice-pwd:${PWD.slice(0, 22)}`).ufrag, 'abcd')
})

test('one credential without the other, or two different ufrags, are refused', () => {
  refused(`a=ice-ufrag:${UFRAG}`, 'a=ice-ufrag without a=ice-pwd or the reverse')
  refused(`a=ice-pwd:${PWD}`, 'both or neither')
  refused(`a=ice-ufrag:${UFRAG}\na=ice-pwd:${PWD}\nm=audio 9 RTP/AVP 0\na=ice-ufrag:Other`, 'two different a=ice-ufrag')
  // The same value repeated per section is what browsers send: accepted.
  assert.is(
    parseSdpFrag(`a=ice-ufrag:${UFRAG}\na=ice-pwd:${PWD}\nm=audio 9 RTP/AVP 0\na=ice-ufrag:${UFRAG}`).ufrag,
    UFRAG,
  )
})

test(`more than ${MAX_FRAG_CANDIDATES} candidates in one body are refused`, () => {
  const lines = ['m=audio 9 RTP/AVP 0']
  for (let i = 0; i < MAX_FRAG_CANDIDATES; i++) lines.push(`a=candidate:${i} 1 udp 1 192.0.2.1 ${1000 + i} typ host`)
  assert.is(parseSdpFrag(lines.join('\n')).sections[0]!.candidates.length, MAX_FRAG_CANDIDATES)
  lines.push('a=candidate:x 1 udp 1 192.0.2.1 999 typ host')
  refused(lines.join('\n'), `more than ${MAX_FRAG_CANDIDATES} candidates`)
})

test("buildSdpFrag writes what parseSdpFrag reads back (the node's ICE restart answer)", () => {
  const text = buildSdpFrag({
    ufrag: UFRAG,
    pwd: PWD,
    candidates: [HOST],
    mLine: 'm=audio 9 UDP/TLS/RTP/SAVPF 111',
    mid: '0',
  })
  assert.ok(text.endsWith('a=end-of-candidates\r\n'))
  assert.ok(text.split('\r\n').every((l) => l === '' || /^[a-z]=/.test(l)))
  assert.equal(parseSdpFrag(text), {
    ufrag: UFRAG,
    pwd: PWD,
    endOfCandidates: false,
    sections: [{index: 0, mid: '0', candidates: [HOST], endOfCandidates: true}],
  })
})

test.run()
