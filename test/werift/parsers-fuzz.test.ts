// test-kind: unit
// Property-based fuzzing (fast-check) of the werift parsers our patch hardens: RTP header,
// SRTP, RTCP compound packets and STUN messages. Inputs are random bytes and, more usefully,
// well-formed headers whose length fields lie. For every input: bounded time, and either a
// result or a plain Error (no TypeError/RangeError from reading past a buffer, no hang).
import fc from 'fast-check'
import {randomBytes} from 'node:crypto'
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {
  parseMessage,
  ProtectionProfileAes128CmHmacSha1_80,
  RtcpPacketConverter,
  RtpPacket,
  SrtpAuthenticationError,
  SrtpSession,
} from 'werift'

/** A hang guard, not a speed target: one input may take this long at most. The unpatched RTP
 *  parser took up to 134 s; a busy CI machine adds milliseconds, never seconds. */
const MAX_MS = 2000
const RUNS = 3000

/** Runs `parse`, and fails the property if it is slow or throws anything but `allowed`. */
function boundedParse(parse: () => unknown, allowed: (e: unknown) => boolean = isPlainError): void {
  const started = performance.now()
  try {
    parse()
  } catch (e) {
    if (!allowed(e)) throw new Error(`threw ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`)
  }
  const ms = performance.now() - started
  if (ms > MAX_MS) throw new Error(`took ${ms.toFixed(1)} ms`)
}

const isPlainError = (e: unknown) => e instanceof Error && e.constructor === Error && e.message.length > 0

const bytes = (max: number) => fc.uint8Array({minLength: 0, maxLength: max}).map((a) => Buffer.from(a))

/** An RTP fixed header with random flags, CSRC count and extension header, then random bytes. */
const rtpLike = fc
  .record({
    padding: fc.boolean(),
    extension: fc.boolean(),
    csrcCount: fc.integer({min: 0, max: 15}),
    profile: fc.constantFrom(0xbede, 0x1000, 0x0000, 0xffff),
    extensionWords: fc.oneof(fc.integer({min: 0, max: 8}), fc.integer({min: 0, max: 0xffff})),
    body: bytes(300),
  })
  .map(({padding, extension, csrcCount, profile, extensionWords, body}) => {
    const head = Buffer.alloc(12)
    head[0] = 0x80 | (padding ? 0x20 : 0) | (extension ? 0x10 : 0) | csrcCount
    head[1] = 96
    head.writeUInt32BE(0x12345678, 8)
    const ext = Buffer.alloc(4)
    ext.writeUInt16BE(profile, 0)
    ext.writeUInt16BE(extensionWords, 2)
    return Buffer.concat([head, Buffer.alloc(Math.min(csrcCount, 2) * 4), extension ? ext : Buffer.alloc(0), body])
  })

test('RtpPacket.deSerialize: bounded time, a plain Error or a packet inside its buffer', () => {
  fc.assert(
    fc.property(fc.oneof(rtpLike, bytes(1500)), (buf) => {
      boundedParse(() => {
        const p = RtpPacket.deSerialize(buf)
        assert.ok(p.header.payloadOffset <= buf.length, 'payload starts inside the packet')
        assert.ok(p.header.payloadOffset + p.header.paddingSize <= buf.length, 'padding inside the payload')
      })
    }),
    {numRuns: RUNS},
  )
})

test('SrtpSession.decrypt: bounded time, only authentication errors for forged packets', () => {
  const key = () => ({
    localMasterKey: randomBytes(16),
    localMasterSalt: randomBytes(14),
    remoteMasterKey: randomBytes(16),
    remoteMasterSalt: randomBytes(14),
  })
  const session = new SrtpSession({keys: key(), profile: ProtectionProfileAes128CmHmacSha1_80})
  fc.assert(
    fc.property(fc.oneof(rtpLike, bytes(1500)), (buf) => {
      boundedParse(
        () => session.decrypt(buf),
        (e) => e instanceof SrtpAuthenticationError,
      )
    }),
    {numRuns: RUNS},
  )
})

/** RTCP packets (SR, RR, SDES, RTPFB incl. TWCC, PSFB incl. REMB) with lying lengths and padding. */
const rtcpPacket = fc
  .record({
    padding: fc.boolean(),
    count: fc.integer({min: 0, max: 31}),
    type: fc.constantFrom(200, 201, 202, 203, 205, 206, 207),
    lengthWords: fc.oneof(fc.integer({min: 0, max: 20}), fc.integer({min: 0, max: 0xffff})),
    body: bytes(120),
  })
  .map(({padding, count, type, lengthWords, body}) => {
    const head = Buffer.alloc(4)
    head[0] = 0x80 | (padding ? 0x20 : 0) | count
    head[1] = type
    head.writeUInt16BE(lengthWords, 2)
    return Buffer.concat([head, body])
  })
const rtcpCompound = fc.array(rtcpPacket, {minLength: 1, maxLength: 4}).map((ps) => Buffer.concat(ps))

test('RtcpPacketConverter.deSerialize: bounded time, a plain Error or a list of packets', () => {
  fc.assert(
    fc.property(fc.oneof(rtcpCompound, bytes(1500)), (buf) => {
      boundedParse(() => assert.ok(Array.isArray(RtcpPacketConverter.deSerialize(buf))))
    }),
    {numRuns: RUNS},
  )
})

/** A STUN header with the magic cookie and a consistent length, then random attributes. */
const stunAttribute = fc
  .record({
    type: fc.oneof(
      fc.constantFrom(0x0001, 0x0006, 0x0008, 0x0009, 0x000a, 0x0020, 0x0024, 0x0025, 0x8028, 0x8029, 0x802a),
      fc.integer({min: 0, max: 0xffff}),
    ),
    value: bytes(40),
    lie: fc.oneof(fc.constant(0), fc.integer({min: -8, max: 300})),
  })
  .map(({type, value, lie}) => {
    const head = Buffer.alloc(4)
    head.writeUInt16BE(type, 0)
    head.writeUInt16BE(Math.max(0, Math.min(0xffff, value.length + lie)), 2)
    return Buffer.concat([head, value, Buffer.alloc((4 - (value.length % 4)) % 4)])
  })
const stunLike = fc
  .record({
    type: fc.constantFrom(0x0001, 0x0101, 0x0111, 0x0003, 0x0017),
    attributes: fc.array(stunAttribute, {maxLength: 6}),
  })
  .map(({type, attributes}) => {
    const body = Buffer.concat(attributes)
    const head = Buffer.alloc(20)
    head.writeUInt16BE(type, 0)
    head.writeUInt16BE(body.length, 2)
    head.writeUInt32BE(0x2112a442, 4)
    return Buffer.concat([head, body])
  })

test('parseMessage (STUN): bounded time, never throws, with or without an integrity key', () => {
  const key = Buffer.from('a-local-ice-password-22', 'utf8')
  fc.assert(
    fc.property(fc.oneof(stunLike, bytes(600)), fc.boolean(), (buf, withKey) => {
      boundedParse(
        () => parseMessage(buf, withKey ? key : undefined),
        () => false,
      )
    }),
    {numRuns: RUNS},
  )
})

test.run()
