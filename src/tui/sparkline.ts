// A sparkline of the last 60 s of a stream: the window ending at the snapshot's time is cut
// into as many buckets as there are columns (never more than there are poll intervals in the
// window, so a 1 s poll gives one column per second at most), the newest on the right; each
// bucket shows the highest sample in it, scaled to the highest sample of the window. No
// sample in a bucket: a space.

const BLOCKS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█']

/** Samples t[from..to) / v[from..to) (the whole arrays when from / to are not given). */
export interface Samples {
  readonly t: readonly number[]
  readonly v: readonly number[]
  readonly from?: number
  readonly to?: number
}

export function sparkline(
  series: Samples | undefined,
  endMs: number,
  windowMs: number,
  width: number,
  intervalMs: number,
): string {
  if (width <= 0) return ''
  const buckets = Math.max(1, Math.min(width, Math.round(windowMs / Math.max(1, intervalMs))))
  const bucketMs = windowMs / buckets
  const values: (number | null)[] = new Array(buckets).fill(null)
  if (series) {
    for (let i = series.from ?? 0, end = series.to ?? series.t.length; i < end; i++) {
      const t = series.t[i]
      if (t > endMs) continue
      // Counted back from the end, rounded: samples one interval apart (give or take a few ms
      // of jitter) land in neighbouring columns.
      const b = buckets - 1 - Math.round((endMs - t) / bucketMs)
      if (b < 0) continue
      const v = series.v[i]
      values[b] = values[b] === null ? v : Math.max(values[b]!, v)
    }
  }
  let max = 0
  for (const v of values) if (v !== null && v > max) max = v
  let out = ''
  for (const v of values) {
    if (v === null) out += ' '
    else if (max <= 0) out += BLOCKS[0]
    else out += BLOCKS[Math.min(BLOCKS.length - 1, Math.floor((v / max) * (BLOCKS.length - 1) + 0.5))]
  }
  return out.padStart(width, ' ')
}
