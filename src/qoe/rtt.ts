// Round-trip time from RTCP receiver reports (RFC 3550 §6.4.1, "delay since last SR"):
//   RTT = A - LSR - DLSR
// where A is the arrival time of the report, LSR the middle 32 bits of the NTP timestamp of
// the sender report it answers and DLSR the receiver's holding delay, all in 1/65536 s.

const NTP_UNIX_OFFSET_S = 2208988800 // seconds from 1900-01-01 to 1970-01-01

/** The middle 32 bits of the 64-bit NTP timestamp for a Unix time in ms ("compact NTP"). */
export function compactNtp(unixMs: number): number {
  const seconds = Math.floor(unixMs / 1000) + NTP_UNIX_OFFSET_S
  const fraction = ((unixMs % 1000) / 1000) * 65536
  return (((seconds & 0xffff) << 16) | Math.floor(fraction)) >>> 0
}

/**
 * RTT in ms, or null when the report answers no sender report yet (LSR = 0) or the result
 * is negative (clock arithmetic gone wrong, e.g. a report for an SR from a previous run).
 */
export function rttFromReceiverReport(arrivalCompactNtp: number, lsr: number, dlsr: number): number | null {
  if (lsr === 0) return null
  // Unsigned 32-bit arithmetic: the compact NTP value wraps every 65536 s.
  const units = (arrivalCompactNtp - lsr - dlsr) >>> 0
  if (units > 0x80000000) return null
  return (units / 65536) * 1000
}

/**
 * RTT in ms when the sender remembers the local time at which it sent the SR the report
 * answers: A - LSR becomes "now - send time", so only DLSR is read from the wire.
 * Used where the SR's NTP timestamp cannot be trusted to be a true NTP value.
 */
export function rttFromSendTime(arrivalMs: number, srSentAtMs: number, dlsr: number): number | null {
  const rtt = arrivalMs - srSentAtMs - (dlsr / 65536) * 1000
  return rtt >= 0 ? rtt : null
}
