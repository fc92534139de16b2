// The three SQL databases behind one small driver shape (query, transaction, quoting),
// so sql-connector.ts writes each statement once. Connection failures become
// UnreachableError (exit 3) with the store's name, never a driver stack trace.
// The PostgreSQL and MariaDB drivers load when a store of theirs is opened (about 0.1 s of
// startup each), not with every command that could reach one.
import Database from 'better-sqlite3'
import type {Connection as MysqlConnection} from 'mysql2/promise'
import {existsSync} from 'node:fs'
import {UnreachableError} from '../../errors.js'
import type {StoreDef} from '../datamap-types.js'

export type Row = Record<string, unknown>
export type Query = (sql: string, params?: unknown[]) => Promise<Row[] & {changes?: number}>

export interface SqlDriver {
  /** `?` placeholders in, the dialect's placeholders out. */
  query: Query
  /** Runs `fn` inside BEGIN/COMMIT; anything thrown rolls back. */
  tx<T>(fn: (q: Query) => Promise<T>): Promise<T>
  ident(name: string): string
  /** The expression that addresses a row when the datamap names no key (SQLite's rowid). */
  readonly defaultKey?: string
  close(): Promise<void>
}

function unreachable(store: StoreDef, err: unknown): UnreachableError {
  const e = err as NodeJS.ErrnoException
  return new UnreachableError(`store '${store.name}' (${store.kind}) cannot be reached: ${e.code ?? e.message}.`)
}

function sqliteDriver(store: StoreDef): SqlDriver {
  const path = store.connection.path!
  // A missing file is a store that is not there, not a new empty database.
  if (!existsSync(path)) throw unreachable(store, Object.assign(new Error('no such file'), {code: `ENOENT ${path}`}))
  const db = new Database(path, {fileMustExist: true})
  db.pragma('busy_timeout = 5000')
  const query: Query = async (sql, params = []) => {
    const stmt = db.prepare(sql)
    if (stmt.reader) return stmt.all(...params) as Row[]
    const r = stmt.run(...params)
    return Object.assign([] as Row[], {changes: r.changes})
  }
  return {
    query,
    defaultKey: 'rowid',
    async tx(fn) {
      db.exec('BEGIN IMMEDIATE')
      try {
        const out = await fn(query)
        db.exec('COMMIT')
        return out
      } catch (err) {
        db.exec('ROLLBACK')
        throw err
      }
    },
    ident: (n) => `"${n.replace(/"/g, '""')}"`,
    close: async () => {
      db.close()
    },
  }
}

async function postgresDriver(store: StoreDef): Promise<SqlDriver> {
  const {default: pg} = await import('pg')
  const client = new pg.Client({connectionString: store.connection.url, connectionTimeoutMillis: 5000})
  client.on('error', () => {}) // a dropped connection surfaces on the next query instead of crashing
  try {
    await client.connect()
  } catch (err) {
    throw unreachable(store, err)
  }
  const query: Query = async (sql, params = []) => {
    let i = 0
    const r = await client.query(
      sql.replace(/\?/g, () => `$${++i}`),
      params,
    )
    return Object.assign(r.rows as Row[], {changes: r.rowCount ?? 0})
  }
  return {
    query,
    async tx(fn) {
      await client.query('BEGIN')
      try {
        const out = await fn(query)
        await client.query('COMMIT')
        return out
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {})
        throw err
      }
    },
    ident: (n) =>
      n
        .split('.')
        .map((p) => `"${p.replace(/"/g, '""')}"`)
        .join('.'),
    close: () => client.end().catch(() => {}),
  }
}

async function mysqlDriver(store: StoreDef): Promise<SqlDriver> {
  const {default: mysql} = await import('mysql2/promise')
  let conn: MysqlConnection
  try {
    conn = await mysql.createConnection({uri: store.connection.url, connectTimeout: 5000, dateStrings: false})
  } catch (err) {
    throw unreachable(store, err)
  }
  conn.on('error', () => {})
  const query: Query = async (sql, params = []) => {
    const [rows] = await conn.query(sql, params)
    if (Array.isArray(rows)) return rows as Row[]
    return Object.assign([] as Row[], {changes: (rows as {affectedRows?: number}).affectedRows ?? 0})
  }
  return {
    query,
    async tx(fn) {
      await conn.beginTransaction()
      try {
        const out = await fn(query)
        await conn.commit()
        return out
      } catch (err) {
        await conn.rollback().catch(() => {})
        throw err
      }
    },
    ident: (n) =>
      n
        .split('.')
        .map((p) => `\`${p.replace(/`/g, '``')}\``)
        .join('.'),
    close: () => conn.end().catch(() => {}),
  }
}

export async function openSqlDriver(store: StoreDef): Promise<SqlDriver> {
  if (store.kind === 'sqlite') {
    try {
      return sqliteDriver(store)
    } catch (err) {
      throw err instanceof UnreachableError ? err : unreachable(store, err)
    }
  }
  return store.kind === 'postgres' ? postgresDriver(store) : mysqlDriver(store)
}
