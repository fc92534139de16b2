// Retention periods as privacy notices state them ("7d", "30 days", "6mo", "1y",
// "365d+90d" for Greenlight's inactivity rule) turned into whole days, so that
// "older than the retention" is a date comparison. A month counts 30 days and a year 365:
// rounding toward keeping less, never more, than the notice promises.

const UNIT_DAYS: Record<string, number> = {
  d: 1,
  day: 1,
  days: 1,
  w: 7,
  week: 7,
  weeks: 7,
  mo: 30,
  month: 30,
  months: 30,
  y: 365,
  year: 365,
  years: 365,
}

/** Days in a period, or undefined when the text is not a period. */
export function periodDays(text: string): number | undefined {
  let total = 0
  const parts = text.split('+').map((p) => p.trim())
  for (const part of parts) {
    const m = /^(\d+)\s*([a-z]+)$/i.exec(part)
    const unit = m ? UNIT_DAYS[m[2].toLowerCase()] : undefined
    if (!m || unit === undefined) return undefined
    total += Number(m[1]) * unit
  }
  return parts.length > 0 ? total : undefined
}
