// The order an erasure runs its collections in: every child before the parent it points at
// (a foreign key without cascade, or a datamap reference), across stores, so no delete trips
// a constraint and no child becomes unfindable because its parent went first. Only parents
// that are deleted impose an order (updating other fields keeps the key a child points at).
// A cycle among such collections cannot be ordered: it is reported with the ways out.
import {BadInputError} from '../errors.js'
import type {Datamap} from './datamap-types.js'
import {collectionId, type Dependency} from './erasure-dependencies.js'

/** Collection ids (`store.collection`) children first; ties keep the datamap's order. */
export function erasureOrder(map: Datamap, edges: Dependency[], deleted: Set<string>): string[] {
  const nodes = map.stores.flatMap((s) => s.collections.map((c) => collectionId(s.name, c.name)))
  const binding = edges.filter((e) => {
    const p = collectionId(e.parent.store, e.parent.collection)
    return e.orders && deleted.has(p) && p !== collectionId(e.child.store, e.child.collection)
  })
  const childrenOf = new Map<string, Dependency[]>()
  for (const e of binding) {
    const p = collectionId(e.parent.store, e.parent.collection)
    childrenOf.set(p, [...(childrenOf.get(p) ?? []), e])
  }
  const done = new Set<string>()
  const out: string[] = []
  while (out.length < nodes.length) {
    const ready = nodes.find(
      (n) =>
        !done.has(n) &&
        (childrenOf.get(n) ?? []).every((e) => done.has(collectionId(e.child.store, e.child.collection))),
    )
    if (!ready)
      throw cycleError(
        nodes.filter((n) => !done.has(n)),
        childrenOf,
      )
    done.add(ready)
    out.push(ready)
  }
  return out
}

/** Walks from a blocked collection to one of its blocked children until one repeats. */
function cycleError(blocked: string[], childrenOf: Map<string, Dependency[]>): BadInputError {
  const left = new Set(blocked)
  const path: string[] = []
  const via: Dependency[] = []
  let at = blocked[0]!
  while (!path.includes(at)) {
    path.push(at)
    const e = (childrenOf.get(at) ?? []).find((x) => left.has(collectionId(x.child.store, x.child.collection)))!
    via.push(e)
    at = collectionId(e.child.store, e.child.collection)
  }
  const start = path.indexOf(at)
  const cycle = path.slice(start)
  const keys = via.slice(start)
  // Printed child -> parent, the way the keys point.
  const ring = [...cycle.reverse(), cycle[0]].join(' -> ')
  const e = keys[0]!
  const example = `erasure: {strategy: "null", fields: [${e.child.fields.join(', ')}]} on ${collectionId(e.child.store, e.child.collection)}`
  return new BadInputError(
    `erasure cannot be ordered: ${ring} point at each other (${keys
      .map((k) => k.name)
      .reverse()
      .join(
        ', ',
      )}), so none of them can be deleted first; break the cycle by clearing one reference before the deletes (e.g. ${example}), by declaring one of the keys ON DELETE SET NULL or CASCADE in the database, or by keeping one of them (strategy keep or a hold).`,
  )
}
