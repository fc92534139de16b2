// Text for terminal cells: sanitising what participants control (display names and user
// agents come from tokens and clients, so an escape sequence in one must never reach the
// terminal), display width, and fitting a string into a column. Plus the compact number
// formats of the dashboard, each with a known maximum width.

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g
const INVISIBLE = /[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g

/** Replaces control characters with '?' and drops bidi overrides and zero-width characters. */
export function sanitize(text: string): string {
  return text.replace(CONTROL, '?').replace(INVISIBLE, '')
}

function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  )
}

const COMBINING = /\p{M}/u

function charWidth(ch: string): number {
  const cp = ch.codePointAt(0)!
  if (cp < 0x300) return 1
  if (COMBINING.test(ch)) return 0
  return isWide(cp) ? 2 : 1
}

/** Columns a (sanitised) string takes in a terminal. */
export function cellWidth(text: string): number {
  let w = 0
  for (const ch of text) w += charWidth(ch)
  return w
}

/** Cuts a string to at most `width` columns, with '…' when something was cut. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return ''
  if (cellWidth(text) <= width) return text
  let out = ''
  let w = 0
  for (const ch of text) {
    const cw = charWidth(ch)
    if (w + cw > width - 1) break
    out += ch
    w += cw
  }
  return out + '…'
}

/** Exactly `width` columns: truncated or padded on the side away from `align`. */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const t = truncate(text, width)
  const pad = Math.max(0, width - cellWidth(t))
  return align === 'left' ? t + ' '.repeat(pad) : ' '.repeat(pad) + t
}

// ---- number formats ------------------------------------------------------------------------

/** Bitrate in at most 8 columns: "0 b/s", "950 kb/s", "1.2 Mb/s", "12 Mb/s", "1.5 Gb/s". */
export function fmtBitrate(bps: number | null | undefined): string {
  if (bps === null || bps === undefined || !Number.isFinite(bps)) return '-'
  const units = ['b/s', 'kb/s', 'Mb/s', 'Gb/s', 'Tb/s']
  let v = Math.max(0, bps)
  let i = 0
  while (v >= 999.5 && i < units.length - 1) {
    v /= 1000
    i++
  }
  const num = i > 0 && v < 9.95 ? v.toFixed(1) : String(Math.round(v))
  return `${num} ${units[i]}`
}

/** A loss given in percent (0..100), as rooms and node totals carry it. */
export function fmtLossPercent(percent: number | null | undefined): string {
  return fmtLoss(percent === null || percent === undefined ? percent : percent / 100)
}

/** A fraction 0..1 as a percentage, at most 6 columns: "0.0%", "12.3%", "100%". */
export function fmtLoss(fraction: number | null | undefined): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return '-'
  const pct = fraction * 100
  return pct >= 99.95 ? '100%' : `${pct.toFixed(1)}%`
}

/** Milliseconds, at most 6 columns: "0.4", "12.3", "123", "99999". */
export function fmtMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '-'
  // 99.95 and up would print as "100.0": from there on, whole milliseconds like the rest.
  if (ms < 99.95) return ms.toFixed(1)
  return String(Math.min(Math.round(ms), 999_999))
}

export function fmtMos(mos: number | null | undefined): string {
  if (mos === null || mos === undefined || !Number.isFinite(mos)) return '-'
  return mos.toFixed(2)
}

/** A rate or count in at most 6 columns: "950", "12.3k", "123k", "1.2M". */
export function fmtCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '-'
  const v = Math.max(0, n)
  if (v < 1000) return String(Math.round(v))
  if (v < 9950) return `${(v / 1000).toFixed(1)}k`
  if (v < 999_500) return `${Math.round(v / 1000)}k`
  return `${(v / 1e6).toFixed(1)}M`
}

export function fmtPercent(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return '-'
  return `${Math.round(p)}%`
}

/** A duration in seconds, at most 6 columns: "45s", "12m05s", "3h12m", "2d03h". */
export function fmtAge(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds))
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
  if (s < 86_400) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
  return `${Math.floor(s / 86_400)}d${String(Math.floor((s % 86_400) / 3600)).padStart(2, '0')}h`
}

/** "12:03:04Z" from an ISO time. */
export function fmtClock(iso: string): string {
  return `${iso.slice(11, 19)}Z`
}
