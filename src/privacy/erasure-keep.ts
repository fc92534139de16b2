// Which found records an erasure must leave alone, and why: a whole collection kept by a hold
// or the datamap's `keep`; every record that depends on a held record (a recording's formats
// and files are part of what is held); and every record a kept record still points at through
// a restricting foreign key (deleting it would fail: it stays, and the plan says why).
import type {CollectionDef} from './datamap-types.js'
import {collectionId, type Dependency} from './erasure-dependencies.js'
import {holdFor, type Hold} from './holds.js'
import type {StoreHits} from './subject-search.js'

export interface KeptRecord {
  reason: string
  hold?: string
  /** Kept only because a kept record points at it: its other dependants are not held. */
  pinned?: boolean
}

/** Why a whole collection is kept for these subjects: a hold, or the datamap's `keep` with its law. */
export function keptReason(coll: CollectionDef, holds: Hold[], subjectHashes: string[]): KeptRecord | undefined {
  const hold = holdFor(holds, coll.store, coll.name, subjectHashes)
  if (hold) return {reason: hold.reason, hold: hold.id}
  if (coll.erasure.strategy === 'keep') return {reason: coll.erasure.law ?? 'kept by law'}
  return undefined
}

/** `store.collection` -> record key -> why it stays. */
export type KeptRecords = Map<string, Map<string, KeptRecord>>

/** The values of `fields` as one comparable tuple, or undefined when one of them is empty. */
function tuple(data: Record<string, unknown>, fields: string[]): string | undefined {
  const vals = fields.map((f) => data[f])
  if (vals.some((v) => v === null || v === undefined)) return undefined
  return JSON.stringify(vals.map(String))
}

export function keptRecords(
  hits: StoreHits[],
  edges: Dependency[],
  holds: Hold[],
  subjectHashes: string[],
): KeptRecords {
  const out: KeptRecords = new Map()
  const records = new Map<string, StoreHits['collections'][number]>()
  for (const s of hits)
    for (const h of s.collections) {
      const id = collectionId(s.store, h.coll.name)
      records.set(id, h)
      out.set(id, new Map())
      const why = keptReason(h.coll, holds, subjectHashes)
      if (why) for (const r of h.records) out.get(id)!.set(r.key, why)
    }
  const strategy = (id: string) => records.get(id)?.coll.erasure.strategy
  for (let changed = true; changed;) {
    changed = false
    for (const e of edges) {
      const c = collectionId(e.child.store, e.child.collection)
      const p = collectionId(e.parent.store, e.parent.collection)
      const child = records.get(c)
      const parent = records.get(p)
      if (!child || !parent || c === p) continue
      // A hold reaches down: what depends on a held record is held with it.
      const held = new Map<string, KeptRecord>()
      for (const r of parent.records) {
        const k = out.get(p)!.get(r.key)
        const t = tuple(r.data, e.parent.fields)
        if (k?.hold && !k.pinned && t) held.set(t, k)
      }
      for (const r of child.records) {
        const t = tuple(r.data, e.child.fields)
        const k = t && held.get(t)
        if (!k || out.get(c)!.has(r.key)) continue
        // The hold's own reason, not the chain of dependants it passed through.
        const why = holds.find((h) => h.id === k.hold)?.reason ?? k.reason
        out.get(c)!.set(r.key, {reason: `depends on a held record of ${p} (${e.name}): ${why}`, hold: k.hold})
        changed = true
      }
      // A kept child pins the parent it points at, where the database would refuse the delete.
      if (!e.restricts || strategy(p) !== 'delete') continue
      const pinned = new Map<string, KeptRecord>()
      for (const r of child.records) {
        const k = out.get(c)!.get(r.key)
        const t = tuple(r.data, e.child.fields)
        if (k && t) pinned.set(t, k)
      }
      for (const r of parent.records) {
        const t = tuple(r.data, e.parent.fields)
        const k = t && pinned.get(t)
        if (!k || out.get(p)!.has(r.key)) continue
        out.get(p)!.set(r.key, {
          reason: `a kept record of ${c} still references it (${e.name}), so it cannot be deleted`,
          hold: k.hold,
          pinned: true,
        })
        changed = true
      }
    }
  }
  return out
}
