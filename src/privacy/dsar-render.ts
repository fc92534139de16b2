// Human-readable renderings of request results for the dsar/hold/audit commands (the
// --json shapes are the result objects themselves, documented in docs/privacy.md).
import type {ErasurePlan} from './erasure-plan.js'
import type {ErasureResult} from './erasure-run.js'
import {daysLeft, type DsarRequest} from './request-register.js'
import type {VerifyResult} from './erasure-verify.js'

export function requestLines(r: DsarRequest): string[] {
  const left = daysLeft(r)
  return [
    `${r.id}  ${r.type}  ${r.status}`,
    `  received ${r.receivedAt.slice(0, 10)}, due ${r.dueAt.slice(0, 10)} (${left < 0 ? `${-left} day(s) overdue` : `${left} day(s) left`})${r.extendedReason ? `, extended: ${r.extendedReason}` : ''}`,
    `  subjects: ${r.subjects.map((s) => `${s.type}#${s.hash.slice(0, 12)}`).join(', ')}`,
    ...(r.note ? [`  note: ${r.note}`] : []),
    ...r.stores.map((s) => `  store ${s.store}: ${s.status}${s.message ? ` (${s.message})` : ''}`),
  ]
}

export function planLines(plan: Pick<ErasurePlan, 'stores' | 'order' | 'notes'>): string[] {
  const out: string[] = []
  for (const s of plan.stores) {
    if (!s.reachable) out.push(`${s.store}: NOT REACHABLE (${s.message}); it will be planned when it answers`)
    for (const c of s.collections) {
      if (c.kept)
        out.push(
          `${s.store}/${c.collection}: keep ${c.records} record(s): ${c.kept.reason}${c.kept.hold ? ` [${c.kept.hold}]` : ''}`,
        )
      else for (const step of c.steps) out.push(`${s.store}/${c.collection}: ${step}`)
      for (const k of c.keptRecords ?? [])
        out.push(`${s.store}/${c.collection}: keep ${k.records} record(s): ${k.reason}${k.hold ? ` [${k.hold}]` : ''}`)
    }
  }
  if (out.length === 0) return ['nothing of this subject was found.']
  if (plan.order.length > 1) out.push(`order (children before parents): ${plan.order.join(', ')}`)
  for (const n of plan.notes) out.push(`note: ${n}`)
  return out
}

export function erasureLines(r: ErasureResult): string[] {
  return [
    ...r.applied.map((a) => `step ${a.seq} ${a.store}/${a.collection}: ${a.summary} -> ${a.changed} changed`),
    ...r.stores.flatMap((s) => [
      `${s.store}: ${s.status}${s.message ? ` (${s.message})` : ''}`,
      ...s.kept.map((k) => `  kept ${k.collection}: ${k.records} record(s): ${k.reason}`),
    ]),
    `request ${r.request}: ${r.status}`,
  ]
}

export function verifyLines(v: VerifyResult): string[] {
  const out: string[] = []
  for (const s of v.stores) {
    if (!s.reachable) out.push(`${s.store}: NOT REACHABLE (${s.message})`)
    for (const r of s.remaining)
      out.push(`${s.store}/${r.collection}: STILL PRESENT ${r.key} (found via ${r.via.join(', ')})`)
    for (const k of s.kept) out.push(`${s.store}/${k.collection}: kept ${k.key}: ${k.reason}`)
    for (const u of s.unsearchable)
      out.push(`${s.store}/${u.collection}: NOT SEARCHED ${u.path} ${u.reason}; it may still hold the subject's data`)
  }
  if (v.pendingSteps)
    out.push(
      `${v.pendingSteps} journaled step(s) not applied yet; run 'confctl dsar erase ${v.request} --execute' again.`,
    )
  out.push(
    v.ok
      ? `verified: nothing of the subject remains in request ${v.request} except what is listed as kept.`
      : `verification FAILED for request ${v.request}.`,
  )
  return out
}
