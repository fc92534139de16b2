// test-kind: per-core flood (latency bounds under a packet flood)
// Issue 9's UDP reproducers against a real node process and real libwebrtc peers: the
// 26-byte RTP packet that froze the node, the plaintext close_notify that cut a subscriber
// for good, and the unauthenticated STUN request that was answered and amplified. Sent
// from 127.0.0.1 (an address ICE never validated) and, where it matters, again from an
// address that passed ICE, so each werift fix is exercised, not just the address filter.
// (That a genuine, encrypted close_notify still closes: test/werift/dtls-close.test.ts.)
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {classes, Message, methods} from 'werift'
import {framesDecoded, framesKeepComing, healthzLatencyMs, startLiveRoom, type LiveRoom} from '../helpers/live-room.js'
import {authenticatedRequest, isSuccessFor, UdpProber} from '../helpers/udp-prober.js'

const FREEZE_PACKET = Buffer.from('906000010000000012345678bedeffff00000000000000000000', 'hex')
const CLOSE_NOTIFY = Buffer.from('15fefd000000000000000100020100', 'hex')
/** The 28-byte binding request: USERNAME "x:y", no MESSAGE-INTEGRITY. */
const NO_INTEGRITY = Buffer.from('000100082112a442' + '070707070707070707070707' + '00060003783a7900', 'hex')
/** A DTLS-range first byte (RFC 7983) but no content type DTLS knows (24): werift took it
 *  for a close alert and ended the session. Found by the live fuzzer (seed 752416142). */
const UNKNOWN_CONTENT_TYPE = Buffer.from('18fefd0001' + '000000000000' + '0003' + '010000', 'hex')
const HEALTHZ_LIMIT_MS = 100
/** Frames the subscriber must decode after an attack: 2 s of the publisher's 20 fps. */
const MORE_FRAMES = 40

let live: LiveRoom

test.before(async () => {
  live = await startLiveRoom()
  assert.ok(await framesKeepComing(live.subscriber, 0, 10, 15_000), 'the subscriber decodes video before any attack')
})

test.after(async () => {
  await live?.close()
})

/** Sends `count` copies of `packet` to each port in batches, probing /healthz all along. */
async function flood(prober: UdpProber, packet: Buffer, ports: number[], count: number): Promise<number[]> {
  const latencies: number[] = []
  let sending = true
  const probing = (async () => {
    while (sending) latencies.push(await healthzLatencyMs(live.node))
  })()
  const batch = 100
  for (let sent = 0; sent < count; sent += batch) {
    for (let i = 0; i < batch && sent + i < count; i++) await prober.send(packet, ports[(sent + i) % ports.length]!)
    await new Promise((r) => setTimeout(r, 10)) // ~10k packets/s: the flood lasts ~1 s, long enough to probe
  }
  // Packets still queued in the node's socket are handled after the last send: probe on a little.
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 20))
  sending = false
  await probing
  return latencies
}

function assertResponsive(latencies: number[], what: string): void {
  const sorted = [...latencies].sort((a, b) => a - b)
  const p95 = sorted[Math.floor(sorted.length * 0.95)]!
  const slowest = sorted.at(-1)!
  console.log(
    `${what}: ${latencies.length} /healthz probes, p95 ${p95.toFixed(1)} ms, slowest ${slowest.toFixed(1)} ms`,
  )
  assert.ok(latencies.length >= 5, `${what}: /healthz was probed ${latencies.length} times during the flood`)
  // A frozen node answers no probe for as long as it is frozen (the 26-byte packet: 134 s). On
  // a loaded 2-core machine a few probes lose a scheduling slice (3 of 300 took 111-153 ms next
  // to a browser test), so up to 5 % of them (at least one) may pass the limit, none 1 s.
  const slow = latencies.filter((ms) => ms >= HEALTHZ_LIMIT_MS).length
  assert.ok(
    slow <= Math.max(1, latencies.length * 0.05) && slowest < 1000,
    `${what}: /healthz took ${latencies.map((ms) => ms.toFixed(0)).join(', ')} ms (${slow} over ${HEALTHZ_LIMIT_MS} ms; at most 5 % may be, none over 1000 ms)`,
  )
}

