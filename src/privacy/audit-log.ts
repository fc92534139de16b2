// The audit log: every request event and action, who ran it, when, with per-store counts,
// never a subject in clear (only keyed hashes). Each entry's hash is an HMAC (privacy.key)
// over the previous hash and the entry, so editing, removing or reordering entries breaks
// the chain, and without the key nobody can forge a new consistent chain. The head row, sealed
// with the key too (audit_head_mac), catches entries cut off the end; what a replayed older
// head or an emptied log hides is caught by the witness (audit-witness.ts) and by anchors kept
// elsewhere (audit-anchor.ts).
import {userInfo} from 'node:os'
import type {StoreDb} from '../store/store-db.js'
import type {SecretKey} from './secret-key.js'

export interface AuditEvent {
  event: string
  requestId?: string
  subjects?: string[] // keyed hashes
  details?: Record<string, unknown>
}

export interface AuditEntry {
  seq: number
  at: string
  actor: string
  event: string
  requestId: string | null
  subjects: string[]
  details: Record<string, unknown>
  hash: string
}

export interface AuditProblem {
  seq: number
  problem: string
}

/** What a domain operation needs to record itself: the store, the key that chains the log,
 *  and who runs it. PrivacyContext satisfies it. */
export interface AuditContext {
  db: StoreDb
  key: SecretKey
  actor: string
}

const GENESIS = 'genesis'

/** The problem a head without its seal shows: tampering, or a store last written by a confctl
 *  from before the seal existed (`audit anchor` seals it; see docs/privacy.md). */
export const UNSEALED_HEAD =
  "the head is not sealed with the privacy key: it was written by an older confctl (run 'confctl audit anchor' to seal it) or tampered with"

function headMac(key: SecretKey, seq: number, hash: string): string {
  return key.mac('audit-head', `${seq}\n${hash}`)
}

export interface AuditHead {
  seq: number
  hash: string
  /** Whether the head's seal matches: only then was it written by someone holding the key. */
  sealed: boolean
}

/** The head row and whether its seal matches, or undefined for a log that was never written. */
export async function readHead(db: StoreDb, key: SecretKey): Promise<AuditHead | undefined> {
  const head = (await db.all<{seq: unknown; hash: string}>('SELECT seq, hash FROM audit_head WHERE id = 1'))[0]
  if (!head) return undefined
  const mac = (await db.all<{mac: string}>('SELECT mac FROM audit_head_mac WHERE id = 1'))[0]?.mac
  const seq = Number(head.seq)
  return {seq, hash: head.hash, sealed: mac === headMac(key, seq, head.hash)}
}

/** Whether the log still holds an entry someone recorded earlier (a witness, an anchor):
 *  undefined when it does, else the problem in one sentence. `claim` says who recorded it,
 *  e.g. "entry 7 was seen on ... (witness FILE)". */
export async function missingFromLog(
  db: StoreDb,
  point: {seq: number; hash: string},
  claim: string,
): Promise<string | undefined> {
  const hash = (await db.all<{hash: string}>('SELECT hash FROM audit_log WHERE seq = ?', [point.seq]))[0]?.hash
  if (hash === point.hash) return undefined
  const last = Number((await db.all<{seq: unknown}>('SELECT MAX(seq) AS seq FROM audit_log'))[0]?.seq ?? 0)
  if (last === 0) return `the log is empty, but ${claim}: the log was emptied or replaced`
  if (last < point.seq) return `the log ends at entry ${last}, but ${claim}: entries were cut off the end`
  if (hash === undefined) return `entry ${point.seq} is missing, but ${claim}: entries were removed`
  return `entry ${point.seq} is another one than recorded (${claim}): the log was replaced or rewritten`
}

export function currentActor(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CONFCTL_ACTOR?.trim()) return env.CONFCTL_ACTOR.trim()
  try {
    return userInfo().username
  } catch {
    return `uid:${process.getuid?.() ?? '?'}`
  }
}

function entryHash(
  key: SecretKey,
  prev: string,
  row: {
    seq: number
    at: string
    actor: string
    event: string
    request_id: string | null
    subjects: string
    details: string
  },
): string {
  const body = JSON.stringify([row.seq, row.at, row.actor, row.event, row.request_id, row.subjects, row.details])
  return key.mac('audit', `${prev}\n${body}`)
}

