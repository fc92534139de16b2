// The shape of a `datamap check` report, shared by the per-kind checks and the renderer.

export interface CheckFinding {
  /** error: the datamap does not match the store (exit 1); warning: it works, but slowly or incompletely. */
  level: 'error' | 'warning'
  /** file:line of the datamap key the finding is about. */
  at: string
  /** The datamap key, e.g. `stores.greenlight.collections.users.fields.email`. */
  key: string
  message: string
  /** A statement or edit that would resolve it (e.g. the CREATE INDEX). */
  fix?: string
}

/** How a search compares one column (identifying fields and reference targets of SQL tables). */
export interface LookupReport {
  collection: string
  field: string
  mode: string
  index?: string
}

export interface StoreCheck {
  store: string
  kind: string
  reachable: boolean
  message?: string
  /** Collections whose locator was compared with the store. */
  checked: string[]
  lookups: LookupReport[]
}

export interface DatamapCheckReport {
  ok: boolean
  sources: string[]
  stores: StoreCheck[]
  findings: CheckFinding[]
}

/** Collects findings for one store. */
export type Report = (f: CheckFinding) => void

export function collPath(store: string, coll: string): string {
  return `stores.${store}.collections.${coll}`
}
