// test-kind: unit
// Property-based fuzzing (fast-check) of checkOfferSdp (src/sfu/peer-factory.ts), the first
// thing a WHIP/WHEP body meets: random text and real libwebrtc offers with lines dropped,
// repeated, mangled or padded to the 64 KiB body limit. For every input: bounded time (no
// regex backtracking blow-up) and either acceptance or an SdpError with a sentence.
import fc from 'fast-check'
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {RTCPeerConnection} from '../../src/client/wrtc.js'
import {checkOfferSdp, SdpError} from '../../src/sfu/peer-factory.js'

/** A hang guard, not a speed target (that is what benchmarks are for): a loaded CI machine adds
 *  milliseconds to one check, a parser that loops or goes quadratic adds seconds. */
const MAX_MS = 2000
let offer = ''

test.before(async () => {
  const pc = new RTCPeerConnection()
  pc.addTransceiver('audio', {direction: 'sendonly'})
  pc.addTransceiver('video', {direction: 'sendonly'})
  offer = (await pc.createOffer()).sdp ?? ''
  pc.close()
  assert.not.throws(() => checkOfferSdp(offer), 'a real libwebrtc offer passes')
})

function bounded(sdp: string): void {
  const started = performance.now()
  try {
    checkOfferSdp(sdp)
  } catch (e) {
    if (!(e instanceof SdpError) || e.message.length < 10)
      throw new Error(`threw ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`)
  }
  const ms = performance.now() - started
  if (ms > MAX_MS) throw new Error(`took ${ms.toFixed(1)} ms for ${sdp.length} characters`)
}

test('random text: bounded time, accepted or an SdpError', () => {
  const line = fc.oneof(
    fc.string({maxLength: 80}),
    fc.constantFrom(
      'v=0',
      'm=audio 9 UDP/TLS/RTP/SAVPF 111',
      'm=video 9 UDP/TLS/RTP/SAVPF 96',
      'a=ice-ufrag:x',
      'a=fingerprint:sha-256 00',
      'a=mid:0',
      'a=setup:actpass',
      'm=',
      'a=mid:',
      '',
    ),
  )
  fc.assert(
    fc.property(fc.array(line, {maxLength: 60}), fc.constantFrom('\r\n', '\n', '\r'), (lines, eol) =>
      bounded(lines.join(eol)),
    ),
    {numRuns: 3000},
  )
})

test('mutated real offers: dropped, repeated, mangled lines and huge lines stay bounded', () => {
  const mutation = fc.oneof(
    fc.record({kind: fc.constant('drop' as const), at: fc.nat()}),
    fc.record({kind: fc.constant('repeat' as const), at: fc.nat(), times: fc.integer({min: 2, max: 400})}),
    fc.record({kind: fc.constant('mangle' as const), at: fc.nat(), text: fc.string({maxLength: 40})}),
    fc.record({
      kind: fc.constant('pad' as const),
      at: fc.nat(),
      size: fc.integer({min: 1, max: 60_000}),
      char: fc.constantFrom('a', ' ', ':', '=', '\r', 'm='),
    }),
  )
  fc.assert(
    fc.property(fc.array(mutation, {minLength: 1, maxLength: 6}), (mutations) => {
      const lines = offer.split('\r\n')
      for (const m of mutations) {
        const at = m.at % lines.length
        if (m.kind === 'drop') lines.splice(at, 1)
        else if (m.kind === 'repeat') lines.splice(at, 0, ...Array<string>(m.times).fill(lines[at] ?? ''))
        else if (m.kind === 'mangle') lines[at] = (lines[at] ?? '').slice(0, 6) + m.text
        else lines[at] = (lines[at] ?? '') + m.char.repeat(m.size)
      }
      bounded(lines.join('\r\n').slice(0, 64 * 1024))
    }),
    {numRuns: 1500},
  )
})

test.run()
