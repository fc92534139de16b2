// `retention apply`: erases what `retention check` finds past retention, record by record,
// with the collection's erasure strategy, through the same connector steps as `dsar erase`
// (planErasure + apply, eraserFor, describe). Held and restricted records are skipped and
// reported; `keep` collections are skipped with their law. Each applied run is audit-logged
// with counts only (no record keys, no subjects).
//
// Why no request id / journal: the dsar journal exists because a request's subjects must be
// searched again to resume. Retention needs no such memory: what is due is derived from the
// data and the clock alone, every step sets absolute values or removes by key (one
// transaction per step for databases, atomic rename for logs), so a run that is killed or
// meets a store that went down is resumed by simply running it again.
import {UnreachableError} from '../errors.js'
import {appendAudit} from './audit-log.js'
import type {Connector, FoundRecord, Match, StepAction} from './connectors/connector.js'
import type {CollectionDef, Datamap} from './datamap-types.js'
import {describe} from './erasure-plan.js'
import {eraserFor} from './erasure-values.js'
import {listHolds} from './holds.js'
import type {PrivacyContext} from './privacy-context.js'
import {scanCollection, type CollectionScan, type KeptGroup} from './retention-scan.js'
import {Connectors} from './subject-search.js'

export const SHARED_TIME_REASON =
  'has the same time as a held or restricted line of the same log, which a line rewrite cannot tell apart'

export interface RetentionApplyCollection {
  collection: string
  retention: string
  countsFrom: string
  cutoff: string
  strategy: string
  /** What happens to the records past retention: the erasure strategy, or `keep`. */
  action: string
  /** Records past retention that this run erases (or would erase). */
  records: number
  steps: string[]
  /** With --execute: records (lines, keys, files) the steps changed. */
  changed?: number
  skipped: KeptGroup[]
  unchecked?: string
}

export interface RetentionApply {
  appliedAt: string
  execute: boolean
  status: 'planned' | 'done' | 'partial'
  stores: Array<{store: string; reachable: boolean; message?: string; collections: RetentionApplyCollection[]}>
}

const isLog = (conn: Connector) => conn.store.kind === 'jsonl' || conn.store.kind === 'combined-log'

/**
 * The connector's erasure steps for the due records. SQL, Redis and directories address
 * records by key; a log rewrite addresses lines by a match, so logs match on the exact time
 * value of each due line (newer lines cannot share it), leaving out times that a kept line
 * also has (those due lines are skipped and reported).
 */
function plan(
  ctx: PrivacyContext,
  conn: Connector,
  coll: CollectionDef,
  scan: CollectionScan,
): {steps: StepAction[]; records: FoundRecord[]; skipped: KeptGroup[]} {
  let records = scan.due
  const skipped: KeptGroup[] = []
  let matches: Match[] = []
  if (isLog(conn) && scan.field) {
    const field = scan.field
    const keptTimes = new Set(scan.keptRecords.map((r) => String(r.data[field])))
    const clash = records.filter((r) => keptTimes.has(String(r.data[field])))
    if (clash.length) skipped.push({reason: SHARED_TIME_REASON, records: clash.length, keys: clash.map((r) => r.key)})
    records = records.filter((r) => !keptTimes.has(String(r.data[field])))
    matches = [{field, values: [...new Set(records.map((r) => String(r.data[field])))]}]
  }
  const steps = records.length ? conn.planErasure(coll, records, matches, eraserFor(coll, ctx.key)) : []
  return {steps, records, skipped}
}

export async function applyRetention(
  ctx: PrivacyContext,
  map: Datamap,
  execute: boolean,
  now = new Date(),
): Promise<RetentionApply> {
  const holds = await listHolds(ctx.db)
  const conns = new Connectors(map)
  const result: RetentionApply = {
    appliedAt: now.toISOString(),
    execute,
    status: execute ? 'done' : 'planned',
    stores: [],
  }
  try {
    for (const s of map.stores) {
      const out: RetentionApply['stores'][number] = {store: s.name, reachable: true, collections: []}
      result.stores.push(out)
      const conn = await conns.get(s.name)
      try {
        if (!conn) throw new UnreachableError(conns.downReason(s.name) ?? `store '${s.name}' cannot be reached.`)
        for (const c of s.collections) {
          const scan = await scanCollection(ctx, conn, c, holds, now)
          const p = plan(ctx, conn, c, scan)
          const rc: RetentionApplyCollection = {
            collection: c.name,
            retention: scan.period,
            countsFrom: scan.countsFrom,
            cutoff: scan.cutoff,
            strategy: c.erasure.strategy,
            action: c.erasure.strategy,
            records: p.records.length,
            steps: p.steps.map(describe),
            skipped: [...scan.kept, ...p.skipped],
            ...(scan.unchecked ? {unchecked: scan.unchecked} : {}),
          }
          out.collections.push(rc)
          if (!execute) continue
          rc.changed = 0
          const erase = eraserFor(c, ctx.key)
          for (const step of p.steps) rc.changed += await conn.apply(c, step, erase)
        }
      } catch (err) {
        if (!(err instanceof UnreachableError)) throw err
        conns.markDown(s.name, err.message)
        Object.assign(out, {reachable: false, message: err.message})
      }
    }
  } finally {
    await conns.closeAll()
  }
  if (execute) {
    if (result.stores.some((s) => !s.reachable)) result.status = 'partial'
    await appendAudit(ctx.db, ctx.key, ctx.actor, {
      event: result.status === 'done' ? 'retention.applied' : 'retention.partial',
      details: {
        stores: Object.fromEntries(
          result.stores.map((s) => [
            s.store,
            {
              reachable: s.reachable,
              collections: Object.fromEntries(
                s.collections.map((c) => [
                  c.collection,
                  {action: c.action, changed: c.changed ?? 0, skipped: c.skipped.reduce((n, k) => n + k.records, 0)},
                ]),
              ),
            },
          ]),
        ),
      },
    })
  }
  return result
}
