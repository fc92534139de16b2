// test-kind: unit
// Fails if an upgrade or a fresh install of werift loses our patch (patches/werift+<version>.patch,
// applied by patch-package after npm install): runs the exact hostile inputs of issue 9
// against werift's own exported classes, in this process, the way the node imports them.
import {randomBytes} from 'node:crypto'
import {existsSync, readFileSync} from 'node:fs'
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {
  classes,
  Connection,
  DtlsSocket,
  Message,
  methods,
  ProtectionProfileAes128CmHmacSha1_80,
  RtcpPacketConverter,
  RtcpRrPacket,
  RtpHeader,
  RtpPacket,
  SrtpAuthenticationError,
  SrtpSession,
} from 'werift'
import {UdpProber} from '../helpers/udp-prober.js'

const root = new URL('../../../', import.meta.url) // dist/test/werift -> repo
/** The packet that froze the node for 134 s: extension bit set, extension length 0xFFFF. */
const FREEZE_PACKET = Buffer.from('906000010000000012345678bedeffff00000000000000000000', 'hex')

function timed<T>(fn: () => T): {ms: number; value?: T; error?: unknown} {
  const started = performance.now()
  try {
    const value = fn()
    return {ms: performance.now() - started, value}
  } catch (error) {
    return {ms: performance.now() - started, error}
  }
}

/** Slower than this is the unpatched parser's hang (minutes), not a busy machine (milliseconds). */
const HANG_MS = 2000

test('patches/ holds a werift patch for the installed werift version', () => {
  const {version} = JSON.parse(readFileSync(new URL('node_modules/werift/package.json', root), 'utf8')) as {
    version: string
  }
  const patch = new URL(`patches/werift+${version}.patch`, root)
  assert.ok(
    existsSync(patch),
    `patches/werift+${version}.patch is missing: port the patch to werift ${version} (see docs/node-api.md, "Hostile packets")`,
  )
  assert.match(readFileSync(patch, 'utf8'), /lib\/index\.mjs/, 'the patch changes the ESM bundle the node imports')
})

/** Without the patch the next parse takes minutes: fail fast instead. */
function assertPatched(): void {
  assert.type(
    (RtpHeader as unknown as {deSerializeFixed?: unknown}).deSerializeFixed,
    'function',
    'werift is not patched (RtpHeader.deSerializeFixed is missing): run npx patch-package',
  )
}

test('RtpHeader.deSerialize: the 26-byte packet throws one clean Error at once', () => {
  assertPatched()
  const r = timed(() => RtpHeader.deSerialize(FREEZE_PACKET))
  assert.instance(r.error, Error, 'malformed input is an Error')
  assert.match((r.error as Error).message, /extension length 262140 overruns a 26-byte packet/)
  // A hang guard, not a speed target: the unpatched parser needs over a minute for this packet,
  // so a bound far above any scheduling delay still tells the two apart.
  assert.ok(r.ms < HANG_MS, `took ${r.ms.toFixed(1)} ms (unpatched: over a minute)`)
})

test('RtpHeader.deSerialize: every length field is checked against the buffer', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['shorter than the fixed header', '80600001000000001234', /shorter than its 12-byte header/],
    ['CSRC count 15 in a 16-byte packet', '8f60000100000000123456780000000a', /CSRC count 15 overruns/],
    ['extension header cut off', '9060000100000000123456780000', /extension header overruns/],
    ['one-byte element longer than its block', '906000010000000012345678bede00011f000000', /element overruns/],
    ['two-byte element longer than its block', '90600001000000001234567810000001010900aa', /element overruns/],
    ['padding longer than the payload', 'a06000010000000012345678aabb09', /padding length/],
    ['padding count 0', 'a06000010000000012345678aabb00', /padding length/],
  ]
  for (const [what, hex, message] of cases) {
    const r = timed(() => RtpPacket.deSerialize(Buffer.from(hex, 'hex')))
    assert.instance(r.error, Error, `${what}: rejected`)
    assert.match((r.error as Error).message, message, `${what}: says why`)
  }
})

test('RtpHeader: a valid packet with one-byte extensions, CSRCs and padding still parses', () => {
  const header = new RtpHeader({
    payloadType: 96,
    sequenceNumber: 7,
    timestamp: 1234,
    ssrc: 42,
    marker: true,
    csrc: [1, 2],
    padding: true,
    paddingSize: 4,
  })
  header.extensions = [
    {id: 1, payload: Buffer.from([0xaa])},
    {id: 3, payload: Buffer.from([1, 2, 3])},
  ]
  const wire = new RtpPacket(header, Buffer.from('payload')).serialize()
  const parsed = RtpPacket.deSerialize(wire)
  assert.equal(
    {
      seq: parsed.header.sequenceNumber,
      ssrc: parsed.header.ssrc,
      marker: parsed.header.marker,
      csrc: parsed.header.csrc,
      pad: parsed.header.paddingSize,
    },
    {seq: 7, ssrc: 42, marker: true, csrc: [1, 2], pad: 4},
  )
  assert.equal(
    parsed.header.extensions.map((e) => [e.id, [...e.payload]]),
    [
      [1, [0xaa]],
      [3, [1, 2, 3]],
    ],
  )
  assert.is(parsed.payload.toString(), 'payload')
})

