// `datamap check` as text: one line per finding (file:line: 'key' what), the fix under it,
// then one line per store and the verdict.
import {findingLine} from './datamap-check.js'
import type {DatamapCheckReport} from './datamap-check-types.js'

export function datamapCheckLines(r: DatamapCheckReport): string[] {
  const lines: string[] = []
  for (const f of [...r.findings].sort((a, b) => (a.level === b.level ? 0 : a.level === 'error' ? -1 : 1))) {
    lines.push(findingLine(f))
    if (f.fix) lines.push(`  fix: ${f.fix}`)
  }
  if (lines.length) lines.push('')
  for (const s of r.stores) {
    if (!s.reachable) lines.push(`${s.store} (${s.kind}): NOT CHECKED: ${s.message ?? 'cannot be reached'}`)
    else {
      const indexed = s.lookups.filter((l) => l.index).length
      const lookups = s.lookups.length ? `, ${indexed} of ${s.lookups.length} lookup column(s) indexed` : ''
      lines.push(`${s.store} (${s.kind}): ${s.checked.length} collection(s) checked${lookups}`)
    }
  }
  const errors = r.findings.filter((f) => f.level === 'error').length
  const warnings = r.findings.length - errors
  const down = r.stores.filter((s) => !s.reachable).length
  lines.push(
    errors
      ? `datamap check FAILED: ${errors} error(s), ${warnings} warning(s).`
      : down
        ? `datamap check incomplete: ${down} store(s) could not be reached; ${warnings} warning(s).`
        : `datamap matches the stores: ${warnings} warning(s).`,
  )
  return lines
}
