// The shared store: PostgreSQL at CONFCTL_STORE_URL, in the schema CONFCTL_STORE_SCHEMA
// (default "confctl"), so the register can sit in an existing database without clashing.
import {UnreachableError} from '../errors.js'
import {SCHEMA} from './schema.js'
import type {StoreDb} from './store-db.js'

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@')
}

export async function openPostgresStore(url: string, schema = 'confctl'): Promise<StoreDb> {
  const {default: pg} = await import('pg') // loaded only when the store is PostgreSQL
  const client = new pg.Client({connectionString: url, connectionTimeoutMillis: 5000})
  client.on('error', () => {})
  try {
    await client.connect()
  } catch (err) {
    throw new UnreachableError(
      `confctl's store at ${redact(url)} cannot be reached: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`,
    )
  }
  const ident = `"${schema.replace(/"/g, '""')}"`
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${ident}`).catch(() => {}) // two first runs at once: one wins
  await client.query(`SET search_path TO ${ident}`)
  for (const sql of SCHEMA) await client.query(sql)
  const q = (sql: string, params: unknown[] = []) => {
    let i = 0
    return client.query(
      sql.replace(/\?/g, () => `$${++i}`),
      params,
    )
  }
  let depth = 0
  const self: StoreDb = {
    kind: 'postgres',
    location: `${redact(url)} (schema ${schema})`,
    async all<T>(sql: string, params: unknown[] = []) {
      return (await q(sql, params)).rows as T[]
    },
    async run(sql, params = []) {
      return (await q(sql, params)).rowCount ?? 0
    },
    async tx(fn) {
      if (depth > 0) return fn(self)
      await client.query('BEGIN')
      depth++
      try {
        // One writer at a time, like SQLite's BEGIN IMMEDIATE: audit appends stay a chain.
        await client.query('LOCK TABLE audit_head IN EXCLUSIVE MODE')
        const out = await fn(self)
        await client.query('COMMIT')
        return out
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {})
        throw err
      } finally {
        depth--
      }
    },
    async close() {
      await client.end().catch(() => {})
    },
  }
  return self
}
