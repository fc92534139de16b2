// Restriction of processing (Art. 18): the subject's records are listed in confctl's
// store as restricted until lifted. Retention keeps them; processing commands ask
// isRestricted() and skip them. The stores themselves are not changed, so restricting
// needs no schema change in the operator's databases.
import type {StoreDb} from '../store/store-db.js'
import {appendAudit} from './audit-log.js'
import type {PrivacyContext} from './privacy-context.js'
import {setRequestStatus} from './request-register.js'
import type {RequestScope} from './request-scope.js'
import {searchSubject} from './subject-search.js'

export interface RestrictResult {
  request: string
  lifted: boolean
  records: Array<{store: string; collection: string; count: number}>
  unreachable: string[]
}

export async function restrict(ctx: PrivacyContext, scope: RequestScope): Promise<RestrictResult> {
  const hits = await searchSubject(scope.map, scope.ids, scope.conns)
  const now = new Date().toISOString()
  const records: RestrictResult['records'] = []
  const unreachable = hits.filter((s) => !s.reachable).map((s) => s.store)
  // The search above reads the operator's stores; only confctl's own writes share the
  // transaction, so the records, the request's status and the audit entry land together or not at all.
  await ctx.db.tx(async (t) => {
    for (const s of hits)
      for (const h of s.collections) {
        for (const r of h.records) {
          await t.run(
            'INSERT INTO restrictions (request_id, store, collection, record_key, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (request_id, store, collection, record_key) DO UPDATE SET lifted_at = NULL',
            [scope.req.id, s.store, h.coll.name, r.key, now],
          )
        }
        if (h.records.length) records.push({store: s.store, collection: h.coll.name, count: h.records.length})
      }
    await setRequestStatus(t, scope.req.id, unreachable.length ? 'partial' : 'restricted')
    await appendAudit(t, ctx.key, ctx.actor, {
      event: 'restriction.set',
      requestId: scope.req.id,
      subjects: scope.hashes,
      details: {records, unreachable},
    })
  })
  return {request: scope.req.id, lifted: false, records, unreachable}
}

export async function liftRestriction(ctx: PrivacyContext, scope: RequestScope): Promise<RestrictResult> {
  return ctx.db.tx(async (t) => {
    const rows = await t.all<{store: string; collection: string; n: unknown}>(
      'SELECT store, collection, COUNT(*) AS n FROM restrictions WHERE request_id = ? AND lifted_at IS NULL GROUP BY store, collection',
      [scope.req.id],
    )
    await t.run('UPDATE restrictions SET lifted_at = ? WHERE request_id = ? AND lifted_at IS NULL', [
      new Date().toISOString(),
      scope.req.id,
    ])
    const records = rows.map((r) => ({store: r.store, collection: r.collection, count: Number(r.n)}))
    await setRequestStatus(t, scope.req.id, 'done')
    await appendAudit(t, ctx.key, ctx.actor, {
      event: 'restriction.lifted',
      requestId: scope.req.id,
      subjects: scope.hashes,
      details: {records},
    })
    return {request: scope.req.id, lifted: true, records, unreachable: []}
  })
}

/** For processing commands (retention, exports, ...): is this record restricted? */
export async function isRestricted(
  db: StoreDb,
  store: string,
  collection: string,
  recordKey: string,
): Promise<boolean> {
  const rows = await db.all(
    'SELECT 1 FROM restrictions WHERE store = ? AND collection = ? AND record_key = ? AND lifted_at IS NULL',
    [store, collection, recordKey],
  )
  return rows.length > 0
}

/** Every restricted record key of one collection, read once (retention checks each of many records). */
export async function restrictedKeys(db: StoreDb, store: string, collection: string): Promise<Set<string>> {
  const rows = await db.all<{record_key: string}>(
    'SELECT record_key FROM restrictions WHERE store = ? AND collection = ? AND lifted_at IS NULL',
    [store, collection],
  )
  return new Set(rows.map((r) => r.record_key))
}
