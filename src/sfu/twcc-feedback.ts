// Builds transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-
// extensions-01 §3.1) from the transport sequence numbers a publisher puts on its packets
// and the times they arrived. A browser's send-side bandwidth estimator (GoogCC) needs
// these reports to raise its rate; without them it stays near its 300 kbit/s start.
//
// werift 0.24 has a receiver-side generator, but it is per m-section (not transport-wide),
// counts gaps as received, and takes its deltas from an unrounded reference time; a
// browser's estimator reads such reports as congestion. This one is transport-wide, reports
// missing packets as not received, and keeps every delta on the 250 µs grid from the
// reference time, as libwebrtc's own receiver does.

/** 64 ms, the unit of the reference time, in 250 µs delta ticks. */
const TICKS_PER_REFERENCE = 256
const TICK_US = 250
/** Bounds one report: 7 packets per 2-bit status chunk keeps it well under an MTU. */
const MAX_PACKETS_PER_REPORT = 350
/** Arrivals kept while no report goes out (a stalled timer must not grow memory). */
const MAX_PENDING = 4096

export interface TwccFeedbackOptions {
  /** Our RTCP sender SSRC (the receiver's). */
  senderSsrc: number
  /** Called for every report built; the caller sends it (SRTCP). */
  send(report: Buffer): void
}

export class TwccFeedback {
  /** Unwrapped sequence number -> arrival time in 250 µs ticks. */
  readonly #arrivals = new Map<number, number>()
  /** The next sequence number a report starts from; lower ones were reported already. */
  #nextBase: number | undefined
  #highest: number | undefined
  #lastWrapped: number | undefined
  #fbCount = 0
  #mediaSsrc = 0
  reportsSent = 0

  constructor(private readonly opts: TwccFeedbackOptions) {}

  /** Notes one packet's transport sequence number (16 bits) and its arrival time. */
  record(sequenceNumber: number, mediaSsrc: number, arrivalUs: number): void {
    const seq = this.unwrap(sequenceNumber)
    if (this.#nextBase !== undefined && seq < this.#nextBase) return // reported already
    if (this.#arrivals.size >= MAX_PENDING) return
    this.#nextBase ??= seq
    this.#highest = Math.max(this.#highest ?? seq, seq)
    // libwebrtc only takes a report whose media SSRC is one of its own send SSRCs.
    this.#mediaSsrc = mediaSsrc
    if (!this.#arrivals.has(seq)) this.#arrivals.set(seq, Math.floor(arrivalUs / TICK_US))
  }

  /** Sends reports for everything recorded since the last call. */
  flush(): void {
    while (
      this.#nextBase !== undefined &&
      this.#highest !== undefined &&
      this.#nextBase <= this.#highest &&
      this.#arrivals.size > 0
    ) {
      const report = this.build(this.#nextBase, this.#highest)
      if (!report) break
      this.opts.send(report)
      this.reportsSent++
    }
  }

  /** A 16-bit sequence number to a monotonic one (RFC 3550 A.1 style, by nearest distance). */
  private unwrap(seq: number): number {
    if (this.#lastWrapped === undefined) {
      this.#lastWrapped = seq
      return seq
    }
    const last = this.#lastWrapped
    let delta = (seq - (last & 0xffff) + 0x10000) % 0x10000
    if (delta >= 0x8000) delta -= 0x10000
    const unwrapped = last + delta
    if (unwrapped > last) this.#lastWrapped = unwrapped
    return unwrapped
  }

  /** One report from `base`; returns undefined if `base` has no received packet yet. */
  private build(base: number, highest: number): Buffer | undefined {
    // The first packet of a report must be a received one: its delta anchors the reference.
    while (base <= highest && !this.#arrivals.has(base)) base++
    if (base > highest) return undefined
    const firstTicks = this.#arrivals.get(base)!
    const reference = Math.floor(firstTicks / TICKS_PER_REFERENCE)
    let previous = reference * TICKS_PER_REFERENCE
    const symbols: number[] = []
    const deltas: Buffer[] = []
    let seq = base
    for (; seq <= highest && symbols.length < MAX_PACKETS_PER_REPORT; seq++) {
      const ticks = this.#arrivals.get(seq)
      if (ticks === undefined) {
        symbols.push(0) // not received
        continue
      }
      const delta = ticks - previous
      if (delta < -0x8000 || delta > 0x7fff) break // too far apart for one report
      if (delta >= 0 && delta <= 0xff) {
        symbols.push(1)
        deltas.push(Buffer.from([delta]))
      } else {
        symbols.push(2)
        const b = Buffer.alloc(2)
        b.writeInt16BE(delta)
        deltas.push(b)
      }
      previous = ticks
      this.#arrivals.delete(seq)
    }
    // Trailing "not received" symbols say nothing useful; the next report covers them.
    while (symbols.at(-1) === 0) {
      symbols.pop()
      seq--
    }
    this.#nextBase = seq
    return this.serialize(base, symbols, reference, Buffer.concat(deltas))
  }

  private serialize(base: number, symbols: number[], reference: number, deltas: Buffer): Buffer {
    const chunks = Buffer.alloc(Math.ceil(symbols.length / 7) * 2)
    for (let c = 0; c * 7 < symbols.length; c++) {
      // Status vector chunk, two-bit symbols: 1 1 s s s s s s s (7 symbols of 2 bits).
      let chunk = 0xc000
      for (let i = 0; i < 7; i++) chunk |= (symbols[c * 7 + i] ?? 0) << (12 - 2 * i)
      chunks.writeUInt16BE(chunk, c * 2)
    }
    const fixed = Buffer.alloc(16)
    fixed.writeUInt32BE(this.opts.senderSsrc >>> 0, 0)
    fixed.writeUInt32BE(this.#mediaSsrc >>> 0, 4)
    fixed.writeUInt16BE(base & 0xffff, 8)
    fixed.writeUInt16BE(symbols.length, 10)
    fixed.writeUIntBE(reference & 0xffffff, 12, 3)
    fixed.writeUInt8(this.#fbCount, 15)
    this.#fbCount = (this.#fbCount + 1) & 0xff
    const body = Buffer.concat([fixed, chunks, deltas])
    // RTCP packets end on a 32-bit boundary: padding bit set, last byte = padding length.
    const pad = (4 - (body.length % 4)) % 4
    const header = Buffer.alloc(4)
    header.writeUInt8(0x80 | (pad ? 0x20 : 0) | 15, 0) // V=2, P, FMT=15
    header.writeUInt8(205, 1) // RTPFB
    header.writeUInt16BE((body.length + pad) / 4, 2)
    const padding = Buffer.alloc(pad)
    if (pad) padding[pad - 1] = pad
    return Buffer.concat([header, body, padding])
  }
}
