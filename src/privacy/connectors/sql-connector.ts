// SQLite, PostgreSQL and MariaDB/MySQL tables. Rows are addressed by the datamap's key
// columns (JSON tuple), or SQLite's rowid; every change runs in one transaction.
import {BadInputError, UnreachableError} from '../../errors.js'
import type {CollectionDef, StoreDef} from '../datamap-types.js'
import {chunks, type Connector, type FoundRecord, type Match, type StepAction, type ValueEraser} from './connector.js'
import {readTableCatalog, type TableCatalog} from './sql-catalog-columns.js'
import {lookupCondition, planLookup} from './sql-lookup.js'
import {missingObject} from './sql-missing-object.js'
import {openSqlDriver, type Query, type Row, type SqlDriver} from './sql-drivers.js'
import {readForeignKeys, type ForeignKey} from './sql-foreign-keys.js'
import {storeRefusal} from './sql-refusal.js'

const KEY_COL = '__confctl_key'

export class SqlConnector implements Connector {
  private driver?: SqlDriver
  private readonly catalogs = new Map<string, Promise<TableCatalog | undefined>>()
  constructor(readonly store: StoreDef) {}

  async connect(): Promise<void> {
    this.driver ??= await openSqlDriver(this.store)
  }

  private get db(): SqlDriver {
    if (!this.driver) throw new Error('connector used before connect()')
    return this.driver
  }

  private table(coll: CollectionDef): string {
    const schema = this.store.connection.schema
    return this.db.ident(
      schema && !coll.locator.table!.includes('.') ? `${schema}.${coll.locator.table}` : coll.locator.table!,
    )
  }

  private keyCols(coll: CollectionDef): string[] {
    if (coll.locator.key?.length) return coll.locator.key
    if (this.db.defaultKey) return [this.db.defaultKey]
    throw new Error(`${coll.origin}: collection has no key`)
  }

  private keyOf(coll: CollectionDef, row: Row): string {
    const cols = this.keyCols(coll)
    return JSON.stringify(cols.map((c) => (cols[0] === this.db.defaultKey ? row[KEY_COL] : row[c])))
  }

  /** `(k1 = ? AND k2 = ?) OR ...` for a batch of keys. */
  private keyWhere(coll: CollectionDef, keys: string[]): {sql: string; params: unknown[]} {
    const cols = this.keyCols(coll)
    const params: unknown[] = []
    const one = cols.map((c) => `${c === this.db.defaultKey ? c : this.db.ident(c)} = ?`).join(' AND ')
    for (const k of keys) params.push(...(JSON.parse(k) as unknown[]))
    return {sql: keys.map(() => `(${one})`).join(' OR '), params}
  }

  private async run<T>(fn: () => Promise<T>, coll?: CollectionDef): Promise<T> {
    try {
      return await fn()
    } catch (err) {
      // A table or column the datamap names but the store does not have is a datamap mistake.
      if (coll) {
        const missing = missingObject(err)
        if (missing)
          throw new BadInputError(
            `datamap ${coll.origin}: 'stores.${coll.store}.collections.${coll.name}' does not match the ${this.store.kind} store (${missing}); \`confctl datamap check\` lists every mismatch.`,
          )
      }
      const code = (err as NodeJS.ErrnoException).code
      // Lost connections mid-request are "store down", so the request can go partial and resume.
      if (code && /^(ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|PROTOCOL_CONNECTION_LOST|57P01)$/.test(code)) {
        throw new UnreachableError(`store '${this.store.name}' (${this.store.kind}) went away: ${code}.`)
      }
      if (/Connection terminated|closed state|Connection is closed/i.test((err as Error).message)) {
        throw new UnreachableError(
          `store '${this.store.name}' (${this.store.kind}) went away: ${(err as Error).message}.`,
        )
      }
      throw storeRefusal(this.store, err) ?? err
    }
  }

  /** The table's catalog, read once per collection; undefined when it cannot be read (then
   *  lookups fall back to comparisons that are complete without an index). */
  private catalog(coll: CollectionDef): Promise<TableCatalog | undefined> {
    let c = this.catalogs.get(coll.name)
    if (!c) {
      c = readTableCatalog(this.db, this.store.kind, coll.locator.table!, this.store.connection.schema).then(
        (cat) => (cat.exists ? cat : undefined),
        () => undefined,
      )
      this.catalogs.set(coll.name, c)
    }
    return c
  }

  /** Only what the datamap lists (fields and key columns; references name one of those): a
   *  column it does not list is never read, so it cannot reach an export. */
  private selectList(coll: CollectionDef): string {
    const cols = [...new Set([...(coll.locator.key ?? []), ...coll.fields.map((f) => f.name)])]
    const rowid = this.db.defaultKey && !coll.locator.key?.length ? `${this.db.defaultKey} AS ${KEY_COL}, ` : ''
    return `SELECT ${rowid}${cols.map((c) => this.db.ident(c)).join(', ')} FROM ${this.table(coll)}`
  }

  /** The store's foreign keys, from its catalog (erasure deletes children before parents). */
  async foreignKeys(): Promise<ForeignKey[]> {
    return this.run(() => readForeignKeys(this.db.query, this.store))
  }