/** Appends one entry. Called with a transaction's db (StoreDb.tx nests), the entry commits or
 *  rolls back together with the change it records. */
export async function appendAudit(db: StoreDb, key: SecretKey, actor: string, ev: AuditEvent): Promise<number> {
  return db.tx(async (t) => {
    const head = (await t.all<{seq: unknown; hash: string}>('SELECT seq, hash FROM audit_head WHERE id = 1'))[0]
    const prev = head?.hash ?? GENESIS
    const row = {
      seq: Number(head?.seq ?? 0) + 1,
      at: new Date().toISOString(),
      actor,
      event: ev.event,
      request_id: ev.requestId ?? null,
      subjects: JSON.stringify(ev.subjects ?? []),
      details: JSON.stringify(ev.details ?? {}),
    }
    const hash = entryHash(key, prev, row)
    await t.run(
      'INSERT INTO audit_log (seq, at, actor, event, request_id, subjects, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [row.seq, row.at, row.actor, row.event, row.request_id, row.subjects, row.details, prev, hash],
    )
    if (head) await t.run('UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1', [row.seq, hash])
    else await t.run('INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?)', [row.seq, hash])
    // Delete + insert: portable across SQLite and PostgreSQL, and it also re-seals a store whose
    // head was written before the seal existed.
    await t.run('DELETE FROM audit_head_mac WHERE id = 1')
    await t.run('INSERT INTO audit_head_mac (id, mac) VALUES (1, ?)', [headMac(key, row.seq, hash)])
    return row.seq
  })
}

type AuditRow = {
  seq: unknown
  at: string
  actor: string
  event: string
  request_id: string | null
  subjects: string
  details: string
  prev_hash: string
  hash: string
}

export async function readAudit(db: StoreDb, requestId?: string): Promise<AuditEntry[]> {
  const rows = await db.all<AuditRow>(
    `SELECT * FROM audit_log ${requestId ? 'WHERE request_id = ?' : ''} ORDER BY seq`,
    requestId ? [requestId] : [],
  )
  return rows.map((r) => ({
    seq: Number(r.seq),
    at: r.at,
    actor: r.actor,
    event: r.event,
    requestId: r.request_id,
    subjects: JSON.parse(r.subjects),
    details: JSON.parse(r.details),
    hash: r.hash,
  }))
}

/** Walks the chain; every inconsistency is one problem naming the entry where it shows. */
export async function verifyAudit(db: StoreDb, key: SecretKey): Promise<{entries: number; problems: AuditProblem[]}> {
  // Read in storage order too: sorting by seq would hide swapped seq numbers only if hashes matched, which they cannot.
  const rows = await db.all<AuditRow>('SELECT * FROM audit_log ORDER BY seq')
  const problems: AuditProblem[] = []
  let prev = GENESIS
  let expected = 1
  for (const r of rows) {
    const seq = Number(r.seq)
    if (seq !== expected)
      problems.push({seq, problem: `expected entry ${expected} here: entries were removed or renumbered`})
    if (r.prev_hash !== prev)
      problems.push({seq, problem: 'does not follow the entry before it (removed or reordered)'})
    const hash = entryHash(key, r.prev_hash, {...r, seq})
    if (hash !== r.hash) problems.push({seq, problem: 'its content does not match its hash (edited)'})
    prev = r.hash
    expected = seq + 1
  }
  const head = await readHead(db, key)
  const lastSeq = rows.length ? Number(rows[rows.length - 1].seq) : 0
  if (head && (head.seq !== lastSeq || head.hash !== prev))
    problems.push({
      seq: head.seq,
      problem: `the log ends at entry ${lastSeq}, but its head says ${head.seq}: entries were cut off the end`,
    })
  if (head && !head.sealed) problems.push({seq: head.seq, problem: UNSEALED_HEAD})
  if (!head && rows.length) problems.push({seq: lastSeq, problem: 'the head record is missing'})
  return {entries: rows.length, problems}
}
