// The default store: one SQLite file ($CONFCTL_HOME/confctl.db), WAL, owner-only.
import Database from 'better-sqlite3'
import {chmodSync, mkdirSync} from 'node:fs'
import {dirname} from 'node:path'
import {SCHEMA} from './schema.js'
import type {StoreDb} from './store-db.js'

export function openSqliteStore(file: string): StoreDb {
  mkdirSync(dirname(file), {recursive: true})
  const db = new Database(file)
  chmodSync(file, 0o600) // it holds sealed subjects and the audit trail
  db.pragma('journal_mode = WAL')
  db.pragma('busy_timeout = 10000')
  for (const sql of SCHEMA) db.exec(sql)
  let depth = 0
  const self: StoreDb = {
    kind: 'sqlite',
    location: file,
    async all<T>(sql: string, params: unknown[] = []) {
      return db.prepare(sql).all(...params) as T[]
    },
    async run(sql, params = []) {
      return db.prepare(sql).run(...params).changes
    },
    async tx(fn) {
      if (depth > 0) return fn(self)
      db.exec('BEGIN IMMEDIATE')
      depth++
      try {
        const out = await fn(self)
        db.exec('COMMIT')
        return out
      } catch (err) {
        db.exec('ROLLBACK')
        throw err
      } finally {
        depth--
      }
    },
    async close() {
      db.close()
    },
  }
  return self
}
