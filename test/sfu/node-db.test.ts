// test-kind: unit
// The node's two SQLite drivers behind NodeDb (src/sfu/node-db.ts): better-sqlite3 (the
// node run from the package) and node-sqlite3-wasm (the single-file bundle). Same calls,
// same answers; the wasm driver writes each change to the file at once, in a journal mode
// better-sqlite3 (the privacy engine's driver) reads and writes, and takes over a WAL file.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import Database from 'better-sqlite3'
import {existsSync, mkdirSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {openDriver as openNative} from '../../src/sfu/node-db-driver.js'
import {openDriver as openWasm} from '../../src/sfu/node-db-driver-wasm.js'
import type {NodeDb} from '../../src/sfu/node-db.js'
import {SessionStore} from '../../src/sfu/session-store.js'

const dir = mkdtempSync(join(tmpdir(), 'confctl-nodedb-'))
test.after(() => rmSync(dir, {recursive: true, force: true}))

function exercise(db: NodeDb): unknown {
  db.exec('CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER, x REAL, note TEXT)')
  const ins = db.prepare('INSERT INTO t VALUES (@id, @n, @x, @note)')
  db.transaction(() => {
    ins.run({id: 'a', n: 1, x: 0.5, note: 'first'})
    ins.run({id: 'b', n: 2, x: 1.5, note: null})
  })()
  assert.throws(() =>
    db.transaction(() => {
      ins.run({id: 'c', n: 3, x: 0, note: 'rolled back'})
      throw new Error('boom')
    })(),
  )
  const upd = db.prepare('UPDATE t SET note = ? WHERE id = ?').run('second', 'b')
  const del = db.prepare('DELETE FROM t WHERE n > ?').run(5)
  // Named parameters the statement does not use are ignored (qoe-recorder passes them all).
  const rows = db
    .prepare('SELECT * FROM t WHERE n >= @min ORDER BY id LIMIT @limit')
    .all({min: 1, limit: 10, unused: null})
  return {upd: upd.changes, del: del.changes, rows}
}

test('both drivers give the same answers', () => {
  const native = openNative(join(dir, 'native.db'))
  const wasm = openWasm(join(dir, 'wasm.db'))
  assert.is(native.driver, 'better-sqlite3')
  assert.is(wasm.driver, 'node-sqlite3-wasm')
  assert.equal(exercise(wasm), exercise(native))
  native.close()
  wasm.close()
})

test('the wasm driver writes through to the file, in DELETE journal mode, readable by better-sqlite3 while open', () => {
  const path = join(dir, 'through.db')
  const wasm = openWasm(path)
  wasm.exec('CREATE TABLE s (v TEXT)')
  wasm.prepare('INSERT INTO s VALUES (?)').run('written')
  const reader = new Database(path, {readonly: true, fileMustExist: true})
  assert.equal(reader.prepare('SELECT v FROM s').all(), [{v: 'written'}]) // without close(): nothing held back
  assert.equal(reader.pragma('journal_mode'), [{journal_mode: 'delete'}])
  reader.close()
  assert.not.ok(existsSync(`${path}.lock`), 'no lock is held between statements')
  wasm.close()
  // ...and better-sqlite3 writes to it (an erasure) without turning it into WAL.
  const writer = new Database(path)
  writer.prepare('DELETE FROM s').run()
  writer.close()
  const again = openWasm(path)
  assert.equal(again.prepare('SELECT count(*) AS n FROM s').all(), [{n: 0}])
  again.close()
})

test('the wasm driver takes over a node.db that better-sqlite3 left in WAL mode', () => {
  const path = join(dir, 'wal.db')
  const native = openNative(path)
  native.exec('CREATE TABLE s (v TEXT)')
  native.prepare('INSERT INTO s VALUES (?)').run('from the native node')
  native.close()
  const wasm = openWasm(path)
  assert.equal(wasm.prepare('SELECT v FROM s').all(), [{v: 'from the native node'}])
  wasm.prepare('INSERT INTO s VALUES (?)').run('from the bundle')
  wasm.close()
  const reader = new Database(path, {readonly: true})
  assert.equal(reader.pragma('journal_mode'), [{journal_mode: 'delete'}])
  assert.is((reader.prepare('SELECT count(*) AS n FROM s').get() as {n: number}).n, 2)
  reader.close()
})

test('a lock directory left by a killed node does not block the next start', () => {
  const path = join(dir, 'stale.db')
  openWasm(path).close()
  mkdirSync(`${path}.lock`)
  const wasm = openWasm(path)
  wasm.exec('CREATE TABLE ok (v INTEGER)')
  wasm.close()
})

test('SessionStore keeps its behaviour on the default (native) driver: WAL, open sessions closed at start', () => {
  const path = join(dir, 'sessions.db')
  const s = new SessionStore(path)
  s.joined({
    id: 'p1',
    room: 'r',
    identity: 'alice',
    displayName: 'Alice',
    role: 'publisher',
    remoteIp: '192.0.2.1',
    userAgent: 'ua',
    joinedAt: new Date().toISOString(),
  })
  s.close()
  const s2 = new SessionStore(path)
  s2.close()
  const db = new Database(path, {readonly: true})
  assert.equal(db.pragma('journal_mode'), [{journal_mode: 'wal'}])
  const row = db.prepare('SELECT identity, left_at FROM sessions').get() as {identity: string; left_at: string | null}
  assert.is(row.identity, 'alice')
  assert.ok(row.left_at)
  db.close()
})

test.run()
