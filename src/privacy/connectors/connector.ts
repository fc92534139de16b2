// The one interface every store kind implements, so the request engine never knows
// whether a subject's data sits in PostgreSQL, Redis, a log file or a recordings folder.
import type {CollectionDef, StoreDef} from '../datamap-types.js'
import {canonicalIp} from '../ip-address.js'
import type {ForeignKey} from './sql-foreign-keys.js'

/** Records whose `field` equals one of `values` (matches are OR-ed). `fold` compares case-insensitively (e-mail). */
export interface Match {
  field: string
  values: string[]
  fold?: boolean
  /** Compare as IP addresses (canonical form), so "2001:DB8::1" equals "2001:db8::1". */
  ip?: boolean
}

export interface FoundRecord {
  /** Addresses the record inside its collection: a JSON key tuple, a Redis key, file:line, a file path. */
  key: string
  data: Record<string, unknown>
  /** Files that belong to the record and go into an access export as they are (a recording,
   *  or every file of a recording directory); `name` is the path inside the export folder. */
  files?: Array<{path: string; name: string}>
}

/** Something a collection's pattern covers that could not be searched (or, for a record,
 *  read): an unreadable file or directory, a FIFO, a dangling link, a corrupt or
 *  unsupported compressed log. Reported by access and verify, never skipped silently. */
export interface Unsearchable {
  path: string
  reason: string
}

/** Receives each Unsearchable a connector meets while finding. */
export type ReportUnsearchable = (u: Unsearchable) => void

/** One change, planned before anything is touched and journaled (sealed) until applied.
 *  Every step sets absolute values or removes by key, so applying it again changes nothing. */
export type StepAction =
  | {op: 'delete'; keys: string[]}
  | {op: 'update'; rows: Array<{key: string; set: Record<string, string | null>}>}
  | {
      op: 'rewrite-lines'
      file: string
      matches: Match[]
      strategy: 'delete' | 'null' | 'pseudonymise' | 'truncate-ip'
      fields: string[]
    }
  | {op: 'delete-files'; files: string[]}

/** Turns a field value into its erased form (null / pseudonym / truncated IP). */
export type ValueEraser = (field: string, value: unknown) => string | null

export interface Connector {
  readonly store: StoreDef
  /** Opens the connection; throws UnreachableError (exit 3) when the store is down. */
  connect(): Promise<void>
  /** File-based connectors pass what they could not search to `report`. */
  find(coll: CollectionDef, matches: Match[], report?: ReportUnsearchable): Promise<FoundRecord[]>
  /** The steps that erase `records` with the collection's strategy (never called for `keep`). */
  planErasure(coll: CollectionDef, records: FoundRecord[], matches: Match[], erase: ValueEraser): StepAction[]
  /** Applies one step; returns how many records it changed. Databases do it in one transaction. */
  apply(coll: CollectionDef, step: StepAction, erase: ValueEraser): Promise<number>
  /** Sets `field` to `value` on the given records; returns how many changed. */
  rectify(coll: CollectionDef, records: FoundRecord[], field: string, value: string): Promise<number>
  /** Records whose retention field is older than `before` (retention.from must name a field). */
  countOlderThan(coll: CollectionDef, field: string, before: Date): Promise<number>
  /** The records countOlderThan counts, addressed by the same keys as find() (retention apply
   *  erases them record by record and checks each against holds and restrictions). */
  findOlderThan?(coll: CollectionDef, field: string, before: Date): Promise<FoundRecord[]>
  /** findOlderThan in pages (SQL), so retention over a large table plans in flat memory. */
  scanOlderThan?(coll: CollectionDef, field: string, before: Date, size: number): AsyncIterable<FoundRecord[]>
  /** The foreign keys the store itself declares (SQL stores), so erasure can order its steps. */
  foreignKeys?(): Promise<ForeignKey[]>
  close(): Promise<void>
}

/** Chunks a list so no statement gets thousands of parameters. */
export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/** Whether a record's field value matches (used by connectors that filter in JS). */
export function valueMatches(value: unknown, m: Match): boolean {
  if (value === null || value === undefined) return false
  const v = m.ip ? (canonicalIp(String(value)) ?? String(value)) : String(value)
  return m.values.some((x) => (m.fold ? v.toLowerCase() === x.toLowerCase() : v === x))
}
