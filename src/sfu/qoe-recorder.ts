// Writes one QoE sample per stream to the node's SQLite file every interval, and deletes
// samples older than the retention (the privacy notices keep such records for 7 days).
// A sample names the participant's identity and user agent: it is personal data, which is
// why it lives beside the sessions and is pruned by the node itself.
import type {NodeDb, SqlStatement} from './node-db.js'
import type {QoeSample} from '../api/node-api.js'
import type {RoomRegistry} from './room-registry.js'
import {qoeSampleOf} from '../api/qoe-sample.js'

export interface QoeSampleFilter {
  since: string // ISO 8601
  room?: string
  participant?: string
  limit?: number
}

export class QoeRecorder {
  private readonly insert: SqlStatement
  private readonly prune: SqlStatement
  private readonly timer: NodeJS.Timeout

  constructor(
    private readonly db: NodeDb,
    private readonly registry: RoomRegistry,
    intervalSeconds: number,
    private readonly retentionSeconds: number,
  ) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS qoe_samples (
        time TEXT NOT NULL,
        room TEXT NOT NULL,
        participant_id TEXT NOT NULL,
        identity TEXT NOT NULL,
        direction TEXT NOT NULL,
        kind TEXT NOT NULL,
        codec TEXT NOT NULL,
        source_publisher_id TEXT,
        packets INTEGER NOT NULL,
        lost INTEGER NOT NULL,
        fraction_lost REAL NOT NULL,
        jitter_ms REAL,
        rtt_ms REAL,
        bitrate_bps INTEGER NOT NULL,
        mos REAL,
        user_agent TEXT NOT NULL,
        expected INTEGER
      );
      CREATE INDEX IF NOT EXISTS qoe_samples_time ON qoe_samples(time);
      CREATE INDEX IF NOT EXISTS qoe_samples_identity ON qoe_samples(identity);
    `)
    // A node.db from before the column: add it (its old rows have none; their windows fall back
    // to the packets sent, src/qoe/node-streams.ts).
    const columns = db.prepare('PRAGMA table_info(qoe_samples)').all() as Array<{name: string}>
    if (!columns.some((c) => c.name === 'expected')) db.exec('ALTER TABLE qoe_samples ADD COLUMN expected INTEGER')
    this.insert = db.prepare(`INSERT INTO qoe_samples
      (time, room, participant_id, identity, direction, kind, codec, source_publisher_id, packets, lost, expected, fraction_lost, jitter_ms, rtt_ms, bitrate_bps, mos, user_agent) VALUES
      (@time, @room, @participantId, @identity, @direction, @kind, @codec, @sourcePublisherId, @packets, @lost, @expected, @fractionLost, @jitterMs, @rttMs, @bitrateBps, @mos, @userAgent)`)
    this.prune = db.prepare('DELETE FROM qoe_samples WHERE time < ?')
    const write = db.transaction(() => this.sampleAll())
    this.timer = setInterval(() => write(), intervalSeconds * 1000)
    this.timer.unref()
    this.pruneOld()
  }

  private sampleAll(): void {
    const time = new Date().toISOString()
    for (const room of this.registry.list()) {
      for (const p of room.participants()) {
        for (const s of p.streams()) {
          this.insert.run(
            qoeSampleOf(room.name, {id: p.id, identity: p.who.identity, userAgent: p.who.userAgent}, s, time),
          )
        }
      }
    }
    this.pruneOld()
  }

  /** Samples since a time, optionally of one room and/or participant (id or identity). */
  query(filter: QoeSampleFilter): QoeSample[] {
    const where = ['time >= @since']
    if (filter.room) where.push('room = @room')
    if (filter.participant) where.push('(participant_id = @participant OR identity = @participant)')
    const rows = this.db
      .prepare(`SELECT * FROM qoe_samples WHERE ${where.join(' AND ')} ORDER BY time LIMIT @limit`)
      .all({
        since: filter.since,
        room: filter.room ?? null,
        participant: filter.participant ?? null,
        limit: filter.limit ?? 100_000,
      }) as Array<Record<string, unknown>>
    return rows.map((r) => ({
      time: r.time as string,
      room: r.room as string,
      participantId: r.participant_id as string,
      identity: r.identity as string,
      direction: r.direction as QoeSample['direction'],
      kind: r.kind as QoeSample['kind'],
      codec: r.codec as string,
      sourcePublisherId: (r.source_publisher_id as string | null) ?? null,
      packets: r.packets as number,
      lost: r.lost as number,
      expected: (r.expected as number | null) ?? null,
      fractionLost: r.fraction_lost as number,
      jitterMs: r.jitter_ms as number | null,
      rttMs: r.rtt_ms as number | null,
      bitrateBps: r.bitrate_bps as number,
      mos: r.mos as number | null,
      userAgent: r.user_agent as string,
    }))
  }

  /** Deletes samples past the retention; returns how many went. */
  pruneOld(now = Date.now()): number {
    return this.prune.run(new Date(now - this.retentionSeconds * 1000).toISOString()).changes
  }

  stop(): void {
    clearInterval(this.timer)
  }
}
