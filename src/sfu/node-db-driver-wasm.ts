// node.db through node-sqlite3-wasm (SQLite compiled to WebAssembly, file I/O through
// node:fs): the driver of the single-file node bundle (scripts/bundle-node.js puts it in
// place of node-db-driver.ts), so the bundle runs on any host with Node.js >= 20 and no
// native module. See docs/provisioning.md for why this driver and this journal mode.
//
// - Every write goes straight to the file (fs.writeSync, fsync on commit): nothing is
//   held in memory, and a killed node loses at most its open transaction.
// - Journal mode DELETE (SQLite's default rollback journal): this VFS has no shared
//   memory, so it cannot use WAL. A file left in WAL mode (e.g. created by better-sqlite3)
//   is opened once with an exclusive lock and switched back. better-sqlite3 reads and
//   writes a DELETE-mode file as it is.
// - Its lock is a directory `node.db.lock` (SQLite's dot-file locking), which processes
//   using POSIX locks (better-sqlite3) do not see: no other program may write node.db
//   while the node runs. A lock left by a killed node is removed at open, because only
//   one node process ever runs a node directory (the supervisor makes sure of that).
import {rmSync, statSync} from 'node:fs'
import sqliteWasm from 'node-sqlite3-wasm'
import type {NodeDb, SqlRow, SqlStatement} from './node-db.js'

type WasmDatabase = InstanceType<typeof sqliteWasm.Database>
type WasmStatement = ReturnType<WasmDatabase['prepare']>
type Bindable = Parameters<WasmStatement['run']>[0]

const NAMED = /[@:$]([A-Za-z_][A-Za-z0-9_]*)/g

/** better-sqlite3 call shapes -> node-sqlite3-wasm's: `{id}` for `@id` becomes `{'@id': ...}`
 *  (only the names the statement uses; missing ones bind NULL), varargs become an array. */
function bindValues(names: string[], params: unknown[]): Bindable {
  const fix = (v: unknown) => (v === undefined ? null : typeof v === 'boolean' ? Number(v) : v)
  if (
    params.length === 1 &&
    params[0] !== null &&
    typeof params[0] === 'object' &&
    !Array.isArray(params[0]) &&
    !(params[0] instanceof Uint8Array)
  ) {
    const obj = params[0] as Record<string, unknown>
    return Object.fromEntries(names.map((n) => [n, fix(obj[n.slice(1)])])) as Bindable
  }
  const flat = params.length === 1 && Array.isArray(params[0]) ? (params[0] as unknown[]) : params
  return flat.map(fix) as Bindable
}

export function openDriver(path: string): NodeDb {
  removeStaleLock(path)
  const db = new sqliteWasm.Database(path)
  try {
    leaveWalMode(db)
  } catch (err) {
    db.close()
    throw err
  }
  // node-sqlite3-wasm statements live in WebAssembly memory until finalized: keep one per
  // SQL text (the node prepares a handful) and finalize them all at close.
  const statements = new Map<string, SqlStatement & {finalize(): void}>()
  const prepare = (sql: string): SqlStatement => {
    let s = statements.get(sql)
    if (!s) {
      const stmt = db.prepare(sql)
      const names = [...new Set([...sql.matchAll(NAMED)].map((m) => m[0]))]
      s = {
        run: (...params) => ({changes: stmt.run(bindValues(names, params)).changes}),
        all: (...params) => stmt.all(bindValues(names, params)) as SqlRow[],
        finalize: () => stmt.finalize(),
      }
      statements.set(sql, s)
    }
    return s
  }
  return {
    driver: 'node-sqlite3-wasm',
    prepare,
    exec: (sql) => db.exec(sql),
    transaction:
      <T>(fn: () => T) =>
      () => {
        db.exec('BEGIN')
        try {
          const out = fn()
          db.exec('COMMIT')
          return out
        } catch (err) {
          if (db.inTransaction) db.exec('ROLLBACK')
          throw err
        }
      },
    close: () => {
      for (const s of statements.values()) s.finalize()
      statements.clear()
      db.close()
    },
  }
}

function leaveWalMode(db: WasmDatabase): void {
  // Without shared memory SQLite can open a WAL file only in exclusive locking mode.
  db.exec('PRAGMA locking_mode = EXCLUSIVE')
  const mode = db.get('PRAGMA journal_mode') as {journal_mode?: string} | null
  if (String(mode?.journal_mode).toLowerCase() !== 'delete') db.get('PRAGMA journal_mode = DELETE')
  db.exec('PRAGMA locking_mode = NORMAL')
  // Leaving exclusive mode takes effect at the next access, which releases the lock.
  db.get('SELECT count(*) FROM sqlite_master')
}

function removeStaleLock(path: string): void {
  try {
    if (statSync(`${path}.lock`).isDirectory()) rmSync(`${path}.lock`, {recursive: true, force: true})
  } catch {}
}
