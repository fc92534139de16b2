// Carrying out an erasure: resume what the journal has pending, then search again and
// journal + apply whatever erasable data is still found, until a search finds nothing
// more (or a store is down, which leaves the request `partial` for a later rerun). A store
// that refuses a step (a constraint, a permission, a missing table) leaves the request
// `failed` with the store's words; `--replan` replaces what is pending with a fresh plan.
import {BadInputError, StoreRefusedError, UnreachableError} from '../errors.js'
import {appendAudit} from './audit-log.js'
import {findCollection} from './datamap-types.js'
import {loadDependencies, withKeyReferences} from './erasure-dependencies.js'
import {eraserFor} from './erasure-values.js'
import {isPending, journalAppend, journalClose, journalMark, journalSteps, type JournalStep} from './erasure-journal.js'
import {planErasure, type ErasurePlan} from './erasure-plan.js'
import {listHolds, type Hold} from './holds.js'
import type {PrivacyContext} from './privacy-context.js'
import {setRequestStatus, setStoreStatus} from './request-register.js'
import type {RequestScope} from './request-scope.js'
import {searchSubject} from './subject-search.js'

export interface ErasureFailure {
  seq?: number
  store?: string
  collection?: string
  message: string
  /** `store`: the store refused (exit 3); `datamap`: the datamap names what is not there, or cannot be ordered (exit 2). */
  side: 'store' | 'datamap'
}

export interface ErasureResult {
  request: string
  status: 'done' | 'partial' | 'failed'
  applied: Array<{seq: number; store: string; collection: string; summary: string; changed: number}>
  /** Collections in the order their steps ran (children first) in the last plan. */
  order: string[]
  notes: string[]
  failed?: ErasureFailure
  stores: Array<{
    store: string
    status: 'done' | 'unreachable' | 'nothing-found' | 'failed'
    message?: string
    changed: number
    kept: Array<{collection: string; records: number; reason: string; hold?: string}>
  }>
}

/** Test hook (see docs/privacy.md): CONFCTL_TEST_KILL_AT=applying:N | done:N kills this process at that point of step N. */
function testHook(stage: 'applying' | 'done', seq: number): void {
  if (process.env.CONFCTL_TEST_KILL_AT === `${stage}:${seq}`) process.kill(process.pid, 'SIGKILL')
}

/** The fresh plan from the datamap, the stores' foreign keys and what the search finds now. */
async function planNow(ctx: PrivacyContext, scope: RequestScope, holds: Hold[]): Promise<ErasurePlan> {
  const deps = await loadDependencies(scope.map, scope.conns)
  const hits = await searchSubject(withKeyReferences(scope.map, deps), scope.ids, scope.conns)
  return planErasure(scope.map, hits, deps, scope.conns, holds, scope.hashes, ctx.key)
}

export async function planOnly(ctx: PrivacyContext, scope: RequestScope): Promise<ErasurePlan> {
  return planNow(ctx, scope, await listHolds(ctx.db))
}

function refuseClosed(scope: RequestScope): void {
  if (scope.req.status === 'cancelled')
    throw new BadInputError(`request '${scope.req.id}' was cancelled (see 'confctl dsar show ${scope.req.id}').`)
}

/** A refusal by a store or the datamap, as opposed to a bug: a store's error, an unorderable plan, a file it may not touch. */
function asRefusal(err: unknown, store?: string): StoreRefusedError | undefined {
  if (err instanceof StoreRefusedError) return err
  if (err instanceof BadInputError) return new StoreRefusedError(err.message.replace(/\.$/, ''), 'datamap')
  const e = err as NodeJS.ErrnoException
  if (store && e?.code && /^(EACCES|EPERM|EROFS|ENOENT|ENOTDIR|EISDIR|ENOTEMPTY)$/.test(e.code))
    return new StoreRefusedError(`store '${store}' refused: ${e.message}`, 'store')
  return undefined
}

export interface Replanned {
  superseded: number
  firstSeq: number | null
  plan: ErasurePlan
}

/** Replaces every step not yet done with a fresh plan (applied steps stay applied), in one
 *  transaction with its 'erasure.replanned' audit entry. */
export async function replanErasure(ctx: PrivacyContext, scope: RequestScope): Promise<Replanned> {
  refuseClosed(scope)
  const {req} = scope
  const plan = await planNow(ctx, scope, await listHolds(ctx.db))
  return ctx.db.tx(async (t) => {
    const superseded = await journalClose(t, req.id, 'superseded')
    const firstSeq = plan.steps.length ? await journalAppend(t, ctx.key, req.id, plan.steps) : null
    const anyDone = (await journalSteps(t, ctx.key, req.id)).some((s) => s.status === 'done')
    await setRequestStatus(t, req.id, anyDone ? 'partial' : 'open')
    await appendAudit(t, ctx.key, ctx.actor, {
      event: 'erasure.replanned',
      requestId: req.id,
      subjects: scope.hashes,
      details: {superseded, steps: plan.steps.length, firstSeq, order: plan.order},
    })
    return {superseded, firstSeq, plan}
  })
}

