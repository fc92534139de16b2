// Carrying out an erasure: resume what the journal has pending, then search again and
// journal + apply whatever erasable data is still found, until a search finds nothing
// more (or a store is down, which leaves the request `partial` for a later rerun).
import {UnreachableError} from '../errors.js'
import {appendAudit} from './audit-log.js'
import {findCollection} from './datamap-types.js'
import {eraserFor} from './erasure-values.js'
import {journalAppend, journalMark, journalSteps} from './erasure-journal.js'
import {planErasure, type PlanStore} from './erasure-plan.js'
import {listHolds} from './holds.js'
import type {PrivacyContext} from './privacy-context.js'
import {setRequestStatus, setStoreStatus} from './request-register.js'
import type {RequestScope} from './request-scope.js'
import {searchSubject} from './subject-search.js'

export interface ErasureResult {
  request: string
  status: 'done' | 'partial'
  applied: Array<{seq: number; store: string; collection: string; summary: string; changed: number}>
  stores: Array<{
    store: string
    status: 'done' | 'unreachable' | 'nothing-found'
    message?: string
    changed: number
    kept: Array<{collection: string; records: number; reason: string; hold?: string}>
  }>
}

/** Test hook (see docs/privacy.md): CONFCTL_TEST_KILL_AT=applying:N | done:N kills this process at that point of step N. */
function testHook(stage: 'applying' | 'done', seq: number): void {
  if (process.env.CONFCTL_TEST_KILL_AT === `${stage}:${seq}`) process.kill(process.pid, 'SIGKILL')
}

export async function planOnly(ctx: PrivacyContext, scope: RequestScope): Promise<PlanStore[]> {
  const hits = await searchSubject(scope.map, scope.ids, scope.conns)
  const {stores} = await planErasure(hits, scope.conns, await listHolds(ctx.db), scope.hashes, ctx.key)
  return stores
}

export async function executeErasure(ctx: PrivacyContext, scope: RequestScope): Promise<ErasureResult> {
  const {req, conns, map} = scope
  const holds = await listHolds(ctx.db)
  const applied: ErasureResult['applied'] = []
  const changedBy = new Map<string, number>()
  const kept = new Map<string, ErasureResult['stores'][number]['kept']>()
  await appendAudit(ctx.db, ctx.key, ctx.actor, {event: 'erasure.started', requestId: req.id, subjects: scope.hashes})

  for (let round = 0; round < 4; round++) {
    // 1. Pending journal steps, in order.
    for (const step of (await journalSteps(ctx.db, ctx.key, req.id)).filter((s) => s.status !== 'done')) {
      const conn = await conns.get(step.store)
      const coll = findCollection(map, step.store, step.collection)
      if (!conn || !coll) continue // store down (or gone from the datamap): stays pending
      if (step.status === 'planned') await journalMark(ctx.db, req.id, step.seq, 'applying')
      testHook('applying', step.seq)
      let changed: number
      try {
        changed = await conn.apply(coll, step.action, eraserFor(coll, ctx.key))
      } catch (err) {
        if (!(err instanceof UnreachableError)) throw err
        conns.markDown(step.store, err.message)
        continue
      }
      await journalMark(ctx.db, req.id, step.seq, 'done', changed)
      testHook('done', step.seq)
      applied.push({seq: step.seq, store: step.store, collection: step.collection, summary: step.summary, changed})
      changedBy.set(step.store, (changedBy.get(step.store) ?? 0) + changed)
    }
    // 2. Search again; whatever erasable is still there becomes new journaled steps.
    const hits = await searchSubject(map, scope.ids, conns)
    const plan = await planErasure(hits, conns, holds, scope.hashes, ctx.key)
    for (const s of plan.stores)
      kept.set(
        s.store,
        s.collections
          .filter((c) => c.kept)
          .map((c) => ({collection: c.collection, records: c.records, reason: c.kept!.reason, hold: c.kept!.hold})),
      )
    if (plan.steps.length === 0 || round === 3) break // still found after 3 rounds: verify reports it
    await journalAppend(ctx.db, ctx.key, req.id, plan.steps)
  }

  const pending = (await journalSteps(ctx.db, ctx.key, req.id)).filter((s) => s.status !== 'done')
  const stores: ErasureResult['stores'] = []
  for (const s of map.stores) {
    const down = conns.downReason(s.name)
    const changed = changedBy.get(s.name) ?? 0
    const status =
      down || pending.some((p) => p.store === s.name) ? 'unreachable' : changed > 0 ? 'done' : 'nothing-found'
    stores.push({store: s.name, status, message: down, changed, kept: kept.get(s.name) ?? []})
    await setStoreStatus(ctx.db, req.id, s.name, status === 'unreachable' ? 'unreachable' : 'done', down ?? null)
  }
  const status = stores.some((s) => s.status === 'unreachable') ? 'partial' : 'done'
  await setRequestStatus(ctx.db, req.id, status)
  await appendAudit(ctx.db, ctx.key, ctx.actor, {
    event: status === 'done' ? 'erasure.done' : 'erasure.partial',
    requestId: req.id,
    subjects: scope.hashes,
    details: {
      stores: Object.fromEntries(
        stores.map((s) => [
          s.store,
          {status: s.status, changed: s.changed, kept: s.kept.reduce((n, k) => n + k.records, 0)},
        ]),
      ),
    },
  })
  return {request: req.id, status, applied, stores}
}
