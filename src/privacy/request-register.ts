// The request register: each data-subject request with its type, received and due dates
// (one month, Art. 12(3); once extended by two more months with a reason), its status and
// a status per store. Subjects are kept as a keyed hash plus the sealed value (see
// secret-key.ts): the register is personal data itself, so it holds nothing readable.
import {randomBytes} from 'node:crypto'
import type {StoreDb} from '../store/store-db.js'
import {BadInputError} from '../errors.js'
import {isDayAfterToday} from '../units.js'
import {appendAudit, type AuditContext} from './audit-log.js'
import type {SecretKey} from './secret-key.js'
import {subjectHash, type Identifier} from './subject.js'

export const REQUEST_TYPES = ['access', 'erasure', 'rectification', 'restriction'] as const
export type RequestType = (typeof REQUEST_TYPES)[number]
/** Statuses of a request that is answered or given up: its deadline no longer runs. Other
 *  statuses may be added by other commands (e.g. cancelling); this list names every closed one. */
export const CLOSED_STATUSES: readonly string[] = ['done', 'cancelled']
/** open: nothing done yet; partial: a store failed or steps remain; done: answered; restricted: a restriction is in force;
 *  failed: a store refused a step (see its message; replan or cancel); cancelled: closed without an answer (dsar cancel). */
export type RequestStatus = 'open' | 'partial' | 'done' | 'restricted' | 'failed' | 'cancelled'

export interface StoreStatus {
  store: string
  status: string
  message: string | null
  updatedAt: string
}

export interface DsarRequest {
  id: string
  type: RequestType
  status: RequestStatus
  receivedAt: string
  dueAt: string
  extendedReason: string | null
  note: string | null
  datamap: string | null
  updatedAt: string
  subjects: Array<{type: string; hash: string}>
  stores: StoreStatus[]
}

/** Adds calendar months; the 31st plus one month is the last day of the next month. */
export function addMonths(from: Date, months: number): Date {
  const d = new Date(from)
  const day = d.getUTCDate()
  d.setUTCDate(1)
  d.setUTCMonth(d.getUTCMonth() + months)
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate()
  d.setUTCDate(Math.min(day, last))
  return d
}

export function daysLeft(r: Pick<DsarRequest, 'dueAt'>, now = new Date()): number {
  return Math.ceil((Date.parse(r.dueAt) - now.getTime()) / 86_400_000)
}

/** Records the request and its 'request.opened' audit entry in one transaction: both or neither.
 *  receivedDay (midnight UTC, as parseDay gives it) is the day a request arrived by letter or
 *  phone before it was entered; the one-month deadline counts from it. */
export async function openRequest(
  ctx: AuditContext,
  input: {type: RequestType; subjects: Identifier[]; note?: string; datamap?: string; now?: Date; receivedDay?: Date},
): Promise<DsarRequest> {
  const {key} = ctx
  const now = input.now ?? new Date()
  if (input.receivedDay && isDayAfterToday(input.receivedDay, now))
    throw new BadInputError(
      `--received ${input.receivedDay.toISOString().slice(0, 10)} is in the future; give the day the request arrived.`,
    )
  const received = input.receivedDay ?? now
  const id = `dsr-${now.toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(3).toString('hex')}`
  return ctx.db.tx(async (t) => {
    await t.run(
      'INSERT INTO dsar_requests (id, type, status, received_at, due_at, note, datamap, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [
        id,
        input.type,
        'open',
        received.toISOString(),
        addMonths(received, 1).toISOString(),
        input.note ?? null,
        input.datamap ?? null,
        now.toISOString(),
      ],
    )
    for (const s of input.subjects) {
      await t.run(
        'INSERT INTO dsar_subjects (request_id, type, hash, sealed) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
        [id, s.type, subjectHash(key, s), key.seal(s.value)],
      )
    }
    await appendAudit(t, key, ctx.actor, {
      event: 'request.opened',
      requestId: id,
      subjects: input.subjects.map((s) => subjectHash(key, s)),
      details: input.receivedDay ? {type: input.type, receivedAt: received.toISOString()} : {type: input.type},
    })
    return getRequest(t, id)
  })
}

type Row = {
  id: string
  type: RequestType
  status: RequestStatus
  received_at: string
  due_at: string
  extended_reason: string | null
  note: string | null
  datamap: string | null
  updated_at: string
}