export async function executeErasure(ctx: PrivacyContext, scope: RequestScope): Promise<ErasureResult> {
  refuseClosed(scope)
  const {req, conns, map} = scope
  const holds = await listHolds(ctx.db)
  const applied: ErasureResult['applied'] = []
  const changedBy = new Map<string, number>()
  const kept = new Map<string, ErasureResult['stores'][number]['kept']>()
  let order: string[] = []
  let notes: string[] = []
  let failed: ErasureFailure | undefined
  await appendAudit(ctx.db, ctx.key, ctx.actor, {event: 'erasure.started', requestId: req.id, subjects: scope.hashes})

  let current: JournalStep | undefined
  try {
    for (let round = 0; round < 4; round++) {
      // 1. Pending journal steps, in order (the order they were planned in: children first).
      for (const step of (await journalSteps(ctx.db, ctx.key, req.id)).filter(isPending)) {
        const conn = await conns.get(step.store)
        const coll = findCollection(map, step.store, step.collection)
        if (!conn || !coll) continue // store down (or gone from the datamap): stays pending
        current = step
        if (step.status !== 'applying') await journalMark(ctx.db, req.id, step.seq, 'applying')
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
      current = undefined
      // 2. Search again; whatever erasable is still there becomes new journaled steps.
      const plan = await planNow(ctx, scope, holds)
      order = plan.order
      notes = plan.notes
      for (const s of plan.stores)
        kept.set(
          s.store,
          s.collections.flatMap((c) =>
            c.kept
              ? [{collection: c.collection, records: c.records, reason: c.kept.reason, hold: c.kept.hold}]
              : (c.keptRecords ?? []).map((k) => ({collection: c.collection, ...k})),
          ),
        )
      if (plan.steps.length === 0 || round === 3) break // still found after 3 rounds: verify reports it
      await journalAppend(ctx.db, ctx.key, req.id, plan.steps)
    }
  } catch (err) {
    const refused = asRefusal(err, current?.store)
    if (!refused) throw err
    failed = {
      ...(current ? {seq: current.seq, store: current.store, collection: current.collection} : {}),
      message: current
        ? `step ${current.seq} (${current.store}/${current.collection}: ${current.summary}) failed: ${refused.message}`
        : `the erasure could not be planned: ${refused.message}`,
      side: refused.side,
    }
  }

  const pending = (await journalSteps(ctx.db, ctx.key, req.id)).filter(isPending)
  const stores: ErasureResult['stores'] = []
  for (const s of map.stores) {
    const down = conns.downReason(s.name)
    const changed = changedBy.get(s.name) ?? 0
    const status =
      failed?.store === s.name
        ? 'failed'
        : down || pending.some((p) => p.store === s.name)
          ? 'unreachable'
          : changed > 0
            ? 'done'
            : 'nothing-found'
    const message = status === 'failed' ? failed!.message : down
    stores.push({store: s.name, status, message, changed, kept: kept.get(s.name) ?? []})
  }
  const status = failed ? 'failed' : stores.some((s) => s.status === 'unreachable') ? 'partial' : 'done'
  // The request's and stores' state and the audit entry, both or neither.
  await ctx.db.tx(async (t) => {
    if (failed?.seq !== undefined) await journalMark(t, req.id, failed.seq, 'failed')
    for (const s of stores)
      await setStoreStatus(
        t,
        req.id,
        s.store,
        s.status === 'unreachable' || s.status === 'failed' ? s.status : 'done',
        s.message ?? null,
      )
    await setRequestStatus(t, req.id, status)
    await appendAudit(t, ctx.key, ctx.actor, {
      event: `erasure.${status}`,
      requestId: req.id,
      subjects: scope.hashes,
      details: {
        ...(failed
          ? {
              failed: {
                step: failed.seq ?? null,
                store: failed.store ?? null,
                collection: failed.collection ?? null,
                side: failed.side,
              },
            }
          : {}),
        stores: Object.fromEntries(
          stores.map((s) => [
            s.store,
            {status: s.status, changed: s.changed, kept: s.kept.reduce((n, k) => n + k.records, 0)},
          ]),
        ),
      },
    })
  })
  return {request: req.id, status, applied, order, notes, ...(failed ? {failed} : {}), stores}
}