function srtpPair() {
  const [k1, s1, k2, s2] = [randomBytes(16), randomBytes(14), randomBytes(16), randomBytes(14)]
  const profile = ProtectionProfileAes128CmHmacSha1_80
  const a = new SrtpSession({
    keys: {localMasterKey: k1, localMasterSalt: s1, remoteMasterKey: k2, remoteMasterSalt: s2},
    profile,
  })
  const b = new SrtpSession({
    keys: {localMasterKey: k2, localMasterSalt: s2, remoteMasterKey: k1, remoteMasterSalt: s1},
    profile,
  })
  return {a, b}
}

test('SrtpSession: authenticates before parsing header extensions', () => {
  assertPatched()
  const {a, b} = srtpPair()
  // The freeze packet plus a 10-byte tag: its extension block overruns, yet what fails is
  // authentication, quickly, as it does for every forged packet.
  const forged = Buffer.concat([FREEZE_PACKET, randomBytes(10)])
  const r = timed(() => b.decrypt(forged))
  assert.instance(r.error, SrtpAuthenticationError, 'forged packet: authentication error')
  assert.ok(r.ms < HANG_MS, `took ${r.ms.toFixed(1)} ms`)
  // A well-formed extension block whose element overruns it: still an authentication error.
  const badElement = Buffer.concat([
    Buffer.from('906000010000000012345678bede00011f000000aabbccdd', 'hex'),
    randomBytes(10),
  ])
  assert.instance(timed(() => b.decrypt(badElement)).error, SrtpAuthenticationError)
  // And a genuine packet with extensions goes through, extensions parsed after decryption.
  const header = new RtpHeader({payloadType: 111, sequenceNumber: 100, timestamp: 9, ssrc: 77})
  header.extensions = [{id: 2, payload: Buffer.from([5, 6])}]
  const plain = RtpPacket.deSerialize(b.decrypt(a.encrypt(Buffer.from('opus frame'), header)))
  assert.is(plain.payload.toString(), 'opus frame')
  assert.equal(
    plain.header.extensions.map((e) => [e.id, [...e.payload]]),
    [[2, [5, 6]]],
  )
})

test('RtcpPacketConverter: a length field past the compound packet throws', () => {
  const rr = new RtcpRrPacket({ssrc: 5, reports: []}).serialize()
  assert.is(RtcpPacketConverter.deSerialize(rr).length, 1, 'a valid RR parses')
  const lying = Buffer.from(rr)
  lying.writeUInt16BE(0xffff, 2)
  assert.throws(() => RtcpPacketConverter.deSerialize(lying), /RTCP length 65535 overruns/)
  assert.throws(
    () => RtcpPacketConverter.deSerialize(Buffer.concat([rr, Buffer.from([0x81, 0xc9])])),
    /RTCP header overruns/,
  )
  const padded = Buffer.from('a0c9000100000005', 'hex') // padding bit, count byte 5 > 4-byte payload
  assert.throws(() => RtcpPacketConverter.deSerialize(padded), /RTCP padding/)
})

interface StunCase {
  what: string
  username?: string
  password?: string
  fingerprint?: boolean
  method?: number
}

function bindingRequest(c: StunCase & {controlling?: bigint; controlled?: bigint}): Message {
  const m = new Message(c.method ?? methods.BINDING, classes.REQUEST)
  if (c.username !== undefined) m.setAttribute('USERNAME', c.username)
  m.setAttribute('PRIORITY', 1853824767)
  if (c.controlling !== undefined) m.setAttribute('ICE-CONTROLLING', c.controlling)
  if (c.controlled !== undefined) m.setAttribute('ICE-CONTROLLED', c.controlled)
  if (c.password !== undefined) m.addMessageIntegrity(Buffer.from(c.password, 'utf8'))
  if (c.fingerprint !== false) m.addFingerprint()
  return m
}

/** A werift ICE agent on an ephemeral port; its STUN server option points at a silent
 *  loopback socket, so gathering sends nothing off this machine. */
async function iceAgent(silent: UdpProber): Promise<{conn: Connection; port: number}> {
  const conn = new Connection(false, {stunServer: ['127.0.0.1', silent.port], useIpv4: true, useIpv6: false})
  void conn.gatherCandidates().catch(() => undefined)
  const deadline = Date.now() + 5000
  while (!conn.localCandidates.some((c) => c.type === 'host')) {
    if (Date.now() > deadline) throw new Error('the ICE agent gathered no host candidate within 5 s')
    await new Promise((r) => setTimeout(r, 20))
  }
  return {conn, port: conn.localCandidates.find((c) => c.type === 'host')!.port}
}