  async find(coll: CollectionDef, matches: Match[]): Promise<FoundRecord[]> {
    const out = new Map<string, FoundRecord>()
    const select = this.selectList(coll)
    for (const m of matches) {
      const plan = planLookup(m.fold ? await this.catalog(coll) : undefined, m.field, m.fold ?? false)
      for (const batch of chunks(m.values, 500)) {
        const cond = lookupCondition(plan, this.db.ident(m.field), batch)
        const rows = await this.run(() => this.db.query(`${select} WHERE ${cond.sql}`, cond.params), coll)
        for (const row of rows) {
          const key = this.keyOf(coll, row)
          delete row[KEY_COL]
          // exact-and-lower and db-folds may return spellings the request did not give; keep the fold exact.
          if (m.fold && !m.values.some((v) => v.toLowerCase() === String(row[m.field] ?? '').toLowerCase())) continue
          out.set(key, {key, data: row})
        }
      }
    }
    return [...out.values()]
  }

  planErasure(coll: CollectionDef, records: FoundRecord[], _m: Match[], erase: ValueEraser): StepAction[] {
    if (coll.erasure.strategy === 'delete')
      return chunks(
        records.map((r) => r.key),
        200,
      ).map((keys) => ({op: 'delete' as const, keys}))
    const rows = records.map((r) => ({
      key: r.key,
      set: Object.fromEntries(coll.erasure.fields.map((f) => [f, erase(f, r.data[f])])),
    }))
    return chunks(rows, 200).map((batch) => ({op: 'update' as const, rows: batch}))
  }

  async apply(coll: CollectionDef, step: StepAction): Promise<number> {
    return this.run(() =>
      this.db.tx(async (q: Query) => {
        if (step.op === 'delete') {
          const w = this.keyWhere(coll, step.keys)
          return (await q(`DELETE FROM ${this.table(coll)} WHERE ${w.sql}`, w.params)).changes ?? 0
        }
        if (step.op !== 'update') throw new Error(`a ${this.store.kind} store cannot apply '${step.op}'`)
        let changed = 0
        for (const row of step.rows) {
          const cols = Object.keys(row.set)
          const w = this.keyWhere(coll, [row.key])
          const sql = `UPDATE ${this.table(coll)} SET ${cols.map((c) => `${this.db.ident(c)} = ?`).join(', ')} WHERE ${w.sql}`
          changed += (await q(sql, [...cols.map((c) => row.set[c]), ...w.params])).changes ?? 0
        }
        return changed
      }),
    )
  }

  async rectify(coll: CollectionDef, records: FoundRecord[], field: string, value: string): Promise<number> {
    return this.apply(coll, {op: 'update', rows: records.map((r) => ({key: r.key, set: {[field]: value}}))})
  }

  async countOlderThan(coll: CollectionDef, field: string, before: Date): Promise<number> {
    const param = this.store.kind === 'sqlite' ? before.toISOString() : before
    const rows = await this.run(
      () => this.db.query(`SELECT COUNT(*) AS n FROM ${this.table(coll)} WHERE ${this.db.ident(field)} < ?`, [param]),
      coll,
    )
    return Number(rows[0]?.n ?? 0)
  }

  async findOlderThan(coll: CollectionDef, field: string, before: Date): Promise<FoundRecord[]> {
    const param = this.store.kind === 'sqlite' ? before.toISOString() : before
    const select = this.selectList(coll)
    const rows = await this.run(() => this.db.query(`${select} WHERE ${this.db.ident(field)} < ?`, [param]), coll)
    return rows.map((row) => {
      const key = this.keyOf(coll, row)
      delete row[KEY_COL]
      return {key, data: row}
    })
  }

  /** findOlderThan in pages of `size`, by key order (keyset, so rows deleted between pages shift nothing):
   *  retention plans and applies page by page in flat memory. */
  async *scanOlderThan(coll: CollectionDef, field: string, before: Date, size: number): AsyncGenerator<FoundRecord[]> {
    const param = this.store.kind === 'sqlite' ? before.toISOString() : before
    const rowid = this.db.defaultKey && !coll.locator.key?.length
    const cols = rowid ? [this.db.defaultKey!] : this.keyCols(coll)
    const keyExpr = cols.map((c) => (rowid ? c : this.db.ident(c)))
    const select = this.selectList(coll)
    let after: unknown[] | undefined
    for (;;) {
      const tuple = keyExpr.length === 1 ? keyExpr[0] : `(${keyExpr.join(', ')})`
      const marks = keyExpr.length === 1 ? '?' : `(${keyExpr.map(() => '?').join(', ')})`
      const sql = `${select} WHERE ${this.db.ident(field)} < ?${after ? ` AND ${tuple} > ${marks}` : ''} ORDER BY ${keyExpr.join(', ')} LIMIT ${size}`
      const rows = await this.run(() => this.db.query(sql, [param, ...(after ?? [])]), coll)
      if (rows.length === 0) return
      const page = rows.map((row) => {
        const key = this.keyOf(coll, row)
        delete row[KEY_COL]
        return {key, data: row}
      })
      after = JSON.parse(page[page.length - 1]!.key) as unknown[]
      yield page
      if (rows.length < size) return
    }
  }

  async close(): Promise<void> {
    await this.driver?.close()
    this.driver = undefined
  }
}
