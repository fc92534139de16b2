// Revoked join tokens, by token id (jti), in the node's SQLite file so that a revocation
// survives a restart. A row is only needed until the token would have expired anyway, so
// each row carries that time and is pruned after it; the table therefore never holds more
// than a week of revocations. Lookups hit an in-memory copy: the check runs on every
// WHIP/WHEP request and must not cost a query.
import type {NodeDb, SqlStatement} from './node-db.js'

export interface Revocation {
  jti: string
  revokedAt: string // ISO 8601
  /** When the row is pruned: the token's exp (ISO 8601). */
  expiresAt: string
}

const PRUNE_INTERVAL_MS = 3600_000

export class TokenRevocations {
  private readonly byJti = new Map<string, Revocation>()
  private readonly upsert: SqlStatement
  private readonly prune: SqlStatement
  private readonly timer: NodeJS.Timeout

  constructor(db: NodeDb) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS token_revocations (
        jti TEXT PRIMARY KEY,
        revoked_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
      );
    `)
    this.upsert = db.prepare(
      `INSERT INTO token_revocations (jti, revoked_at, expires_at) VALUES (?, ?, ?)
       ON CONFLICT(jti) DO UPDATE SET expires_at = max(expires_at, excluded.expires_at)`,
    )
    this.prune = db.prepare('DELETE FROM token_revocations WHERE expires_at <= ?')
    this.pruneExpired()
    for (const row of db.prepare('SELECT jti, revoked_at, expires_at FROM token_revocations').all()) {
      this.byJti.set(String(row.jti), {
        jti: String(row.jti),
        revokedAt: String(row.revoked_at),
        expiresAt: String(row.expires_at),
      })
    }
    this.timer = setInterval(() => this.pruneExpired(), PRUNE_INTERVAL_MS)
    this.timer.unref()
  }

  /** Revokes `jti` until `expiresAt` (the token's exp); revoking twice keeps the later time. */
  revoke(jti: string, expiresAt: Date, now = new Date()): Revocation {
    const known = this.byJti.get(jti)
    const until = known && Date.parse(known.expiresAt) > expiresAt.getTime() ? known.expiresAt : expiresAt.toISOString()
    const entry = {jti, revokedAt: known?.revokedAt ?? now.toISOString(), expiresAt: until}
    this.upsert.run(jti, entry.revokedAt, entry.expiresAt)
    this.byJti.set(jti, entry)
    return entry
  }

  isRevoked(jti: string): boolean {
    return this.byJti.has(jti)
  }

  list(): Revocation[] {
    this.pruneExpired()
    return [...this.byJti.values()].sort((a, b) => a.revokedAt.localeCompare(b.revokedAt))
  }

  pruneExpired(now = new Date()): void {
    const iso = now.toISOString()
    this.prune.run(iso)
    for (const [jti, r] of this.byJti) if (r.expiresAt <= iso) this.byJti.delete(jti)
  }

  stop(): void {
    clearInterval(this.timer)
  }
}
