// Legal holds: a store, optionally one collection, optionally one subject (kept as a keyed
// hash), a reason and an end date. Erasure skips held records and reports them with the
// reason; verify lists them as kept.
import {randomBytes} from 'node:crypto'
import type {StoreDb} from '../store/store-db.js'
import {BadInputError} from '../errors.js'
import {appendAudit, type AuditContext} from './audit-log.js'
import type {Datamap} from './datamap-types.js'

export interface Hold {
  id: string
  store: string
  collection: string | null
  subjectHash: string | null
  reason: string
  until: string | null
  createdAt: string
  releasedAt: string | null
}

type Row = {
  id: string
  store: string
  collection: string | null
  subject_hash: string | null
  reason: string
  until_at: string | null
  created_at: string
  released_at: string | null
}
const toHold = (r: Row): Hold => ({
  id: r.id,
  store: r.store,
  collection: r.collection,
  subjectHash: r.subject_hash,
  reason: r.reason,
  until: r.until_at,
  createdAt: r.created_at,
  releasedAt: r.released_at,
})

/** Records the hold and its 'hold.added' audit entry in one transaction: both or neither. */
export async function addHold(
  ctx: AuditContext,
  map: Datamap | undefined,
  /** until: the last instant the hold applies (the CLI passes the end of the day given). */
  input: {store: string; collection?: string; subjectHash?: string; reason: string; until?: Date},
): Promise<Hold> {
  if (!input.reason.trim()) throw new BadInputError('--reason must say why the data is held.')
  if (map) {
    const store = map.stores.find((s) => s.name === input.store)
    if (!store)
      throw new BadInputError(
        `--store '${input.store}' is not a store of the datamap (${map.stores.map((s) => s.name).join(', ')}).`,
      )
    if (input.collection && !store.collections.some((c) => c.name === input.collection))
      throw new BadInputError(`--collection '${input.collection}' is not a collection of store '${input.store}'.`)
  }
  const id = `hold-${randomBytes(4).toString('hex')}`
  return ctx.db.tx(async (t) => {
    await t.run(
      'INSERT INTO holds (id, store, collection, subject_hash, reason, until_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [
        id,
        input.store,
        input.collection ?? null,
        input.subjectHash ?? null,
        input.reason.trim(),
        input.until?.toISOString() ?? null,
        new Date().toISOString(),
      ],
    )
    const h = (await listHolds(t, true)).find((x) => x.id === id)!
    await appendAudit(t, ctx.key, ctx.actor, {
      event: 'hold.added',
      subjects: h.subjectHash ? [h.subjectHash] : [],
      details: {hold: h.id, store: h.store, collection: h.collection, reason: h.reason, until: h.until},
    })
    return h
  })
}

export async function listHolds(db: StoreDb, all = false): Promise<Hold[]> {
  const rows = await db.all<Row>('SELECT * FROM holds ORDER BY created_at, id')
  const now = new Date().toISOString()
  return rows.map(toHold).filter((h) => all || (!h.releasedAt && (!h.until || h.until >= now)))
}

/** Releases the hold with its 'hold.released' audit entry in the same transaction. */
export async function releaseHold(ctx: AuditContext, id: string): Promise<Hold> {
  return ctx.db.tx(async (t) => {
    const h = (await listHolds(t, true)).find((x) => x.id === id)
    if (!h) throw new BadInputError(`there is no hold '${id}' (see 'confctl hold list').`)
    if (h.releasedAt) throw new BadInputError(`hold '${id}' was already released at ${h.releasedAt}.`)
    const releasedAt = new Date().toISOString()
    await t.run('UPDATE holds SET released_at = ? WHERE id = ?', [releasedAt, id])
    await appendAudit(t, ctx.key, ctx.actor, {
      event: 'hold.released',
      subjects: h.subjectHash ? [h.subjectHash] : [],
      details: {hold: h.id},
    })
    return {...h, releasedAt}
  })
}

/** The active hold that covers a collection for these subjects, if any. */
export function holdFor(holds: Hold[], store: string, collection: string, subjectHashes: string[]): Hold | undefined {
  return holds.find(
    (h) =>
      h.store === store &&
      (!h.collection || h.collection === collection) &&
      (!h.subjectHash || subjectHashes.includes(h.subjectHash)),
  )
}
