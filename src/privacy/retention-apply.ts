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
//
// Collections run children before parents (the stores' foreign keys and the datamap's
// references, as `dsar erase`); a due parent row that a row retention leaves in place still
// references is skipped and reported instead of tripping the constraint. SQL collections are
// planned (and applied) page by page, so memory stays flat however many rows are due. A store
// that refuses a step stops the run: `failed`, with the store's words.
import {StoreRefusedError, UnreachableError} from '../errors.js'
import {appendAudit} from './audit-log.js'
import type {Connector, FoundRecord, Match, StepAction} from './connectors/connector.js'
import {findCollection, type CollectionDef, type Datamap} from './datamap-types.js'
import {collectionId, loadDependencies, type Dependency} from './erasure-dependencies.js'
import {erasureOrder} from './erasure-order.js'
import {describe} from './erasure-plan.js'
import {eraserFor} from './erasure-values.js'
import {holdFor, listHolds, type Hold} from './holds.js'
import type {PrivacyContext} from './privacy-context.js'
import {cutoffFor, scanCollection, type CollectionScan, type KeptGroup} from './retention-scan.js'
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
  /** The store refused a step here (the run stopped). */
  failed?: string
}

export interface RetentionApply {
  appliedAt: string
  execute: boolean
  status: 'planned' | 'done' | 'partial' | 'failed'
  /** Collections in the order they ran (children first). */
  order: string[]
  /** Why the run stopped: a store's refusal. Exit 3 (2 when the datamap names what is not there). */
  failed?: {store: string; collection: string; message: string; side: 'store' | 'datamap'}
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

export const referencedReason = (child: string, key: string) =>
  `still referenced (${key}) by record(s) of ${child} that retention leaves in place, so it cannot be deleted`

/** Due parent records that a child row which stays still points at (restricting single-column keys). */
async function pinned(
  conns: Connectors,
  map: Datamap,
  edges: Dependency[],
  freed: Map<string, Set<string>>,
  coll: CollectionDef,
  due: FoundRecord[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>()
  for (const e of edges) {
    if (!e.restricts || e.parent.store !== coll.store || e.parent.collection !== coll.name) continue
    if (e.child.fields.length !== 1) continue
    const child = findCollection(map, e.child.store, e.child.collection)
    const conn = child && (await conns.get(e.child.store))
    if (!child || !conn) continue
    const pf = e.parent.fields[0]!
    const values = [
      ...new Set(
        due
          .map((r) => r.data[pf])
          .filter((v) => v !== null && v !== undefined)
          .map(String),
      ),
    ]
    if (!values.length) continue
    const gone = freed.get(collectionId(e.child.store, e.child.collection))
    const staying = (await conn.find(child, [{field: e.child.fields[0]!, values}])).filter((r) => !gone?.has(r.key))
    const held = new Set(staying.map((r) => String(r.data[e.child.fields[0]!])))
    for (const r of due)
      if (held.has(String(r.data[pf])))
        out.set(r.key, referencedReason(`${e.child.store}/${e.child.collection}`, e.name))
  }
  return out
}

/**
 * Due records that depend on a held record, with the hold: a record pointing at a collection
 * held as a whole (a hold on the store or collection, no subject), or at a record that itself
 * depends on one, looked up level by level (single-column keys, at most 5 levels): the
 * recordings of a held account's rooms stay with it.
 */
async function dependsOnHeld(
  conns: Connectors,
  map: Datamap,
  edges: Dependency[],
  holds: Hold[],
  coll: CollectionDef,
  records: FoundRecord[],
  depth = 0,
): Promise<Map<string, KeptGroup>> {
  const out = new Map<string, KeptGroup>()
  // Without a hold on a whole store or collection there is nothing to reach: no lookups.
  if (depth > 5 || records.length === 0 || !holds.some((h) => !h.subjectHash)) return out
  for (const e of edges) {
    if (e.child.store !== coll.store || e.child.collection !== coll.name) continue
    const parent = findCollection(map, e.parent.store, e.parent.collection)
    if (!parent || (e.parent.store === coll.store && e.parent.collection === coll.name)) continue
    const open = records.filter((r) => !out.has(r.key) && e.child.fields.every((f) => r.data[f] != null))
    if (!open.length) continue
    const why = (hold: Hold) => ({
      reason: `depends on a held record of ${e.parent.store}/${e.parent.collection} (${e.name}): ${hold.reason}`,
      hold: hold.id,
      records: 1,
    })
    const whole = holdFor(holds, e.parent.store, e.parent.collection, [])
    if (whole) {
      for (const r of open) out.set(r.key, why(whole))
      continue
    }
    const conn = e.child.fields.length === 1 ? await conns.get(e.parent.store) : undefined
    if (!conn) continue
    const cf = e.child.fields[0]!
    const pf = e.parent.fields[0]!
    const values = [...new Set(open.map((r) => String(r.data[cf])))]
    const parents = await conn.find(parent, [{field: pf, values}])
    const held = await dependsOnHeld(conns, map, edges, holds, parent, parents, depth + 1)
    const heldValues = new Map<string, Hold>()
    for (const p of parents) {
      const hold = holds.find((h) => h.id === held.get(p.key)?.hold)
      if (hold) heldValues.set(String(p.data[pf]), hold)
    }
    for (const r of open) {
      const hold = heldValues.get(String(r.data[cf]))
      if (hold) out.set(r.key, why(hold))
    }
  }
  return out
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
    order: [],
    stores: map.stores.map((s) => ({store: s.name, reachable: true, collections: []})),
  }
  try {
    const deps = await loadDependencies(map, conns)
    const deleting = new Set(
      map.stores.flatMap((s) =>
        s.collections.filter((c) => c.erasure.strategy === 'delete').map((c) => collectionId(s.name, c.name)),
      ),
    )
    const order = erasureOrder(map, deps.edges, deleting)
    result.order = order.map((id) => id.replace('.', '/'))
    // Plan only: the keys of child records this run would erase, so their parents count as free.
    const childIds = new Set(
      deps.edges.filter((e) => e.restricts).map((e) => collectionId(e.child.store, e.child.collection)),
    )
    const freed = new Map<string, Set<string>>()
    for (const id of order) {
      const [storeName] = id.split('.') as [string]
      const s = map.stores.find((x) => x.name === storeName)!
      const c = s.collections.find((x) => collectionId(s.name, x.name) === id)!
      const out = result.stores.find((x) => x.store === s.name)!
      if (!out.reachable) continue
      const conn = await conns.get(s.name)
      const steps: string[] = []
      const skipped: KeptGroup[] = []
      let records = 0
      let changed = 0
      try {
        if (!conn) throw new UnreachableError(conns.downReason(s.name) ?? `store '${s.name}' cannot be reached.`)
        const erase = eraserFor(c, ctx.key)
        const track = !execute && childIds.has(id) && c.erasure.strategy === 'delete' ? new Set<string>() : undefined
        const run = async (batch: StepAction[], due: FoundRecord[]) => {
          records += due.length
          for (const r of due) track?.add(r.key)
          for (const step of batch) {
            steps.push(describe(step))
            if (execute) changed += await conn.apply(c, step, erase)
          }
        }
        // Page by page (SQL): pinned parents are skipped, the rest planned and, with --execute, applied.
        const skip = (key: string, reason: string, hold?: string) => {
          let g = skipped.find((k) => k.reason === reason && k.hold === hold)
          if (!g) skipped.push((g = {reason, ...(hold ? {hold} : {}), records: 0, keys: []}))
          g.records++
          g.keys!.push(key)
        }
        /** Due records that stay: dependants of a held collection, parents a staying record points at. */
        const staying = async (due: FoundRecord[]): Promise<Set<string>> => {
          const out = new Set<string>()
          for (const [key, k] of await dependsOnHeld(conns, map, deps.edges, holds, c, due)) {
            skip(key, k.reason, k.hold)
            out.add(key)
          }
          const rest = due.filter((r) => !out.has(r.key))
          const pins =
            c.erasure.strategy === 'delete' ? await pinned(conns, map, deps.edges, freed, c, rest) : new Map()
          for (const [key, reason] of pins) {
            skip(key, reason)
            out.add(key)
          }
          return out
        }
        const onDue = async (due: FoundRecord[]) => {
          const stay = await staying(due)
          const free = due.filter((r) => !stay.has(r.key))
          await run(free.length ? conn.planErasure(c, free, [], erase) : [], free)
        }
        const paged = Boolean(conn.scanOlderThan)
        const scan = await scanCollection(ctx, conn, c, holds, now, paged ? onDue : undefined)
        if (!paged) {
          const stay = await staying(scan.due)
          // Lines that stay count as kept for a log rewrite (its time-value matching).
          scan.keptRecords.push(...scan.due.filter((r) => stay.has(r.key)))
          scan.due = scan.due.filter((r) => !stay.has(r.key))
          const p = plan(ctx, conn, c, scan)
          skipped.push(...p.skipped)
          await run(p.steps, p.records)
        }
        if (track) freed.set(id, track)
        out.collections.push({
          collection: c.name,
          retention: scan.period,
          countsFrom: scan.countsFrom,
          cutoff: scan.cutoff,
          strategy: c.erasure.strategy,
          action: c.erasure.strategy,
          records,
          steps,
          ...(execute ? {changed} : {}),
          skipped: [...scan.kept, ...skipped],
          ...(scan.unchecked ? {unchecked: scan.unchecked} : {}),
        })
      } catch (err) {
        if (err instanceof StoreRefusedError) {
          // What ran before the refusal stays applied (each step is its own transaction).
          out.collections.push({
            collection: c.name,
            retention: c.retention.period,
            countsFrom: c.retention.from,
            cutoff: cutoffFor(c, now).toISOString(),
            strategy: c.erasure.strategy,
            action: c.erasure.strategy,
            records,
            steps,
            ...(execute ? {changed} : {}),
            skipped,
            failed: err.message,
          })
          result.status = 'failed'
          result.failed = {store: s.name, collection: c.name, message: err.message, side: err.side}
          break
        }
        if (!(err instanceof UnreachableError)) throw err
        conns.markDown(s.name, err.message)
        Object.assign(out, {reachable: false, message: err.message})
      }
    }
    // Report in datamap order, whatever order they ran in.
    for (const out of result.stores) {
      const names = map.stores.find((x) => x.name === out.store)!.collections.map((c) => c.name)
      out.collections.sort((a, b) => names.indexOf(a.collection) - names.indexOf(b.collection))
    }
  } finally {
    await conns.closeAll()
  }
  if (execute) {
    if (result.status === 'done' && result.stores.some((s) => !s.reachable)) result.status = 'partial'
    await appendAudit(ctx.db, ctx.key, ctx.actor, {
      event: `retention.${result.status === 'done' ? 'applied' : result.status}`,
      details: {
        ...(result.failed ? {failed: {store: result.failed.store, collection: result.failed.collection}} : {}),
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
