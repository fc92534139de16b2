// p50 / p95 / max over a window of samples, by the nearest-rank method (the smallest value
// with at least p% of the samples at or below it): no interpolation, so every reported
// figure is one that was actually measured.

export interface Percentiles {
  p50: number
  p95: number
  max: number
  count: number
}

export function nearestRank(sorted: number[], p: number): number {
  if (sorted.length === 0) throw new Error('no samples')
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length))
  return sorted[rank - 1]!
}

export function percentiles(values: Iterable<number | null | undefined>): Percentiles | null {
  const sorted = [...values].filter((v): v is number => typeof v === 'number' && !Number.isNaN(v)).sort((a, b) => a - b)
  if (sorted.length === 0) return null
  return {
    p50: nearestRank(sorted, 50),
    p95: nearestRank(sorted, 95),
    max: sorted[sorted.length - 1]!,
    count: sorted.length,
  }
}