async function hydrate(db: StoreDb, r: Row): Promise<DsarRequest> {
  const subjects = await db.all<{type: string; hash: string}>(
    'SELECT type, hash FROM dsar_subjects WHERE request_id = ? ORDER BY type, hash',
    [r.id],
  )
  const stores = await db.all<{store: string; status: string; message: string | null; updated_at: string}>(
    'SELECT * FROM dsar_store_status WHERE request_id = ? ORDER BY store',
    [r.id],
  )
  return {
    id: r.id,
    type: r.type,
    status: r.status,
    receivedAt: r.received_at,
    dueAt: r.due_at,
    extendedReason: r.extended_reason,
    note: r.note,
    datamap: r.datamap,
    updatedAt: r.updated_at,
    subjects,
    stores: stores.map((s) => ({store: s.store, status: s.status, message: s.message, updatedAt: s.updated_at})),
  }
}

/** The request, or bad input (exit 2) naming the unknown id. */
export async function getRequest(db: StoreDb, id: string): Promise<DsarRequest> {
  const row = (await db.all<Row>('SELECT * FROM dsar_requests WHERE id = ?', [id]))[0]
  if (!row) throw new BadInputError(`there is no request '${id}' (see 'confctl dsar list').`)
  return hydrate(db, row)
}

/** The subject's identifiers in clear, for searching the stores. */
export async function requestSubjects(db: StoreDb, key: SecretKey, id: string): Promise<Identifier[]> {
  const rows = await db.all<{type: Identifier['type']; sealed: string | null}>(
    'SELECT type, sealed FROM dsar_subjects WHERE request_id = ?',
    [id],
  )
  if (rows.some((r) => r.sealed === null))
    throw new BadInputError(`the subjects of request '${id}' were shredded; it can no longer be searched.`)
  return rows.map((r) => ({type: r.type, value: key.unseal(r.sealed!)}))
}

/** Overdue first, then by due date. */
export async function listRequests(db: StoreDb): Promise<DsarRequest[]> {
  const rows = await db.all<Row>('SELECT * FROM dsar_requests ORDER BY due_at, id')
  const all = await Promise.all(rows.map((r) => hydrate(db, r)))
  const open = (r: DsarRequest) => !CLOSED_STATUSES.includes(r.status)
  return all.sort((a, b) => Number(open(b)) - Number(open(a)) || a.dueAt.localeCompare(b.dueAt))
}

/** Moves the due date two months on, once, with its 'request.extended' audit entry in the same transaction. */
export async function extendRequest(ctx: AuditContext, id: string, reason: string): Promise<DsarRequest> {
  return ctx.db.tx(async (t) => {
    const r = await getRequest(t, id)
    if (CLOSED_STATUSES.includes(r.status))
      throw new BadInputError(
        `request '${id}' is ${r.status}; only a request still being answered can have its deadline extended.`,
      )
    if (r.extendedReason)
      throw new BadInputError(`request '${id}' was already extended (Art. 12(3) allows one extension of two months).`)
    if (!reason.trim()) throw new BadInputError('--reason must say why the request needs more time.')
    const due = addMonths(new Date(r.dueAt), 2).toISOString()
    await t.run('UPDATE dsar_requests SET due_at = ?, extended_reason = ?, updated_at = ? WHERE id = ?', [
      due,
      reason.trim(),
      new Date().toISOString(),
      id,
    ])
    await appendAudit(t, ctx.key, ctx.actor, {
      event: 'request.extended',
      requestId: id,
      subjects: r.subjects.map((s) => s.hash),
      details: {dueAt: due, reason: reason.trim()},
    })
    return getRequest(t, id)
  })
}

export async function setRequestStatus(db: StoreDb, id: string, status: RequestStatus): Promise<void> {
  await db.run('UPDATE dsar_requests SET status = ?, updated_at = ? WHERE id = ?', [
    status,
    new Date().toISOString(),
    id,
  ])
}

export async function setStoreStatus(
  db: StoreDb,
  id: string,
  store: string,
  status: string,
  message: string | null = null,
): Promise<void> {
  const now = new Date().toISOString()
  await db.run(
    'INSERT INTO dsar_store_status (request_id, store, status, message, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (request_id, store) DO UPDATE SET status = excluded.status, message = excluded.message, updated_at = excluded.updated_at',
    [id, store, status, message, now],
  )
}
