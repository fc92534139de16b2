// Finding everything about a subject: first the records whose identifying fields hold
// one of the subject's identifiers, then, as a graph walk, the records that reference
// what was found (`rooms.owner_id -> users.id` finds the rooms of a found user, and
// `recordings.room_id -> rooms.id` then their recordings), until nothing new turns up.
// A store that cannot be reached is reported, not fatal: the rest is still answered.
import {UnreachableError} from '../errors.js'
import type {CollectionDef, Datamap} from './datamap-types.js'
import type {Connector, FoundRecord, Match, Unsearchable} from './connectors/connector.js'
import {connectorFor} from './connectors/open-connector.js'
import type {Identifier} from './subject.js'
import {matchValues} from './subject.js'

export interface Found extends FoundRecord {
  /** How it was found: an identifier type ("email") or a reference's text. */
  via: string[]
}

export interface CollectionHits {
  coll: CollectionDef
  records: Found[]
  /** Every match used on this collection (log rewrites repeat them). */
  matches: Match[]
  /** What the collection covers but could not be searched or read (each path once). */
  unsearchable: Unsearchable[]
}

export interface StoreHits {
  store: string
  reachable: boolean
  message?: string
  collections: CollectionHits[]
}

export class Connectors {
  private readonly open = new Map<string, Connector>()
  private readonly down = new Map<string, string>()
  constructor(readonly map: Datamap) {}

  /** The connected connector, or undefined when the store is down (the reason is kept). */
  async get(store: string): Promise<Connector | undefined> {
    if (this.down.has(store)) return undefined
    let c = this.open.get(store)
    if (c) return c
    c = connectorFor(this.map.stores.find((s) => s.name === store)!)
    try {
      await c.connect()
    } catch (err) {
      if (!(err instanceof UnreachableError)) throw err
      this.down.set(store, err.message)
      return undefined
    }
    this.open.set(store, c)
    return c
  }

  markDown(store: string, message: string): void {
    this.down.set(store, message)
    const c = this.open.get(store)
    this.open.delete(store)
    void c?.close().catch(() => {})
  }

  downReason(store: string): string | undefined {
    return this.down.get(store)
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.open.values()].map((c) => c.close().catch(() => {})))
    this.open.clear()
  }
}

export async function searchSubject(map: Datamap, ids: Identifier[], conns: Connectors): Promise<StoreHits[]> {
  const hits = new Map<string, CollectionHits>()
  const keyOf = (store: string, coll: string) => `${store}.${coll}`
  for (const s of map.stores)
    for (const c of s.collections)
      hits.set(keyOf(s.name, c.name), {coll: c, records: [], matches: [], unsearchable: []})

  const add = async (coll: CollectionDef, matches: Match[], via: string): Promise<boolean> => {
    const conn = await conns.get(coll.store)
    if (!conn || matches.length === 0) return false
    const h = hits.get(keyOf(coll.store, coll.name))!
    const report = (u: Unsearchable) => {
      if (!h.unsearchable.some((x) => x.path === u.path)) h.unsearchable.push(u)
    }
    let records: FoundRecord[]
    try {
      records = await conn.find(coll, matches, report)
    } catch (err) {
      if (!(err instanceof UnreachableError)) throw err
      conns.markDown(coll.store, err.message)
      return false
    }
    h.matches.push(...matches)
    let added = false
    for (const r of records) {
      const existing = h.records.find((x) => x.key === r.key)
      if (existing) {
        if (!existing.via.includes(via)) existing.via.push(via)
      } else {
        h.records.push({...r, via: [via]})
        added = true
      }
    }
    return added
  }

  // 1. Direct matches on identifying fields.
  for (const s of map.stores) {
    for (const c of s.collections) {
      for (const f of c.fields) {
        if (!f.identifies) continue
        const values = matchValues(ids, f.identifies)
        if (values.length)
          await add(
            c,
            [{field: f.name, values, fold: f.identifies === 'email', ip: f.identifies === 'ip'}],
            f.identifies,
          )
      }
    }
  }
  // 2. The walk along references, each value asked for once.
  const asked = new Map<string, Set<string>>()
  for (let changed = true; changed;) {
    changed = false
    for (const ref of map.references) {
      const parent = hits.get(keyOf(ref.to.store, ref.to.collection))!
      const child = hits.get(keyOf(ref.from.store, ref.from.collection))!
      const seen = asked.get(ref.text) ?? new Set<string>()
      asked.set(ref.text, seen)
      const values = [
        ...new Set(
          parent.records
            .map((r) => r.data[ref.to.field])
            .filter((v) => v !== null && v !== undefined)
            .map(String),
        ),
      ].filter((v) => !seen.has(v))
      if (values.length === 0) continue
      values.forEach((v) => seen.add(v))
      if (await add(child.coll, [{field: ref.from.field, values}], ref.text)) changed = true
    }
  }

  const out: StoreHits[] = []
  for (const s of map.stores) {
    const reason = conns.downReason(s.name)
    out.push({
      store: s.name,
      reachable: !reason,
      message: reason,
      collections: s.collections.map((c) => hits.get(keyOf(s.name, c.name))!),
    })
  }
  return out
}
