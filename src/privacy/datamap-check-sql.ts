// `datamap check` for SQL stores: every table, key column, field and the column retention
// counts from must exist; identifying columns and reference columns are what searches look
// up, so each gets the lookup it will use and, without a fitting index, a warning with the
// CREATE INDEX that would serve it. `cheap` (dsar open) stops after existence.
import {findColumn, readTableCatalog, type TableCatalog} from './connectors/sql-catalog-columns.js'
import type {SqlDriver} from './connectors/sql-drivers.js'
import {planLookup} from './connectors/sql-lookup.js'
import {collPath, type LookupReport, type Report} from './datamap-check-types.js'
import type {CollectionDef, Datamap, StoreDef} from './datamap-types.js'
import {didYouMean} from './nearest-name.js'

/** Columns a search looks up in this collection: identifying fields (e-mail without case) and
 *  the child side of references (the walk asks for `child.field IN (parent values)`). */
function lookupColumns(map: Datamap, coll: CollectionDef): Array<{field: string; fold: boolean; why: string}> {
  const out = coll.fields
    .filter((f) => f.identifies)
    .map((f) => ({field: f.name, fold: f.identifies === 'email', why: `identifies ${f.identifies}`}))
  for (const r of map.references)
    if (r.from.store === coll.store && r.from.collection === coll.name && !out.some((o) => o.field === r.from.field))
      out.push({field: r.from.field, fold: false, why: `is looked up by the reference ${r.text}`})
  return out
}

function createIndex(store: StoreDef, coll: CollectionDef, part: string): string {
  const table = coll.locator.table!
  const bare = table.split('.').pop()!
  const name = `${bare}_${part.replace(/\W+/g, '_').replace(/_+$/, '')}_idx`
  const qualified = store.connection.schema && !table.includes('.') ? `${store.connection.schema}.${table}` : table
  return `CREATE INDEX ${name} ON ${qualified} (${part});`
}

function checkLookups(
  map: Datamap,
  store: StoreDef,
  coll: CollectionDef,
  cat: TableCatalog,
  report: Report,
  lookups: LookupReport[],
): void {
  const path = collPath(store.name, coll.name)
  for (const l of lookupColumns(map, coll)) {
    const col = findColumn(cat, store.kind, l.field)
    if (!col) continue // reported as a missing column already
    const plan = planLookup(cat, col.name, l.fold)
    lookups.push({collection: coll.name, field: l.field, mode: plan.mode, ...(plan.index ? {index: plan.index} : {})})
    const key = `${path}.fields.${l.field}`
    const at = coll.origins?.[`fields.${l.field}`] ?? coll.origin
    const lowerFix = store.kind === 'mysql' ? undefined : createIndex(store, coll, `lower(${col.name})`)
    if (plan.mode === 'lower-scan' || (plan.mode === 'exact' && !plan.index))
      report({
        level: 'warning',
        at,
        key,
        message: `${l.why}, but ${cat.table}.${col.name} has no index: every search reads the whole table`,
        fix: l.fold && lowerFix ? lowerFix : createIndex(store, coll, col.name),
      })
    else if (plan.mode === 'exact-and-lower')
      report({
        level: 'warning',
        at,
        key,
        message: `${l.why} and is compared without case, but ${cat.table}.${col.name} is case-sensitive and has only the plain index ${plan.index}: searches ask for the spelling given and its lower case, so an address stored in other mixed case is not found`,
        fix: lowerFix ?? `give ${cat.table}.${col.name} a case-insensitive collation such as utf8mb4_unicode_ci`,
      })
  }
}

function checkTable(
  map: Datamap,
  store: StoreDef,
  coll: CollectionDef,
  cat: TableCatalog,
  report: Report,
  cheap: boolean,
  lookups: LookupReport[],
): void {
  const path = collPath(store.name, coll.name)
  const where = store.kind === 'postgres' ? `schema ${store.connection.schema ?? 'public'}` : `the ${store.kind} store`
  if (!cat.exists) {
    report({
      level: 'error',
      at: coll.origins?.table ?? coll.origin,
      key: `${path}.table`,
      message: `names table '${cat.table}', which does not exist in ${where} of store '${store.name}'${didYouMean(coll.locator.table!, cat.siblings)}`,
    })
    return
  }
  const names = cat.columns.map((c) => c.name)
  const missing = (col: string, key: string, at: string | undefined, what: string) => {
    if (!findColumn(cat, store.kind, col))
      report({
        level: 'error',
        at: at ?? coll.origin,
        key,
        message: `${what} '${col}', which is not a column of ${cat.table}${didYouMean(col, names)}`,
      })
  }
  for (const k of coll.locator.key ?? []) missing(k, `${path}.key`, coll.origins?.key, 'names key column')
  for (const f of coll.fields)
    missing(f.name, `${path}.fields.${f.name}`, coll.origins?.[`fields.${f.name}`], 'names column')
  // An event in words that happens to be a column: the period could be checked, but is not.
  const from = coll.retention.from
  if (!coll.fields.some((f) => f.name === from) && findColumn(cat, store.kind, from))
    report({
      level: 'error',
      at: coll.origins?.['retention.from'] ?? coll.origin,
      key: `${path}.retention.from`,
      message: `names column '${from}', which is not listed under fields, so retention cannot be checked; list it under fields`,
    })
  if (!cheap) checkLookups(map, store, coll, cat, report, lookups)
}

/** number / text / uuid, or undefined for types compared in other ways (dates, json, ...). */
function typeFamily(type: string): string | undefined {
  if (/uuid/i.test(type)) return 'uuid'
  if (/int|serial|numeric|decimal|real|double|float/i.test(type)) return 'number'
  if (/char|text|clob|string/i.test(type)) return 'text'
  return undefined
}

/** A reference whose two columns hold different kinds of values: the walk compares the child
 *  column with the parent's values, which PostgreSQL refuses (or which silently never match). */
function checkReferenceTypes(map: Datamap, store: StoreDef, cats: Map<string, TableCatalog>, report: Report): void {
  for (const r of map.references) {
    if (r.from.store !== store.name || r.to.store !== store.name) continue
    const from = cats.get(r.from.collection)
    const to = cats.get(r.to.collection)
    const fc = from && findColumn(from, store.kind, r.from.field)
    const tc = to && findColumn(to, store.kind, r.to.field)
    if (!fc || !tc) continue
    const a = typeFamily(fc.type)
    const b = typeFamily(tc.type)
    if (a && b && a !== b)
      report({
        level: store.kind === 'postgres' ? 'error' : 'warning',
        at: r.origin ?? store.origin,
        key: `references[${map.references.indexOf(r)}]`,
        message: `compares ${from.table}.${fc.name} (${fc.type}) with ${to.table}.${tc.name} (${tc.type}); ${store.kind === 'postgres' ? 'PostgreSQL refuses the comparison when the walk reaches it' : 'values of different types may never match'}`,
      })
  }
}

/** Checks every collection of one SQL store through an open driver. */
export async function checkSqlStore(
  map: Datamap,
  store: StoreDef,
  db: SqlDriver,
  report: Report,
  cheap: boolean,
): Promise<{checked: string[]; lookups: LookupReport[]}> {
  const checked: string[] = []
  const lookups: LookupReport[] = []
  const cats = new Map<string, TableCatalog>()
  for (const coll of store.collections) {
    const cat = await readTableCatalog(db, store.kind, coll.locator.table!, store.connection.schema)
    checkTable(map, store, coll, cat, report, cheap, lookups)
    cats.set(coll.name, cat)
    checked.push(coll.name)
  }
  checkReferenceTypes(map, store, cats, report)
  return {checked, lookups}
}
