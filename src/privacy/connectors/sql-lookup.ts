// How a search compares an identifying column, chosen from what the table really has so an
// existing index serves the lookup. `lower(email) IN (...)` reads every row unless there is
// an index on lower(email); with only a plain (email) index the exact and the lower-cased
// spellings are asked for instead, and a column the database already compares without case
// (MariaDB's *_ci collations, citext) is asked for as it is. `datamap check` reports the
// choice and the index that would make a lookup complete and fast.
import {indexLeadingWith, type TableCatalog} from './sql-catalog-columns.js'

export type LookupMode =
  /** `col IN (values)`: exact comparison. */
  | 'exact'
  /** `col IN (values)`: the column's collation or type already ignores case. */
  | 'db-folds'
  /** `lower(col) IN (lowered)`, served by an index on lower(col). */
  | 'lower-index'
  /** `col IN (values + lowered)`, served by a plain index; a value stored in another mixed-case
   *  spelling (neither as asked nor lower case) is not found, which `datamap check` warns about. */
  | 'exact-and-lower'
  /** `lower(col) IN (lowered)` with no index to use: the table is read anyway, so compare fully. */
  | 'lower-scan'

export interface LookupPlan {
  mode: LookupMode
  /** The index that serves it, if any. */
  index?: string
}

export function planLookup(cat: TableCatalog | undefined, column: string, fold: boolean): LookupPlan {
  const plain = cat && indexLeadingWith(cat, column)
  if (!fold) return {mode: 'exact', index: plain?.name}
  if (!cat) return {mode: 'lower-scan'}
  const col = cat.columns.find((c) => c.name.toLowerCase() === column.toLowerCase())
  if (col?.caseInsensitive) return {mode: 'db-folds', index: plain?.name}
  const lower = indexLeadingWith(cat, `lower(${column})`)
  if (lower) return {mode: 'lower-index', index: lower.name}
  if (plain) return {mode: 'exact-and-lower', index: plain.name}
  return {mode: 'lower-scan'}
}

/** The WHERE condition (with `?` placeholders) and its parameters for one batch of values. */
export function lookupCondition(plan: LookupPlan, colSql: string, values: string[]): {sql: string; params: string[]} {
  const lowered = [...new Set(values.map((v) => v.toLowerCase()))]
  const params =
    plan.mode === 'lower-index' || plan.mode === 'lower-scan'
      ? lowered
      : plan.mode === 'exact-and-lower'
        ? [...new Set([...values, ...lowered])]
        : values
  const target = plan.mode === 'lower-index' || plan.mode === 'lower-scan' ? `lower(${colSql})` : colSql
  return {sql: `${target} IN (${params.map(() => '?').join(',')})`, params}
}
