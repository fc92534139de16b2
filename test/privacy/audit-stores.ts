// Shared by the tests of domain operations that record themselves in the audit log
// (request-register, holds): the same checks run on both real stores confctl supports,
// SQLite in a temp $CONFCTL_HOME and PostgreSQL (127.0.0.1:5432/test, like
// test/store/postgres-store.test.ts) in a schema of its own that is dropped afterwards.
// A failure after the change is forced for real: a row planted in audit_log at the seq
// the next append will take makes that append hit the primary key.
import pg from 'pg'
import {randomBytes} from 'node:crypto'
import {withPrivacy, type PrivacyContext} from '../../src/privacy/privacy-context.js'
import {readAudit, type AuditEntry} from '../../src/privacy/audit-log.js'
import {cli, tempHome} from './helpers.js'

const PG_URL = 'postgres://postgres@127.0.0.1:5432/test'

export interface StoreKind {
  name: 'sqlite' | 'postgres'
  home: string
  env: Record<string, string>
  /** Runs fn with a real privacy context on this store (opened and closed around it). */
  run<T>(fn: (ctx: PrivacyContext) => Promise<T>): Promise<T>
  /** `confctl audit verify --json` on this store, through the built CLI. */
  verify(): Promise<{exitCode: number; ok: boolean; entries: number; stderr: string}>
  dispose(): Promise<void>
}

function kind(name: StoreKind['name'], env: Record<string, string>, dispose: () => Promise<void>): StoreKind {
  const home = tempHome('confctl-audit-')
  const full = {...env, CONFCTL_HOME: home, CONFCTL_ACTOR: 'auditor-test'}
  return {
    name,
    home,
    env,
    run: (fn) => withPrivacy(fn, full),
    async verify() {
      const r = await cli(home, ['audit', 'verify', '--json'], env)
      return {exitCode: r.exitCode, ok: r.json?.ok === true, entries: r.json?.entries ?? -1, stderr: r.stderr}
    },
    dispose,
  }
}

/** One SQLite and one PostgreSQL store, each fresh. */
export function storeKinds(): StoreKind[] {
  const schema = `s_audit_${randomBytes(4).toString('hex')}`
  return [
    kind('sqlite', {}, async () => {}),
    kind('postgres', {CONFCTL_STORE_URL: PG_URL, CONFCTL_STORE_SCHEMA: schema}, async () => {
      const c = new pg.Client({connectionString: PG_URL})
      await c.connect()
      await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      await c.end()
    }),
  ]
}

export async function auditCount(ctx: PrivacyContext): Promise<number> {
  return Number((await ctx.db.all<{n: unknown}>('SELECT COUNT(*) AS n FROM audit_log'))[0].n)
}

/** The entries appended since `before` entries were there. */
export async function entriesAfter(ctx: PrivacyContext, before: number): Promise<AuditEntry[]> {
  return (await readAudit(ctx.db)).filter((e) => e.seq > before)
}

/** The error of an append blocked by blockNextAppend, as SQLite and PostgreSQL word it. */
export const FAILED_APPEND = /UNIQUE constraint failed: audit_log\.seq|duplicate key value violates unique constraint/

/** Occupies the seq the next append takes, so that append fails on the primary key after the
 *  operation's change was made; returns the function that removes the planted row again. */
export async function blockNextAppend(ctx: PrivacyContext): Promise<() => Promise<void>> {
  const head = (await ctx.db.all<{seq: unknown}>('SELECT seq FROM audit_head WHERE id = 1'))[0]
  const seq = Number(head?.seq ?? 0) + 1
  await ctx.db.run(
    "INSERT INTO audit_log (seq, at, actor, event, request_id, subjects, details, prev_hash, hash) VALUES (?, 'x', 'x', 'planted', NULL, '[]', '{}', 'x', 'x')",
    [seq],
  )
  return async () => {
    await ctx.db.run("DELETE FROM audit_log WHERE seq = ? AND event = 'planted'", [seq])
  }
}