test('Connection: unauthenticated binding requests get no answer at all; authenticated ones do', async () => {
  const silent = await UdpProber.open()
  const prober = await UdpProber.open()
  const {conn, port} = await iceAgent(silent)
  try {
    const ufrag = conn.localUsername
    const pwd = conn.localPassword
    const unauthenticated: StunCase[] = [
      {
        what: "USERNAME x:y, no MESSAGE-INTEGRITY, no FINGERPRINT (the issue's 28-byte request)",
        username: 'x:y',
        fingerprint: false,
      },
      {what: 'USERNAME x:y, random MESSAGE-INTEGRITY', username: 'x:y', password: randomBytes(16).toString('hex')},
      {
        what: 'our ufrag, MESSAGE-INTEGRITY with a wrong password',
        username: `${ufrag}:peer`,
        password: 'not-the-password-at-all',
      },
      {what: 'our ufrag and password, no FINGERPRINT', username: `${ufrag}:peer`, password: pwd, fingerprint: false},
      {what: 'no USERNAME, valid MESSAGE-INTEGRITY', password: pwd},
      {what: 'USERNAME without a colon', username: ufrag, password: pwd},
      {what: 'an Allocate request without integrity', username: 'x:y', method: methods.ALLOCATE},
    ]
    for (const c of unauthenticated) await prober.send(bindingRequest(c).bytes, port)
    // Then a valid request from the same socket. The agent handles datagrams in order, so a
    // response or triggered check to any of the attacks would arrive before this answer:
    // waiting for the answer bounds the wait without a fixed sleep.
    const good = bindingRequest({what: 'valid', username: `${ufrag}:peer`, password: pwd})
    await prober.send(good.bytes, port)
    const isAnswer = (r: {data: Buffer}) =>
      r.data.subarray(8, 20).equals(good.transactionId) && r.data.readUInt16BE(0) === 0x0101
    const answered = await prober.waitForReply(isAnswer, 3000)
    assert.equal(
      prober.replies.slice(0, Math.max(0, prober.replies.findIndex(isAnswer))).map((r) => r.data.length),
      [],
      `no response, no triggered check: ${unauthenticated.map((c) => c.what).join('; ')}`,
    )
    assert.ok(answered, 'an authenticated binding request gets a success response')
  } finally {
    await conn.close()
    prober.close()
    silent.close()
  }
})

test('Connection: role conflicts are resolved by tie-breaker (RFC 8445 §7.3.1.1), and still answered', async () => {
  const silent = await UdpProber.open()
  const prober = await UdpProber.open()
  const {conn, port} = await iceAgent(silent)
  try {
    const auth = {what: 'role', username: `${conn.localUsername}:peer`, password: conn.localPassword}
    const ask = async (extra: {controlling?: bigint; controlled?: bigint}): Promise<number> => {
      const tx = bindingRequest({...auth, ...extra})
      await prober.send(tx.bytes, port)
      const match = (r: {data: Buffer}) => r.data.subarray(8, 20).equals(tx.transactionId)
      if (!(await prober.waitForReply(match, 3000))) return 0
      return prober.replies.find(match)!.data.readUInt16BE(0)
    }
    assert.is(conn.iceControlling, false)
    // Both controlled, their tie-breaker 0 <= ours: we switch to controlling AND answer
    // (werift used to switch and drop the request).
    assert.is(await ask({controlled: 0n}), 0x0101, 'success response after switching to controlling')
    assert.is(conn.iceControlling, true)
    // Both controlling, ours >= their 0: we keep our role and answer 487 Role Conflict.
    assert.is(await ask({controlling: 0n}), 0x0111, 'error response (487)')
    assert.is(conn.iceControlling, true)
    // Both controlling, theirs is the maximum: we switch to controlled and answer.
    assert.is(await ask({controlling: 2n ** 64n - 1n}), 0x0101)
    assert.is(conn.iceControlling, false)
  } finally {
    await conn.close()
    prober.close()
    silent.close()
  }
})

/** One DTLS 1.2 record: content type, epoch, a body, its length field telling the truth. */
function dtlsRecord(contentType: number, epoch: number, body: Buffer): Buffer {
  const header = Buffer.alloc(13)
  header[0] = contentType
  header.writeUInt16BE(0xfefd, 1)
  header.writeUInt16BE(epoch, 3)
  header.writeUInt16BE(body.length, 11)
  return Buffer.concat([header, body])
}

test('DtlsSocket: a record of an unknown content type is dropped, not taken for an alert', () => {
  // werift answered any content type it did not know (24-63 pass the RFC 7983 demultiplexer as
  // DTLS) as if it were a close alert: one datagram of noise from a peer's address ended the
  // session. Found by test/sfu/live-fuzz.test.ts (seed 752416142).
  const transport = {onData: undefined as ((data: Buffer) => void) | undefined, send: async () => undefined, close() {}}
  const socket = new DtlsSocket({transport} as never, 'server' as never)
  let closes = 0
  socket.onClose.subscribe(() => closes++)
  socket.connected = true
  assert.type(transport.onData, 'function', 'the DTLS socket reads from its transport')
  transport.onData!(dtlsRecord(24, 1, Buffer.from([1, 0, 0])))
  transport.onData!(Buffer.concat([dtlsRecord(22, 1, randomBytes(40)), dtlsRecord(63, 2, randomBytes(8))]))
  assert.is(closes, 0, 'werift is not patched: an unknown DTLS content type closed the transport')
})

test.run()
