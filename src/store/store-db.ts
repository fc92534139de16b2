// confctl's own state store behind one small async shape, so the register, holds,
// journal and audit log are written once for SQLite (default, one file) and PostgreSQL
// (several operators sharing one register). SQL uses `?` placeholders and portable types.

export type StoreRow = Record<string, unknown>

export interface StoreDb {
  readonly kind: 'sqlite' | 'postgres'
  /** Where the data lives, for messages (file path or URL without password). */
  readonly location: string
  all<T = StoreRow>(sql: string, params?: unknown[]): Promise<T[]>
  /** Runs a statement; returns the number of rows changed. */
  run(sql: string, params?: unknown[]): Promise<number>
  /** Runs `fn` in one transaction that also excludes concurrent writers (serialises audit appends). */
  tx<T>(fn: (db: StoreDb) => Promise<T>): Promise<T>
  close(): Promise<void>
}
