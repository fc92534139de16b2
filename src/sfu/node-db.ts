// The node's SQLite file (node.db) behind the few calls the node makes: prepare/run/all,
// exec, transaction, close. Two drivers implement it: node-db-driver.ts (better-sqlite3,
// native; what `confctl node up` runs from the package) and node-db-driver-wasm.ts
// (node-sqlite3-wasm, WebAssembly; what the single-file bundle for remote hosts runs, where
// nothing native may be needed). Callers open the file with openDriver from
// './node-db-driver.js', which scripts/bundle-node.js swaps for the second; this file holds only
// the interface, so the drivers and their callers import it without a cycle.

export type SqlRow = Record<string, unknown>

export interface SqlStatement {
  /** Positional values, or one object whose keys are the statement's @names. */
  run(...params: unknown[]): {changes: number}
  all(...params: unknown[]): SqlRow[]
}

export interface NodeDb {
  /** Which driver runs this file: 'better-sqlite3' or 'node-sqlite3-wasm'. */
  readonly driver: string
  prepare(sql: string): SqlStatement
  exec(sql: string): void
  /** Wraps fn in BEGIN/COMMIT (ROLLBACK when it throws), like better-sqlite3's transaction(). */
  transaction<T>(fn: () => T): () => T
  close(): void
}