test('10,000 copies of the 26-byte RTP packet: /healthz answers within 100 ms (95 %) and never freezes, frames keep decoding', async () => {
  const prober = await UdpProber.open()
  try {
    const before = await framesDecoded(live.subscriber)
    const latencies = await flood(
      prober,
      FREEZE_PACKET,
      [live.publisherSession.port, live.subscriberSession.port],
      10_000,
    )
    assertResponsive(latencies, '26-byte packets')
    assert.ok(
      await framesKeepComing(live.subscriber, before, MORE_FRAMES, 10_000),
      'the subscriber keeps decoding frames',
    )
    assert.is(live.subscriber.pc.connectionState, 'connected')
  } finally {
    prober.close()
  }
})

test("a plaintext close_notify to the subscriber's port: its frames keep decoding", async () => {
  const prober = await UdpProber.open()
  try {
    for (const port of [live.subscriberSession.port, live.publisherSession.port]) await prober.send(CLOSE_NOTIFY, port)
    const before = await framesDecoded(live.subscriber)
    assert.ok(
      await framesKeepComing(live.subscriber, before, MORE_FRAMES, 10_000),
      'frames keep decoding after the alert',
    )
    assert.is(live.subscriber.pc.connectionState, 'connected')
  } finally {
    prober.close()
  }
})

test('STUN without valid integrity gets no response at all; with it, a success response', async () => {
  const prober = await UdpProber.open()
  try {
    const s = live.publisherSession
    const wrongPassword = new Message(methods.BINDING, classes.REQUEST)
      .setAttribute('USERNAME', `${s.ufrag}:attacker`)
      .addMessageIntegrity(Buffer.from('a-password-we-guessed', 'utf8'))
      .addFingerprint()
    const randomIntegrity = Buffer.concat([
      NO_INTEGRITY.subarray(0, 28),
      Buffer.from('000800140123456789abcdef0123456789abcdef01234567', 'hex'),
    ])
    randomIntegrity.writeUInt16BE(8 + 24, 2)
    for (const attack of [NO_INTEGRITY, randomIntegrity, wrongPassword.bytes]) await prober.send(attack, s.port)
    // Then a valid request from the same socket. The node handles datagrams in order, so a
    // response or triggered check to any of the attacks would reach us before this answer:
    // waiting for the answer bounds the wait without a fixed sleep.
    const tx = authenticatedRequest(s)
    await prober.send(tx.bytes, s.port)
    assert.ok(await prober.waitForReply(isSuccessFor(tx), 5000), 'an authenticated binding request is answered')
    const answered = prober.replies.findIndex((r) => isSuccessFor(tx)(r))
    assert.equal(
      prober.replies.slice(0, answered).map((r) => `${r.data.length} B`),
      [],
      'no response and no triggered check to an unauthenticated source',
    )
  } finally {
    prober.close()
  }
})

test('from an address that passed ICE: the 26-byte packets, a plaintext close_notify and an unknown DTLS record do no harm', async () => {
  // With the session's credentials (which only its real peer has) an address passes ICE,
  // so the address filter lets its packets through to the parsers and DTLS patched in werift.
  const prober = await UdpProber.open()
  try {
    for (const s of [live.publisherSession, live.subscriberSession]) {
      assert.ok(await prober.passIce(s, 3000), `port ${s.port} validated the prober's address`)
    }
    const latencies = await flood(
      prober,
      FREEZE_PACKET,
      [live.publisherSession.port, live.subscriberSession.port],
      2_000,
    )
    assertResponsive(latencies, '26-byte packets from a validated address')
    for (const port of [live.publisherSession.port, live.subscriberSession.port])
      for (const packet of [CLOSE_NOTIFY, UNKNOWN_CONTENT_TYPE]) await prober.send(packet, port)
    const before = await framesDecoded(live.subscriber)
    assert.ok(await framesKeepComing(live.subscriber, before, MORE_FRAMES, 10_000), 'frames keep decoding')
    assert.is(live.subscriber.pc.connectionState, 'connected')
  } finally {
    prober.close()
  }
})

test.run()
