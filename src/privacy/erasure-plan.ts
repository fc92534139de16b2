// From search hits to an erasure plan: per collection, either kept (a hold, or the
// datamap's `keep` with its law) or the connector's steps. Pure: nothing is changed here.
import type {CollectionDef} from './datamap-types.js'
import type {StepAction} from './connectors/connector.js'
import {eraserFor} from './erasure-values.js'
import {holdFor, type Hold} from './holds.js'
import type {SecretKey} from './secret-key.js'
import type {Connectors, StoreHits} from './subject-search.js'

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
  /** Why nothing is changed here, when it is kept. */
  kept?: {reason: string; hold?: string}
  steps: string[]
}

export interface PlanStore {
  store: string
  reachable: boolean
  message?: string
  collections: PlanCollection[]
}

export function keptReason(coll: CollectionDef, holds: Hold[], subjectHashes: string[]): PlanCollection['kept'] {
  const hold = holdFor(holds, coll.store, coll.name, subjectHashes)
  if (hold) return {reason: hold.reason, hold: hold.id}
  if (coll.erasure.strategy === 'keep') return {reason: coll.erasure.law ?? 'kept by law'}
  return undefined
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

export async function planErasure(
  hits: StoreHits[],
  conns: Connectors,
  holds: Hold[],
  subjectHashes: string[],
  key: SecretKey,
): Promise<{stores: PlanStore[]; steps: PlannedStep[]}> {
  const stores: PlanStore[] = []
  const steps: PlannedStep[] = []
  for (const s of hits) {
    const ps: PlanStore = {store: s.store, reachable: s.reachable, message: s.message, collections: []}
    stores.push(ps)
    for (const h of s.collections) {
      if (h.records.length === 0) continue
      const kept = keptReason(h.coll, holds, subjectHashes)
      const pc: PlanCollection = {
        collection: h.coll.name,
        strategy: h.coll.erasure.strategy,
        records: h.records.length,
        keys: h.records.map((r) => r.key),
        kept,
        steps: [],
      }
      ps.collections.push(pc)
      if (kept || !s.reachable) continue
      const conn = (await conns.get(s.store))!
      for (const action of conn.planErasure(h.coll, h.records, h.matches, eraserFor(h.coll, key))) {
        const summary = describe(action)
        pc.steps.push(summary)
        steps.push({store: s.store, collection: h.coll.name, summary, action})
      }
    }
  }
  return {stores, steps}
}
