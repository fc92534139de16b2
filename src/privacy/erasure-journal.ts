// The erasure journal: every planned step is written (sealed: it may name records) before
// anything changes, marked `applying` just before it runs and `done` with its count right
// after. A rerun skips `done` steps; a step caught in `applying` is run again, which is
// safe because every step sets absolute values or removes by key (connector.ts). A step the
// store refused is `failed` (run again on the next --execute); `--replan` marks every step not
// yet done `superseded` and appends the fresh plan after it, `dsar cancel` marks them
// `cancelled`: the journal keeps both plans, in the order they were made.
import type {StoreDb} from '../store/store-db.js'
import type {StepAction} from './connectors/connector.js'
import type {PlannedStep} from './erasure-plan.js'
import type {SecretKey} from './secret-key.js'

export interface JournalStep extends PlannedStep {
  seq: number
  status: 'planned' | 'applying' | 'done' | 'failed' | 'superseded' | 'cancelled'
  changed: number | null
}

/** Steps still to run: planned, caught in `applying`, or refused last time. */
export const isPending = (s: Pick<JournalStep, 'status'>): boolean =>
  s.status === 'planned' || s.status === 'applying' || s.status === 'failed'

/** Marks every pending step with `status` (superseded by a new plan, or cancelled); returns how many. */
export async function journalClose(
  db: StoreDb,
  requestId: string,
  status: 'superseded' | 'cancelled',
): Promise<number> {
  return db.run(
    "UPDATE erasure_steps SET status = ? WHERE request_id = ? AND status IN ('planned', 'applying', 'failed')",
    [status, requestId],
  )
}

type Row = {
  seq: unknown
  store: string
  collection: string
  summary: string
  sealed_action: string
  status: JournalStep['status']
  changed: unknown
}

export async function journalSteps(db: StoreDb, key: SecretKey, requestId: string): Promise<JournalStep[]> {
  const rows = await db.all<Row>('SELECT * FROM erasure_steps WHERE request_id = ? ORDER BY seq', [requestId])
  return rows.map((r) => ({
    seq: Number(r.seq),
    store: r.store,
    collection: r.collection,
    summary: r.summary,
    status: r.status,
    changed: r.changed === null ? null : Number(r.changed),
    action: JSON.parse(key.unseal(r.sealed_action)) as StepAction,
  }))
}

/** Appends steps after the last one, all in one transaction (or inside the caller's); returns the first new seq. */
export async function journalAppend(
  db: StoreDb,
  key: SecretKey,
  requestId: string,
  steps: PlannedStep[],
): Promise<number> {
  return db.tx(async (t) => {
    const last = Number(
      (await t.all<{n: unknown}>('SELECT MAX(seq) AS n FROM erasure_steps WHERE request_id = ?', [requestId]))[0]?.n ??
        0,
    )
    let seq = last
    for (const s of steps) {
      await t.run(
        'INSERT INTO erasure_steps (request_id, seq, store, collection, summary, sealed_action, status) VALUES (?, ?, ?, ?, ?, ?, ?)',
        [requestId, ++seq, s.store, s.collection, s.summary, key.seal(JSON.stringify(s.action)), 'planned'],
      )
    }
    return last + 1
  })
}

export async function journalMark(
  db: StoreDb,
  requestId: string,
  seq: number,
  status: 'applying' | 'done' | 'failed',
  changed?: number,
): Promise<void> {
  const now = new Date().toISOString()
  if (status !== 'done')
    await db.run('UPDATE erasure_steps SET status = ?, started_at = ? WHERE request_id = ? AND seq = ?', [
      status,
      now,
      requestId,
      seq,
    ])
  else
    await db.run('UPDATE erasure_steps SET status = ?, changed = ?, done_at = ? WHERE request_id = ? AND seq = ?', [
      status,
      changed ?? 0,
      now,
      requestId,
      seq,
    ])
}
