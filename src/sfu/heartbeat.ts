// When was the node last alive? A process killed with SIGKILL (or by the OOM killer, or a
// power cut) cannot mark its sessions as left; the next start does, and without this it
// could only use its own start time, minutes or days after the people really left. So the
// node writes the time into node.db every few seconds, and the next start reads it.
import type {NodeDb, SqlStatement} from './node-db.js'

/** Milliseconds between beats: a crashed node's sessions end at most this long before it died. */
export const HEARTBEAT_MS = 5000

export class Heartbeat {
  private readonly beatStmt: SqlStatement
  private timer: NodeJS.Timeout | undefined

  constructor(private readonly db: NodeDb) {
    db.exec('CREATE TABLE IF NOT EXISTS node_heartbeat (id INTEGER PRIMARY KEY CHECK (id = 1), at TEXT NOT NULL)')
    this.beatStmt = db.prepare(
      'INSERT INTO node_heartbeat (id, at) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET at = excluded.at',
    )
  }

  /** The last time written (ISO 8601), by this process or the one before it; undefined if never. */
  last(): string | undefined {
    const row = this.db.prepare('SELECT at FROM node_heartbeat WHERE id = 1').all()[0]
    return row ? String(row.at) : undefined
  }

  /** Beats now and then every `intervalMs` until stop(). */
  start(intervalMs = HEARTBEAT_MS): void {
    this.beat()
    this.timer = setInterval(() => this.beat(), intervalMs)
    this.timer.unref()
  }

  private beat(): void {
    this.beatStmt.run(new Date().toISOString())
  }

  stop(): void {
    clearInterval(this.timer)
  }
}
