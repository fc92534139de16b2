// IP addresses as the erasure engine needs them: one canonical text per address (so that
// "2001:DB8::1" in a request finds "2001:db8:0:0::1" in a log), and truncation in the
// style of anonip: IPv4 keeps the first 24 bits (last octet zeroed), IPv6 keeps the first
// 48 bits (last 80 zeroed), which leaves a network, not a household.
import {isIP} from 'node:net'

function v6Groups(ip: string): number[] | undefined {
  let text = ip.toLowerCase()
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)
  if (tail) {
    const o = tail[1].split('.').map(Number)
    text = text.slice(0, -tail[1].length) + `${((o[0] << 8) | o[1]).toString(16)}:${((o[2] << 8) | o[3]).toString(16)}`
  }
  const [head, rest] = text.split('::')
  const a = head ? head.split(':') : []
  const b = rest !== undefined && rest !== '' ? rest.split(':') : []
  const fill = rest !== undefined ? 8 - a.length - b.length : 0
  const groups = [...a, ...Array(fill).fill('0'), ...b].map((g) => parseInt(g, 16))
  return groups.length === 8 && groups.every((g) => g >= 0 && g <= 0xffff) ? groups : undefined
}

function v6Text(groups: number[]): string {
  // RFC 5952: the longest run (>= 2) of zero groups becomes '::', lower-case hex.
  let best = -1
  let bestLen = 0
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++
      continue
    }
    let j = i
    while (j < 8 && groups[j] === 0) j++
    if (j - i > bestLen && j - i >= 2) {
      best = i
      bestLen = j - i
    }
    i = j
  }
  const hex = groups.map((g) => g.toString(16))
  if (best < 0) return hex.join(':')
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`
}

/** The canonical text of an address, or undefined when `text` is not an IP address. */
export function canonicalIp(text: string): string | undefined {
  const t = text.trim()
  const kind = isIP(t)
  if (kind === 4)
    return t
      .split('.')
      .map((o) => String(Number(o)))
      .join('.')
  if (kind === 6) {
    const g = v6Groups(t)
    return g ? v6Text(g) : undefined
  }
  return undefined
}

/** anonip-style truncation; text that is not an address is returned unchanged. */
export function truncateIp(text: string): string {
  const t = text.trim()
  const kind = isIP(t)
  if (kind === 4) return t.split('.').slice(0, 3).concat('0').join('.')
  if (kind === 6) {
    const g = v6Groups(t)
    return g ? v6Text([...g.slice(0, 3), 0, 0, 0, 0, 0]) : text
  }
  return text
}
