// The datamap's in-memory shape: what each store holds about people, why, for how long,
// and how it is erased. Parsed from YAML by datamap-parse.ts; everything else in
// src/privacy reads only these types, never the YAML.

export const STORE_KINDS = ['sqlite', 'postgres', 'mysql', 'redis', 'jsonl', 'combined-log', 'directory'] as const
export type StoreKind = (typeof STORE_KINDS)[number]

export const IDENTIFIER_TYPES = ['email', 'user_id', 'display_name', 'ip', 'phone'] as const
export type IdentifierType = (typeof IDENTIFIER_TYPES)[number]

export const ERASURE_STRATEGIES = ['delete', 'null', 'pseudonymise', 'truncate-ip', 'keep'] as const
export type ErasureStrategy = (typeof ERASURE_STRATEGIES)[number]

export interface FieldDef {
  name: string
  category: string
  identifies?: IdentifierType
  /** Set when the datamap says whether an access export includes the field; secrets are left out unless `true`. */
  export?: boolean
}

/** Fields a record has without the datamap listing them (line parts of a combined log, file facts). */
export const IMPLICIT_FIELDS: Partial<Record<StoreKind, string[]>> = {
  'combined-log': ['ip', 'ident', 'user', 'time', 'request', 'status', 'bytes', 'referer', 'userAgent'],
  directory: ['file', 'bytes', 'mtime', 'kind', 'files'], // kind/files: a directory record (its file count)
}

export interface Retention {
  period: string
  days: number
  /** What the period counts from: a field of the collection, or a described event. */
  from: string
}

export interface Erasure {
  strategy: ErasureStrategy
  /** Fields the strategy changes (null / pseudonymise / truncate-ip); defaults documented in docs/privacy.md. */
  fields: string[]
  /** For `keep`: the law that requires keeping (shown in plans and verify). */
  law?: string
}

/** Where a collection lives inside its store; which members apply depends on the store kind. */
export interface Locator {
  table?: string // sql
  key?: string[] // sql primary key columns
  pattern?: string // redis key pattern with {field} captures, e.g. "gl:user:{id}"
  type?: 'string' | 'hash' | 'json' // redis value type
  path?: string // jsonl / combined-log file (a '*' in the file name matches rotated files)
  directory?: string // directory
  name?: string // directory: file-name template with {field} captures
}

export interface CollectionDef {
  store: string
  name: string
  locator: Locator
  fields: FieldDef[]
  purpose: string
  legalBasis: string // the Art. 6(1) letter, a-f
  legalNote?: string
  recipients: string[]
  source: string
  retention: Retention
  erasure: Erasure
  origin: string // file:line, for messages
  /** file:line of the collection's own keys ('table', 'key', 'fields.email', 'retention.from', ...). */
  origins?: Record<string, string>
}

export interface StoreConnection {
  url?: string
  path?: string
  schema?: string
}

export interface StoreDef {
  name: string
  kind: StoreKind
  connection: StoreConnection
  collections: CollectionDef[]
  origin: string
}

export interface FieldRef {
  store: string
  collection: string
  field: string
}

/** `from -> to`: records of `from.collection` whose `from.field` equals `to.field` of a found record. */
export interface Reference {
  from: FieldRef
  to: FieldRef
  text: string
  origin?: string // file:line
}

export interface Datamap {
  sources: string[]
  stores: StoreDef[]
  references: Reference[]
}

export function findCollection(map: Datamap, store: string, collection: string): CollectionDef | undefined {
  return map.stores.find((s) => s.name === store)?.collections.find((c) => c.name === collection)
}

export function legalBasisText(c: CollectionDef): string {
  return `Art. 6(1)(${c.legalBasis}) GDPR${c.legalNote ? ` (${c.legalNote})` : ''}`
}
