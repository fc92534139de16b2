// What a SQL table really has — its columns (and whether the database already compares them
// case-insensitively) and the leading parts of its indexes — read from the catalogs of
// PostgreSQL, MariaDB/MySQL and SQLite. `datamap check` compares the datamap with it, and the
// SQL connector uses it to pick an e-mail lookup that an existing index can serve.
// (Foreign keys are read elsewhere, for erasure ordering.)
import type {StoreKind} from '../datamap-types.js'
import type {SqlDriver} from './sql-drivers.js'

export interface ColumnInfo {
  name: string
  type: string
  /** The database compares values case-insensitively (citext, a *_ci collation, COLLATE NOCASE). */
  caseInsensitive: boolean
}

export interface IndexInfo {
  name: string
  /** Key parts in order, normalised: a column name (`email`) or an expression (`lower(email)`). */
  parts: string[]
  /** A partial index (WHERE ...) serves only some rows, so it does not count for lookups. */
  partial: boolean
}

export interface TableCatalog {
  /** The table as the datamap names it, schema-qualified when the store has a schema. */
  table: string
  exists: boolean
  columns: ColumnInfo[]
  indexes: IndexInfo[]
  /** The tables that do exist (for "did you mean"), filled only when this one does not. */
  siblings: string[]
}

/** Removes quoting, casts and spaces from an index part so `lower((email)::text)` is `lower(email)`. */
export function normaliseIndexPart(part: string): string {
  return part
    .replace(/::[a-z ]+(\([^)]*\))?/gi, '')
    .replace(/["`]/g, '')
    .replace(/\s+/g, '')
    .replace(/\(\(([^()]+)\)\)/g, '($1)')
    .toLowerCase()
}

/** Column names are compared the way the database does: PostgreSQL exactly (the connector
 *  quotes them), MariaDB and SQLite without regard to case. */
export function sameColumn(kind: StoreKind, a: string, b: string): boolean {
  return kind === 'postgres' ? a === b : a.toLowerCase() === b.toLowerCase()
}

function splitTable(table: string, schema?: string): {schema?: string; name: string} {
  const dot = table.indexOf('.')
  return dot > 0 ? {schema: table.slice(0, dot), name: table.slice(dot + 1)} : {schema, name: table}
}

async function postgresCatalog(db: SqlDriver, table: string, schema?: string): Promise<TableCatalog> {
  const t = splitTable(table, schema)
  const [{oid, sch}] = (await db.query(`SELECT to_regclass(?)::oid AS oid, coalesce(?, current_schema()) AS sch`, [
    db.ident(t.schema ? `${t.schema}.${t.name}` : t.name),
    t.schema ?? null,
  ])) as Array<{oid: number | null; sch: string}>
  const label = t.schema ? `${t.schema}.${t.name}` : t.name
  if (!oid) {
    const rows = await db.query(
      `SELECT table_name AS n FROM information_schema.tables WHERE table_schema = ? ORDER BY 1`,
      [sch],
    )
    return {table: label, exists: false, columns: [], indexes: [], siblings: rows.map((r) => String(r.n))}
  }
  const cols = await db.query(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, t.typname AS typname,
            coalesce(c.collisdeterministic, true) AS det
       FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
       LEFT JOIN pg_collation c ON c.oid = a.attcollation
      WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
    [oid],
  )
  const idx = await db.query(
    `SELECT ic.relname AS name, i.indpred IS NOT NULL AS partial,
            (SELECT array_agg(pg_get_indexdef(i.indexrelid, k, true) ORDER BY k)
               FROM generate_series(1, i.indnkeyatts) k) AS parts
       FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
      WHERE i.indrelid = ? ORDER BY 1`,
    [oid],
  )
  return {
    table: label,
    exists: true,
    siblings: [],
    columns: cols.map((c) => ({
      name: String(c.name),
      type: String(c.type),
      caseInsensitive: c.typname === 'citext' || c.det === false,
    })),
    indexes: idx.map((i) => ({
      name: String(i.name),
      partial: Boolean(i.partial),
      parts: (i.parts as string[]).map(normaliseIndexPart),
    })),
  }
}

async function mysqlCatalog(db: SqlDriver, table: string): Promise<TableCatalog> {
  const t = splitTable(table)
  const sch = t.schema ?? null
  const cols = await db.query(
    `SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type, COLLATION_NAME AS coll FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = coalesce(?, DATABASE()) AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
    [sch, t.name],
  )
  if (cols.length === 0) {
    const rows = await db.query(
      `SELECT TABLE_NAME AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = coalesce(?, DATABASE()) ORDER BY 1`,
      [sch],
    )
    return {table, exists: false, columns: [], indexes: [], siblings: rows.map((r) => String(r.n))}
  }
  const stats = await db.query(
    `SELECT INDEX_NAME AS name, SEQ_IN_INDEX AS seq, COLUMN_NAME AS col FROM information_schema.STATISTICS
      WHERE TABLE_SCHEMA = coalesce(?, DATABASE()) AND TABLE_NAME = ? ORDER BY INDEX_NAME, SEQ_IN_INDEX`,
    [sch, t.name],
  )
  const indexes = new Map<string, IndexInfo>()
  for (const s of stats) {
    const i = indexes.get(String(s.name)) ?? {name: String(s.name), parts: [], partial: false}
    // MySQL 8 functional key parts have no column name; they never serve a plain column lookup.
    i.parts.push(s.col === null ? '(expression)' : String(s.col).toLowerCase())
    indexes.set(i.name, i)
  }
  return {
    table,
    exists: true,
    siblings: [],
    columns: cols.map((c) => ({
      name: String(c.name),
      type: String(c.type),
      caseInsensitive: typeof c.coll === 'string' && /_ci$/i.test(c.coll),
    })),
    indexes: [...indexes.values()],
  }
}

/** SQLite names expression parts only in the CREATE INDEX text: the list after `ON table`. */
function sqliteIndexParts(sql: string): string[] {
  const open = sql.indexOf('(')
  const parts: string[] = []
  let depth = 0
  let cur = ''
  for (const ch of sql.slice(open + 1)) {
    if (ch === '(') depth++
    if (ch === ')' && depth-- === 0) break
    if (ch === ',' && depth === 0) {
      parts.push(cur)
      cur = ''
    } else cur += ch
  }
  parts.push(cur)
  return parts.map((p) => normaliseIndexPart(p.replace(/\s+(ASC|DESC)\s*$/i, '').replace(/\s+COLLATE\s+\w+/i, '')))
}

async function sqliteCatalog(db: SqlDriver, table: string): Promise<TableCatalog> {
  const cols = await db.query(`SELECT name, type FROM pragma_table_xinfo(?)`, [table])
  if (cols.length === 0) {
    const rows = await db.query(`SELECT name AS n FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY 1`)
    return {table, exists: false, columns: [], indexes: [], siblings: rows.map((r) => String(r.n))}
  }
  const list = await db.query(`SELECT name, partial FROM pragma_index_list(?)`, [table])
  const indexes: IndexInfo[] = []
  for (const l of list) {
    const info = await db.query(`SELECT cid, name FROM pragma_index_info(?) ORDER BY seqno`, [l.name])
    let parts = info.map((p) => (p.name === null ? '(expression)' : String(p.name).toLowerCase()))
    if (parts.includes('(expression)')) {
      const [def] = await db.query(`SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?`, [l.name])
      if (def?.sql) parts = sqliteIndexParts(String(def.sql).replace(/^[\s\S]*?\bON\s+\S+\s*/i, ''))
    }
    indexes.push({name: String(l.name), parts, partial: Number(l.partial) === 1})
  }
  return {
    table,
    exists: true,
    siblings: [],
    columns: cols.map((c) => ({name: String(c.name), type: String(c.type), caseInsensitive: false})),
    indexes,
  }
}

export function readTableCatalog(
  db: SqlDriver,
  kind: StoreKind,
  table: string,
  schema?: string,
): Promise<TableCatalog> {
  if (kind === 'postgres') return postgresCatalog(db, table, schema)
  if (kind === 'mysql') return mysqlCatalog(db, table)
  return sqliteCatalog(db, table)
}

/** A whole (non-partial) index whose first key part is `part` (`email` or `lower(email)`). */
export function indexLeadingWith(cat: TableCatalog, part: string): IndexInfo | undefined {
  const want = normaliseIndexPart(part)
  return cat.indexes.find((i) => !i.partial && i.parts[0] === want)
}

export function findColumn(cat: TableCatalog, kind: StoreKind, name: string): ColumnInfo | undefined {
  return cat.columns.find((c) => sameColumn(kind, c.name, name))
}
