// Retention, the shared part of `retention check` and `retention apply`: for one
// collection, the records older than its retention period (counted from the field the
// datamap names in `retention.from`), each sorted into: still to be erased, already
// anonymised by the collection's strategy, or kept (a `keep` law, a legal hold, an Art. 18
// restriction: "retention keeps them"). Reads only; nothing is changed here.
import {IMPLICIT_FIELDS, type CollectionDef, type StoreDef} from './datamap-types.js'
import type {Connector, FoundRecord, ValueEraser} from './connectors/connector.js'
import {eraserFor} from './erasure-values.js'
import {holdFor, type Hold} from './holds.js'
import type {PrivacyContext} from './privacy-context.js'
import {restrictedKeys} from './restriction.js'
import {normaliseIdentifier, subjectHash} from './subject.js'

const DAY_MS = 86_400_000

/** Fields a record of these kinds has without the datamap naming them (docs/privacy.md). */

export const RESTRICTED_REASON = 'restricted under Art. 18 GDPR (retention keeps it until the restriction is lifted)'

/** A group of records that retention keeps, with why. */
export interface KeptGroup {
  reason: string
  hold?: string
  records: number
  /** Record keys (held / restricted records only; a `keep` law covers the whole collection). */
  keys?: string[]
}

export interface CollectionScan {
  coll: CollectionDef
  period: string
  countsFrom: string
  cutoff: string
  /** The field the period counts from; undefined when `from` names an event, not a field. */
  field?: string
  /** Why the collection could not be checked (countsFrom is not a field, the connector cannot list). */
  unchecked?: string
  /** Records older than the period, all of them. */
  older: number
  /** Older records the strategy still has to erase (empty when they were handed to `onDue` page by page). */
  due: FoundRecord[]
  /** How many older records the strategy still has to erase. */
  dueCount: number
  /** Older records whose fields the strategy has already erased (null / pseudonymised / truncated). */
  anonymised: number
  kept: KeptGroup[]
  /** The held and restricted records themselves (apply must not touch them; not kept when paged). */
  keptRecords: FoundRecord[]
}

/** The field `retention.from` names, when it is one of the collection's fields. */
export function countsFromField(store: StoreDef, coll: CollectionDef): string | undefined {
  const from = coll.retention.from
  if (coll.fields.some((f) => f.name === from)) return from
  if (IMPLICIT_FIELDS[store.kind]?.includes(from)) return from
  if (store.kind === 'redis' && coll.locator.pattern?.includes(`{${from}}`)) return from
  return undefined
}

export function cutoffFor(coll: CollectionDef, now: Date): Date {
  return new Date(now.getTime() - coll.retention.days * DAY_MS)
}

/** Whether the strategy would still change this record (a deleted record is always still there to delete). */
function needsErasure(store: StoreDef, coll: CollectionDef, r: FoundRecord, erase: ValueEraser): boolean {
  const s = coll.erasure.strategy
  if (s === 'delete' || (store.kind === 'redis' && coll.locator.type === 'string')) return true
  return coll.erasure.fields.some((f) => {
    const v = r.data[f]
    if (v === null || v === undefined || v === '') return false
    if (store.kind === 'combined-log' && v === '-') return false // how a combined log writes "nothing"
    return erase(f, v) !== String(v)
  })
}

/** The keyed hashes of the subjects a record names (so a subject's hold covers its records). */
function recordSubjects(ctx: PrivacyContext, coll: CollectionDef, r: FoundRecord): string[] {
  const out: string[] = []
  for (const f of coll.fields) {
    const v = r.data[f.name]
    if (!f.identifies || v === null || v === undefined || v === '') continue
    out.push(subjectHash(ctx.key, {type: f.identifies, value: normaliseIdentifier(f.identifies, String(v))}))
  }
  return out
}

function addKept(kept: KeptGroup[], reason: string, hold: string | undefined, key?: string, n = 1): void {
  let g = kept.find((k) => k.reason === reason && k.hold === hold)
  if (!g) kept.push((g = {reason, hold, records: 0, ...(key === undefined ? {} : {keys: []})}))
  g.records += n
  if (key !== undefined) g.keys?.push(key)
}

/** Records per page when the connector can page (SQL). */
const PAGE = 2000

/**
 * Scans one collection of a connected store. Throws UnreachableError when the store goes away.
 * With `onDue` and a connector that pages (SQL), the due records are handed over page by page
 * and not kept (flat memory over hundreds of thousands of rows); otherwise they are in `due`.
 */
export async function scanCollection(
  ctx: PrivacyContext,
  conn: Connector,
  coll: CollectionDef,
  holds: Hold[],
  now: Date,
  onDue?: (due: FoundRecord[]) => Promise<void>,
): Promise<CollectionScan> {
  const store = conn.store
  const cutoff = cutoffFor(coll, now)
  const field = countsFromField(store, coll)
  const scan: CollectionScan = {
    coll,
    period: coll.retention.period,
    countsFrom: coll.retention.from,
    cutoff: cutoff.toISOString(),
    field,
    older: 0,
    due: [],
    dueCount: 0,
    anonymised: 0,
    kept: [],
    keptRecords: [],
  }
  if (!field) {
    scan.unchecked = `retention counts from '${coll.retention.from}', which is not a field of the collection; check it by hand`
    return scan
  }
  if (!conn.findOlderThan) {
    // Only counting is possible: every older record counts as due (or kept by law).
    scan.older = await conn.countOlderThan(coll, field, cutoff)
    if (coll.erasure.strategy === 'keep')
      addKept(scan.kept, coll.erasure.law ?? 'kept by law', undefined, undefined, scan.older)
    else
      scan.unchecked = `a ${store.kind} store cannot list its records by age; ${scan.older} record(s) are older than the period`
    return scan
  }
  const paged = onDue && conn.scanOlderThan
  const pages: AsyncIterable<FoundRecord[]> = paged
    ? conn.scanOlderThan!(coll, field, cutoff, PAGE)
    : (async function* () {
        yield await conn.findOlderThan!(coll, field, cutoff)
      })()
  const erase = eraserFor(coll, ctx.key)
  const restricted = await restrictedKeys(ctx.db, store.name, coll.name)
  // Keyed hashes of every record's identifiers cost two HMACs a record: only when a subject's hold could match.
  const bySubject = holds.some(
    (h) => h.subjectHash && h.store === store.name && (!h.collection || h.collection === coll.name),
  )
  for await (const records of pages) {
    scan.older += records.length
    if (coll.erasure.strategy === 'keep') {
      if (records.length) addKept(scan.kept, coll.erasure.law ?? 'kept by law', undefined, undefined, records.length)
      continue
    }
    const due: FoundRecord[] = []
    for (const r of records) {
      if (!needsErasure(store, coll, r, erase)) {
        scan.anonymised++
        continue
      }
      const hold = holdFor(holds, store.name, coll.name, bySubject ? recordSubjects(ctx, coll, r) : [])
      if (hold) addKept(scan.kept, hold.reason, hold.id, r.key)
      else if (restricted.has(r.key)) addKept(scan.kept, RESTRICTED_REASON, undefined, r.key)
      else {
        due.push(r)
        continue
      }
      if (!paged) scan.keptRecords.push(r)
    }
    scan.dueCount += due.length
    if (paged) await onDue(due)
    else scan.due.push(...due)
  }
  return scan
}
