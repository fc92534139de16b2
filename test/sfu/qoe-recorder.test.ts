// test-kind: unit
// The node's QoE sample table (src/sfu/qoe-recorder.ts) on a node.db written before samples
// carried the subscriber's reported expectations: the column is added, old rows read back with
// `expected: null` (their windows fall back to the packets sent), and nothing is lost.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import Database from 'better-sqlite3'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {QoeRecorder} from '../../src/sfu/qoe-recorder.js'
import {RoomRegistry} from '../../src/sfu/room-registry.js'
import {SessionStore} from '../../src/sfu/session-store.js'

const dir = mkdtempSync(join(tmpdir(), 'confctl-qoe-recorder-'))
test.after(() => rmSync(dir, {recursive: true, force: true}))

test('an older node.db gains the expected column and keeps its samples', () => {
  const path = join(dir, 'node.db')
  const old = new Database(path)
  old.exec(`CREATE TABLE qoe_samples (
    time TEXT NOT NULL, room TEXT NOT NULL, participant_id TEXT NOT NULL, identity TEXT NOT NULL,
    direction TEXT NOT NULL, kind TEXT NOT NULL, codec TEXT NOT NULL, source_publisher_id TEXT,
    packets INTEGER NOT NULL, lost INTEGER NOT NULL, fraction_lost REAL NOT NULL, jitter_ms REAL,
    rtt_ms REAL, bitrate_bps INTEGER NOT NULL, mos REAL, user_agent TEXT NOT NULL)`)
  const now = new Date().toISOString()
  old
    .prepare('INSERT INTO qoe_samples VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
    .run(now, 'r', 'sub', 'listener', 'downlink', 'audio', 'opus', 'pub', 950, 40, 0.05, 2, 10, 32000, 4, 'ua')
  old.close()

  const sessions = new SessionStore(path)
  const recorder = new QoeRecorder(sessions.db, new RoomRegistry(sessions), 3600, 86_400)
  try {
    const columns = sessions.db.prepare('PRAGMA table_info(qoe_samples)').all() as Array<{name: string}>
    assert.ok(
      columns.some((c) => c.name === 'expected'),
      'the expected column was added',
    )
    const rows = recorder.query({since: new Date(Date.now() - 60_000).toISOString()})
    assert.is(rows.length, 1)
    assert.is(rows[0]!.expected, null)
    assert.is(rows[0]!.packets, 950)
    assert.is(rows[0]!.lost, 40)
  } finally {
    recorder.stop()
    sessions.close()
  }
})

test.run()
