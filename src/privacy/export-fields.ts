// What an access export (Art. 15) shows of a found record: the fields the datamap declares
// for its collection, plus its key columns and the facts every record of its kind has (a log
// line's parts, a file's name/size/time, the {captures} of its Redis key). Never a column the
// datamap does not list, never a secret (a name with password, token, digest or secret in it)
// unless the field says `export: true`, and never another person's id: a reference field
// whose value does not point at one of the subject's own found records is withheld (Art. 15(4)).
import type {FoundRecord} from './connectors/connector.js'
import {IMPLICIT_FIELDS, type CollectionDef, type Datamap, type StoreKind} from './datamap-types.js'

/** Field names that hold credentials, left out of exports unless the datamap says `export: true`. */
export const SECRET_NAME = /password|token|digest|secret/i

export interface ExportedRecord {
  /** The record's key, with the parts that name another person's record blanked. */
  key: string
  data: Record<string, unknown>
  /** Declared fields left out because they name another person's record. */
  withheld: string[]
}

/** The values of `field` over the records found in `store.collection` (what the subject owns). */
export type FoundValues = (store: string, collection: string, field: string) => Set<string>

export function exportableFields(kind: StoreKind, coll: CollectionDef): string[] {
  const declared = coll.fields.filter((f) => f.export ?? !SECRET_NAME.test(f.name)).map((f) => f.name)
  const captures = [...`${coll.locator.pattern ?? ''}${coll.locator.name ?? ''}`.matchAll(/\{(\w+)\}/g)].map(
    (m) => m[1],
  )
  const secretKeyCol = (k: string) => SECRET_NAME.test(k) && !coll.fields.some((f) => f.name === k && f.export)
  return [
    ...new Set([
      ...(coll.locator.key ?? []).filter((k) => !secretKeyCol(k)),
      ...declared,
      ...(IMPLICIT_FIELDS[kind] ?? []).filter((f) => !coll.fields.some((d) => d.name === f && d.export === false)),
      ...captures,
    ]),
  ]
}

export function exportRecord(
  map: Datamap,
  kind: StoreKind,
  coll: CollectionDef,
  record: FoundRecord,
  found: FoundValues,
): ExportedRecord {
  const data: Record<string, unknown> = {}
  const withheld: string[] = []
  for (const f of exportableFields(kind, coll)) {
    if (!(f in record.data)) continue
    const v = record.data[f]
    const refs = map.references.filter(
      (r) => r.from.store === coll.store && r.from.collection === coll.name && r.from.field === f,
    )
    const foreign =
      v !== null &&
      v !== undefined &&
      refs.length > 0 &&
      !refs.some((r) => found(r.to.store, r.to.collection, r.to.field).has(String(v)))
    if (foreign) withheld.push(f)
    else data[f] = v
  }
  return {key: blankKey(coll, record, withheld), data, withheld}
}

/** A key names its record by values, which may be a withheld id (a membership row keyed by
 *  (room_id, user_id), a Redis key with a {user_id} capture): those parts are blanked too. */
function blankKey(coll: CollectionDef, record: FoundRecord, withheld: string[]): string {
  if (withheld.length === 0) return record.key
  const cols = coll.locator.key ?? []
  if (cols.length && record.key.startsWith('[')) {
    const parts = JSON.parse(record.key) as unknown[]
    return JSON.stringify(parts.map((p, i) => (withheld.includes(cols[i]) ? null : p)))
  }
  let key = record.key
  for (const f of withheld) key = key.split(String(record.data[f])).join(`{${f}}`)
  return key
}
