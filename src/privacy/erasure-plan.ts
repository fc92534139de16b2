// From search hits to an erasure plan: per collection, the records kept (a hold, the datamap's
// `keep` with its law, a dependant of a held record, a parent a kept record still points at)
// and the connector's steps for the rest, ordered children before parents across stores
// (erasure-order.ts). Pure: nothing is changed here.
import type {StepAction} from './connectors/connector.js'
import {collectionId, type Dependencies} from './erasure-dependencies.js'
import {keptRecords, type KeptRecord} from './erasure-keep.js'
import {erasureOrder} from './erasure-order.js'
import {eraserFor} from './erasure-values.js'
import type {Hold} from './holds.js'
import type {SecretKey} from './secret-key.js'
import type {Connectors, StoreHits} from './subject-search.js'
import type {Datamap} from './datamap-types.js'

export {keptReason} from './erasure-keep.js'

export interface PlannedStep {
  store: string
  collection: string
  summary: string
  action: StepAction
}

export interface PlanCollection {
  collection: string
  strategy: string
  records: number
  keys: string[]
  /** Why nothing is changed here, when the whole collection is kept. */
  kept?: {reason: string; hold?: string}
  /** Records kept while the rest is erased: dependants of held records, parents of kept ones. */
  keptRecords?: Array<{records: number; reason: string; hold?: string}>
  steps: string[]
}

export interface PlanStore {
  store: string
  reachable: boolean
  message?: string
  collections: PlanCollection[]
}

export interface ErasurePlan {
  stores: PlanStore[]
  /** In the order they run: children before the parents they point at. */
  steps: PlannedStep[]
  /** `store/collection` in the order their steps run. */
  order: string[]
  /** Things the operator should know (tables pointing at a collection that the datamap lacks). */
  notes: string[]
}

export function describe(action: StepAction): string {
  switch (action.op) {
    case 'delete':
      return `delete ${action.keys.length} record(s)`
    case 'update':
      return `set ${Object.keys(action.rows[0]?.set ?? {}).join(', ')} on ${action.rows.length} record(s)`
    case 'rewrite-lines':
      return `rewrite ${action.file} (${action.strategy}${action.fields.length ? ` ${action.fields.join(', ')}` : ' matching lines'})`
    case 'delete-files':
      return `delete ${action.files.length} file(s)`
  }
}

function groups(kept: KeptRecord[]): NonNullable<PlanCollection['keptRecords']> {
  const out: NonNullable<PlanCollection['keptRecords']> = []
  for (const k of kept) {
    const g = out.find((x) => x.reason === k.reason && x.hold === k.hold)
    if (g) g.records++
    else out.push({records: 1, reason: k.reason, ...(k.hold ? {hold: k.hold} : {})})
  }
  return out
}

export async function planErasure(
  map: Datamap,
  hits: StoreHits[],
  deps: Dependencies,
  conns: Connectors,
  holds: Hold[],
  subjectHashes: string[],
  key: SecretKey,
): Promise<ErasurePlan> {
  const stores: PlanStore[] = []
  const byCollection = new Map<string, PlannedStep[]>()
  const kept = keptRecords(hits, deps.edges, holds, subjectHashes)
  const deleted = new Set<string>()
  for (const s of hits) {
    const ps: PlanStore = {store: s.store, reachable: s.reachable, message: s.message, collections: []}
    stores.push(ps)
    for (const h of s.collections) {
      if (h.records.length === 0) continue
      const id = collectionId(s.store, h.coll.name)
      const keptHere = kept.get(id)!
      const why = h.records.map((r) => keptHere.get(r.key))
      const first = why[0]
      const whole = first && why.every((k) => k && k.reason === first.reason && k.hold === first.hold)
      const pc: PlanCollection = {
        collection: h.coll.name,
        strategy: h.coll.erasure.strategy,
        records: h.records.length,
        keys: h.records.map((r) => r.key),
        ...(whole ? {kept: {reason: first.reason, ...(first.hold ? {hold: first.hold} : {})}} : {}),
        steps: [],
      }
      ps.collections.push(pc)
      const erase = h.records.filter((r) => !keptHere.has(r.key))
      if (!whole && erase.length < h.records.length) pc.keptRecords = groups(why.filter((k) => k !== undefined))
      if (erase.length === 0 || !s.reachable) continue
      const conn = (await conns.get(s.store))!
      const steps: PlannedStep[] = []
      for (const action of conn.planErasure(h.coll, erase, h.matches, eraserFor(h.coll, key))) {
        const summary = describe(action)
        pc.steps.push(summary)
        steps.push({store: s.store, collection: h.coll.name, summary, action})
      }
      byCollection.set(id, steps)
      if (steps.some((st) => st.action.op === 'delete' || st.action.op === 'delete-files')) deleted.add(id)
    }
  }
  const order = erasureOrder(map, deps.edges, deleted).filter((id) => byCollection.get(id)?.length)
  return {
    stores,
    steps: order.flatMap((id) => byCollection.get(id)!),
    order: order.map((id) => id.replace('.', '/')),
    notes: deps.unmapped.filter((u) => deleted.has(u.parent)).map((u) => u.text),
  }
}
