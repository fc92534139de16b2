// IP addresses as the erasure engine needs them, parsed by ipaddr.js: one canonical text
// per address (so that "2001:DB8::1" in a request finds "2001:db8:0:0::1" in a log, and an
// IPv4-mapped IPv6 address "::ffff:141.71.30.4", which nginx writes on a dual-stack socket,
// is the IPv4 address it carries), the texts an address may take in a raw log line (for
// the byte pre-filter), and truncation in the style of anonip: IPv4 keeps the first 24
// bits (last octet zeroed), IPv6 keeps the first 48 bits, which leaves a network, not a
// household.
import ipaddr from 'ipaddr.js'

type Address = ipaddr.IPv4 | ipaddr.IPv6

/** Only the notations servers write: dotted four-part decimal IPv4 (no octal "010.1.1.1",
 *  no "1.2.3" shorthand that ipaddr.js would also accept) or any IPv6 notation. */
function parse(text: string): Address | undefined {
  const t = text.trim()
  if (ipaddr.IPv4.isValidFourPartDecimal(t)) return ipaddr.IPv4.parse(t)
  if (ipaddr.IPv6.isValid(t)) return ipaddr.IPv6.parse(t)
  return undefined
}

/** IPv4-mapped IPv6 addresses count as the IPv4 address they carry. */
function unmapped(a: Address): Address {
  return a.kind() === 'ipv6' && (a as ipaddr.IPv6).isIPv4MappedAddress() ? (a as ipaddr.IPv6).toIPv4Address() : a
}

function text(a: Address): string {
  return a.kind() === 'ipv4' ? a.toString() : (a as ipaddr.IPv6).toRFC5952String()
}

/** The canonical text of an address (RFC 5952 for IPv6, dotted IPv4 for a mapped one), or
 *  undefined when `text` is not an IP address. */
export function canonicalIp(value: string): string | undefined {
  const a = parse(value)
  return a ? text(unmapped(a)) : undefined
}

/**
 * Byte strings of which at least one occurs in every usual way of writing the address in a
 * log line, so a line that holds the address in any of them is never skipped by the
 * pre-filter (a line is still only matched after parsing and comparing canonically).
 * IPv4 (or mapped): the dotted text (also inside "::ffff:a.b.c.d") and the hex pair of the
 * mapped form. IPv6: the longest non-zero group in lower and upper case, since compression
 * only drops zero groups and zero-padding only adds leading zeros; a group of the last 32
 * bits is avoided when possible because those may be written as a dotted IPv4 tail.
 */
export function ipNeedles(value: string): string[] {
  const parsed = parse(value)
  if (!parsed) return [value]
  const a = unmapped(parsed)
  if (a.kind() === 'ipv4') {
    const o = (a as ipaddr.IPv4).octets
    const hi = ((o[0] << 8) | o[1]).toString(16)
    const lo = ((o[2] << 8) | o[3]).toString(16)
    const pad = (h: string) => h.padStart(4, '0')
    const hex = [`${hi}:${lo}`, `${pad(hi)}:${pad(lo)}`]
    return [...new Set([a.toString(), ...hex, ...hex.map((h) => h.toUpperCase())])]
  }
  const parts = (a as ipaddr.IPv6).parts
  const longest = (from: number, to: number) =>
    parts
      .slice(from, to)
      .filter((p) => p !== 0)
      .map((p) => p.toString(16))
      .sort((x, y) => y.length - x.length)[0]
  const head = longest(0, 6)
  if (head) return [...new Set([head, head.toUpperCase()])]
  // Only the last 32 bits are set (e.g. "::1", "::a00:1"): they may be hex or a dotted tail.
  const dotted = [parts[6] >> 8, parts[6] & 0xff, parts[7] >> 8, parts[7] & 0xff].join('.')
  const tail = longest(6, 8)
  if (!tail) return ['::', '0:0', dotted] // the unspecified address
  return [...new Set([tail, tail.toUpperCase(), dotted])]
}

/** anonip-style truncation; text that is not an address is returned unchanged. A mapped
 *  address is truncated as IPv4 and keeps its mapped notation. */
export function truncateIp(value: string): string {
  const parsed = parse(value)
  if (!parsed) return value
  const a = unmapped(parsed)
  if (a.kind() === 'ipv4') {
    const v4 = [...(a as ipaddr.IPv4).octets.slice(0, 3), 0].join('.')
    return parsed === a ? v4 : `::ffff:${v4}`
  }
  const kept = (a as ipaddr.IPv6).parts.slice(0, 3)
  return new ipaddr.IPv6([...kept, 0, 0, 0, 0, 0]).toRFC5952String()
}
