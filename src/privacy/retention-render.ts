// Human-readable output of `retention check` and `retention apply` (the --json shapes are
// the result objects themselves, documented in docs/privacy.md).
import type {RetentionApply} from './retention-apply.js'
import type {RetentionCheck} from './retention-check.js'
import type {KeptGroup} from './retention-scan.js'

const keptText = (k: Pick<KeptGroup, 'reason' | 'hold' | 'records'>) =>
  `kept ${k.records} record(s): ${k.reason}${k.hold ? ` [${k.hold}]` : ''}`

export function checkLines(r: RetentionCheck): string[] {
  const out: string[] = []
  for (const s of r.stores) {
    if (!s.reachable) out.push(`${s.store}: NOT REACHABLE (${s.message})`)
    for (const c of s.collections) {
      const head = `${s.store}/${c.collection}: ${c.retention} from ${c.countsFrom}`
      if (c.unchecked) out.push(`${head}: not checked: ${c.unchecked}`)
      else
        out.push(
          `${head} (before ${c.cutoff.slice(0, 10)}): ${c.overdue ? `${c.overdue} record(s) PAST RETENTION (${c.strategy})` : 'ok'}${c.anonymised ? `, ${c.anonymised} older record(s) already anonymised` : ''}`,
        )
      for (const k of c.kept ?? []) out.push(`  ${keptText(k)}`)
    }
  }
  out.push(r.passed ? 'retention check passed.' : 'retention check FAILED.')
  return out
}

export function applyLines(r: RetentionApply): string[] {
  const out: string[] = []
  for (const s of r.stores) {
    if (!s.reachable) out.push(`${s.store}: NOT REACHABLE (${s.message}); run again when it answers`)
    for (const c of s.collections) {
      const where = `${s.store}/${c.collection}`
      if (c.unchecked) out.push(`${where}: not checked: ${c.unchecked}`)
      if (c.records)
        out.push(
          `${where}: ${c.records} record(s) past retention -> ${c.action}${c.changed === undefined ? '' : ` (${c.changed} changed)`}`,
        )
      for (const k of c.skipped) out.push(`${where}: skipped: ${keptText(k)}`)
      if (c.failed) out.push(`${where}: FAILED: ${c.failed}`)
    }
  }
  if (r.order.length > 1) out.push(`order (children before parents): ${r.order.join(', ')}`)
  if (!r.execute) out.push('(plan only: run again with --execute to carry it out)')
  else out.push(`retention applied: ${r.status}.`)
  return out
}
