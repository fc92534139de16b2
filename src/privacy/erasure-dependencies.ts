// Which records depend on which: the foreign keys every reachable SQL store declares in its
// catalog, mapped onto the datamap's collections, plus the datamap's own `references` (which
// may cross stores). Erasure orders its steps by them (children first), a hold extends along
// them, and the search walks the single-column keys like references.
import type {CollectionDef, Datamap, Reference, StoreDef} from './datamap-types.js'
import type {ForeignKey} from './connectors/sql-foreign-keys.js'
import type {Connectors} from './subject-search.js'
import {UnreachableError} from '../errors.js'

export interface DependencyEnd {
  store: string
  collection: string
  fields: string[]
}

export interface Dependency {
  /** The records that hold the reference. */
  child: DependencyEnd
  /** The records they point at. */
  parent: DependencyEnd
  /** The constraint's name, or the datamap reference's text. */
  name: string
  /** A foreign key without ON DELETE CASCADE / SET NULL: a parent row cannot go while a child row points at it. */
  restricts: boolean
  /** The child must be erased before its parent (a restricting key; a datamap reference, since the
   *  search finds the child only through its parent). */
  orders: boolean
}

export interface Dependencies {
  edges: Dependency[]
  /** Tables that point at a collection's table but are not in the datamap (deleting the parent may fail). */
  unmapped: Array<{parent: string; text: string}>
}

export const collectionId = (store: string, collection: string) => `${store}.${collection}`

/** The collections of `store` that are this table (a `schema.table` locator counts when the schema is the store's). */
function collectionsOf(store: StoreDef, table: string): CollectionDef[] {
  return store.collections.filter((c) => {
    const t = c.locator.table
    return t === table || (store.connection.schema !== undefined && t === `${store.connection.schema}.${table}`)
  })
}

function fromReference(ref: Reference): Dependency {
  return {
    child: {store: ref.from.store, collection: ref.from.collection, fields: [ref.from.field]},
    parent: {store: ref.to.store, collection: ref.to.collection, fields: [ref.to.field]},
    name: ref.text,
    restricts: false,
    orders: true,
  }
}

export function fromForeignKeys(store: StoreDef, keys: ForeignKey[]): Dependencies {
  const edges: Dependency[] = []
  const unmapped: Dependencies['unmapped'] = []
  for (const fk of keys) {
    const parents = collectionsOf(store, fk.refTable)
    const children = collectionsOf(store, fk.table)
    if (!children.length)
      for (const p of parents)
        unmapped.push({
          parent: collectionId(store.name, p.name),
          text: `table ${fk.table} of store '${store.name}' references ${fk.refTable} (${fk.name}) but is not in the datamap, so a ${p.name} record it references cannot be deleted; add the table as a collection`,
        })
    for (const p of parents)
      for (const c of children)
        edges.push({
          child: {store: store.name, collection: c.name, fields: fk.columns},
          parent: {store: store.name, collection: p.name, fields: fk.refColumns},
          name: fk.name,
          restricts: fk.onDelete === 'restrict',
          orders: fk.onDelete === 'restrict',
        })
  }
  return {edges, unmapped}
}

/** Reads every reachable SQL store's catalog (a store that is down contributes nothing: its steps wait anyway). */
export async function loadDependencies(map: Datamap, conns: Connectors): Promise<Dependencies> {
  const out: Dependencies = {edges: map.references.map(fromReference), unmapped: []}
  for (const s of map.stores) {
    if (!['postgres', 'mysql', 'sqlite'].includes(s.kind)) continue
    const conn = await conns.get(s.name)
    if (!conn?.foreignKeys) continue
    let keys: ForeignKey[]
    try {
      keys = await conn.foreignKeys()
    } catch (err) {
      if (!(err instanceof UnreachableError)) throw err
      conns.markDown(s.name, err.message)
      continue
    }
    const d = fromForeignKeys(s, keys)
    out.edges.push(...d.edges)
    out.unmapped.push(...d.unmapped)
  }
  return out
}

/** The datamap with the single-column foreign keys added as references, so the search also finds
 *  child rows the datamap does not link (another user's access to the subject's room). */
export function withKeyReferences(map: Datamap, deps: Dependencies): Datamap {
  const refs = [...map.references]
  const has = (r: Reference) =>
    refs.some(
      (x) =>
        x.from.store === r.from.store &&
        x.from.collection === r.from.collection &&
        x.from.field === r.from.field &&
        x.to.store === r.to.store &&
        x.to.collection === r.to.collection &&
        x.to.field === r.to.field,
    )
  for (const e of deps.edges) {
    if (e.child.fields.length !== 1 || e.name === '' || map.references.some((r) => r.text === e.name)) continue
    const ref: Reference = {
      from: {store: e.child.store, collection: e.child.collection, field: e.child.fields[0]!},
      to: {store: e.parent.store, collection: e.parent.collection, field: e.parent.fields[0]!},
      text: `foreign key ${e.name}`,
    }
    if (!has(ref)) refs.push(ref)
  }
  return {...map, references: refs}
}
