// "Did you mean": the known name nearest to one typed, for datamap messages about tables,
// columns and fields. Same closeness rule as the unknown-command hook (at most a third of the
// letters differ, at least 2), so a suggestion is a plausible typo and never a random name.
import {distance} from 'fastest-levenshtein'

export function nearestName(typed: string, names: readonly string[]): string | undefined {
  let best: {name: string; d: number} | undefined
  for (const name of names) {
    const d = distance(typed.toLowerCase(), name.toLowerCase())
    if (!best || d < best.d) best = {name, d}
  }
  if (!best || best.name === typed) return undefined
  return best.d <= Math.max(2, Math.floor(best.name.length / 3)) ? best.name : undefined
}

/** "; did you mean 'x'?" or nothing. */
export function didYouMean(typed: string, names: readonly string[]): string {
  const n = nearestName(typed, names)
  return n ? ` (did you mean '${n}'?)` : ''
}
