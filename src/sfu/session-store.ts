// The node's own record of who was in which room: one row per WHIP/WHEP session, in the
// node's SQLite file (node.db). This is personal data (identity, display name, IP, user
// agent) that data-subject requests search, so the columns are exactly what the privacy
// notices name and nothing more.
import {Heartbeat} from './heartbeat.js'
import type {NodeDb, SqlStatement} from './node-db.js'
import {openDriver} from './node-db-driver.js'

export interface SessionRecord {
  id: string
  room: string
  identity: string
  displayName: string
  role: 'publisher' | 'subscriber'
  remoteIp: string
  userAgent: string
  joinedAt: string
}

export class SessionStore {
  readonly db: NodeDb
  private readonly insertStmt: SqlStatement
  private readonly leaveStmt: SqlStatement
  private readonly heartbeat: Heartbeat

  constructor(path: string) {
    this.db = openDriver(path) // the journal mode is the driver's choice (see node-db-driver*.ts)
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS sessions (
        id TEXT PRIMARY KEY,
        room TEXT NOT NULL,
        identity TEXT NOT NULL,
        display_name TEXT NOT NULL,
        role TEXT NOT NULL,
        remote_ip TEXT NOT NULL,
        user_agent TEXT NOT NULL,
        joined_at TEXT NOT NULL,
        left_at TEXT,
        end_reason TEXT
      );
      CREATE INDEX IF NOT EXISTS sessions_identity ON sessions(identity);
      CREATE INDEX IF NOT EXISTS sessions_remote_ip ON sessions(remote_ip);
      CREATE INDEX IF NOT EXISTS sessions_joined_at ON sessions(joined_at);
    `)
    this.insertStmt = this.db.prepare(
      `INSERT INTO sessions (id, room, identity, display_name, role, remote_ip, user_agent, joined_at)
       VALUES (@id, @room, @identity, @displayName, @role, @remoteIp, @userAgent, @joinedAt)`,
    )
    // node.db files from before end reasons were recorded get the column now.
    const columns = this.db.prepare('PRAGMA table_info(sessions)').all() as {name: string}[]
    if (!columns.some((c) => c.name === 'end_reason')) this.db.exec('ALTER TABLE sessions ADD COLUMN end_reason TEXT')
    this.leaveStmt = this.db.prepare('UPDATE sessions SET left_at = ?, end_reason = ? WHERE id = ? AND left_at IS NULL')
    // Sessions still open from a previous run ended when that process did; close them now
    // so that no row claims someone is still in a room: at the previous process's last
    // heartbeat (a session it accepted after that beat, at its join time), or now when
    // there is none (a node.db from before heartbeats).
    this.heartbeat = new Heartbeat(this.db)
    const lastAlive = this.heartbeat.last() ?? new Date().toISOString()
    this.db
      .prepare("UPDATE sessions SET left_at = MAX(joined_at, ?), end_reason = 'node-crashed' WHERE left_at IS NULL")
      .run(lastAlive)
    this.heartbeat.start()
  }

  joined(record: SessionRecord): void {
    this.insertStmt.run(record)
  }

  /** Records the end of a session: when, and why (an EndReason of participant.ts). */
  left(id: string, reason: string, at = new Date()): void {
    this.leaveStmt.run(at.toISOString(), reason, id)
  }

  close(): void {
    this.heartbeat.stop()
    this.db.close()
  }
}
