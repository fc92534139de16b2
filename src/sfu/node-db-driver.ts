// node.db through better-sqlite3 (native): the driver of the node run from the package
// (`confctl node up`, tests). WAL, as before the NodeDb interface existed; the privacy
// engine opens the same file with better-sqlite3 while the node runs.
import Database from 'better-sqlite3'
import type {NodeDb} from './node-db.js'

export function openDriver(path: string): NodeDb {
  const db = new Database(path)
  db.pragma('journal_mode = WAL')
  return {
    driver: 'better-sqlite3',
    prepare: (sql) => db.prepare(sql),
    exec: (sql) => void db.exec(sql),
    transaction: (fn) => db.transaction(fn),
    close: () => db.close(),
  }
}
