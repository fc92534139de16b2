// The foreign keys a SQL store declares, read from its own catalog (PostgreSQL pg_constraint,
// MariaDB information_schema, SQLite pragma foreign_key_list): which child rows must go (or
// let go of their reference) before a parent row can be deleted. Only keys between tables of
// the store's schema / database are read; erasure ordering maps them onto datamap collections.
import type {StoreDef} from '../datamap-types.js'
import type {Query, Row} from './sql-drivers.js'

export interface ForeignKey {
  /** The constraint's name (SQLite has none: `child(cols) -> parent`). */
  name: string
  table: string
  columns: string[]
  refTable: string
  refColumns: string[]
  /** What deleting a referenced parent row does: restrict (fails while a child references it), cascade, set null. */
  onDelete: 'restrict' | 'cascade' | 'set null'
}

function onDeleteOf(rule: unknown): ForeignKey['onDelete'] {
  const r = String(rule ?? '').toLowerCase()
  if (r === 'c' || r === 'cascade') return 'cascade'
  if (r === 'n' || r === 'd' || r === 'set null' || r === 'set default') return 'set null'
  return 'restrict' // NO ACTION / RESTRICT (PostgreSQL a/r)
}

async function postgresKeys(q: Query, store: StoreDef): Promise<ForeignKey[]> {
  const rows = await q(
    `SELECT c.conname AS name, cl.relname AS tbl, rcl.relname AS ref_table, c.confdeltype AS on_delete,
       ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY AS k(n, i)
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i) AS cols,
       ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY AS k(n, i)
             JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i) AS ref_cols
     FROM pg_constraint c
     JOIN pg_class cl ON cl.oid = c.conrelid JOIN pg_namespace ns ON ns.oid = cl.relnamespace
     JOIN pg_class rcl ON rcl.oid = c.confrelid JOIN pg_namespace rns ON rns.oid = rcl.relnamespace
     WHERE c.contype = 'f' AND ns.nspname = COALESCE(?::text, current_schema()) AND rns.nspname = ns.nspname
     ORDER BY cl.relname, c.conname`,
    [store.connection.schema ?? null],
  )
  return rows.map((r) => ({
    name: String(r.name),
    table: String(r.tbl),
    columns: r.cols as string[],
    refTable: String(r.ref_table),
    refColumns: r.ref_cols as string[],
    onDelete: onDeleteOf(r.on_delete),
  }))
}

/** One row per column; grouped into keys in column order. */
function grouped(rows: Row[], nameOf: (r: Row) => string): ForeignKey[] {
  const keys = new Map<string, ForeignKey>()
  for (const r of rows) {
    const name = nameOf(r)
    let k = keys.get(`${String(r.tbl)}\0${name}`)
    if (!k) {
      k = {
        name,
        table: String(r.tbl),
        columns: [],
        refTable: String(r.ref_table),
        refColumns: [],
        onDelete: onDeleteOf(r.on_delete),
      }
      keys.set(`${String(r.tbl)}\0${name}`, k)
    }
    k.columns.push(String(r.col))
    k.refColumns.push(String(r.ref_col))
  }
  return [...keys.values()]
}

async function mysqlKeys(q: Query): Promise<ForeignKey[]> {
  const rows = await q(
    `SELECT k.CONSTRAINT_NAME AS name, k.TABLE_NAME AS tbl, k.COLUMN_NAME AS col,
       k.REFERENCED_TABLE_NAME AS ref_table, k.REFERENCED_COLUMN_NAME AS ref_col, r.DELETE_RULE AS on_delete
     FROM information_schema.KEY_COLUMN_USAGE k
     JOIN information_schema.REFERENTIAL_CONSTRAINTS r
       ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME
     WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL
     ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION`,
  )
  return grouped(rows, (r) => String(r.name))
}

async function sqliteKeys(q: Query): Promise<ForeignKey[]> {
  const rows = await q(
    `SELECT m.name AS tbl, p.id AS id, p.seq AS seq, p."table" AS ref_table, p."from" AS col, p."to" AS ref_col, p.on_delete AS on_delete
     FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) p
     WHERE m.type = 'table' ORDER BY m.name, p.id, p.seq`,
  )
  // `REFERENCES parent` without columns means the parent's primary key, column by column.
  for (const r of rows) {
    if (r.ref_col !== null) continue
    const pk = await q(`SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk`, [r.ref_table])
    r.ref_col = pk[Number(r.seq)]?.name ?? 'rowid'
  }
  const keys = grouped(rows, (r) => `${String(r.tbl)}#${String(r.id)}`)
  for (const k of keys) k.name = `${k.table}(${k.columns.join(', ')}) -> ${k.refTable}`
  return keys
}

export async function readForeignKeys(q: Query, store: StoreDef): Promise<ForeignKey[]> {
  if (store.kind === 'postgres') return postgresKeys(q, store)
  if (store.kind === 'mysql') return mysqlKeys(q)
  return sqliteKeys(q)
}
