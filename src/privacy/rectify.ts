// Rectification (Art. 16): `field=value` set on every found record whose collection lists
// that field (`collection.field=value` narrows it to one collection). Logs and recordings
// record what happened and are not rectified; they are reported as skipped.
import {BadInputError, UnreachableError} from '../errors.js'
import {appendAudit} from './audit-log.js'
import type {PrivacyContext} from './privacy-context.js'
import {setRequestStatus, setStoreStatus} from './request-register.js'
import type {RequestScope} from './request-scope.js'
import {searchSubject} from './subject-search.js'

export interface RectifyResult {
  request: string
  status: 'done' | 'partial'
  changes: Array<{store: string; collection: string; field: string; records: number; changed: number; skipped?: string}>
  unreachable: Array<{store: string; message: string}>
}

export function parseSet(text: string): {collection?: string; field: string; value: string} {
  const eq = text.indexOf('=')
  const left = eq > 0 ? text.slice(0, eq).trim() : ''
  if (!/^(\w+\.)?\w+$/.test(left))
    throw new BadInputError(`--set '${text}' must be FIELD=VALUE or COLLECTION.FIELD=VALUE.`)
  const [a, b] = left.split('.')
  return b ? {collection: a, field: b, value: text.slice(eq + 1)} : {field: a, value: text.slice(eq + 1)}
}

export async function rectify(
  ctx: PrivacyContext,
  scope: RequestScope,
  sets: Array<{collection?: string; field: string; value: string}>,
): Promise<RectifyResult> {
  for (const s of sets) {
    const known = scope.map.stores.some((st) =>
      st.collections.some(
        (c) => (!s.collection || c.name === s.collection) && c.fields.some((f) => f.name === s.field),
      ),
    )
    if (!known)
      throw new BadInputError(
        `--set ${s.collection ? `${s.collection}.` : ''}${s.field}: no collection of the datamap has a field '${s.field}'.`,
      )
  }
  const hits = await searchSubject(scope.map, scope.ids, scope.conns)
  const changes: RectifyResult['changes'] = []
  for (const st of hits) {
    for (const h of st.collections) {
      for (const s of sets) {
        if (
          h.records.length === 0 ||
          (s.collection && s.collection !== h.coll.name) ||
          !h.coll.fields.some((f) => f.name === s.field)
        )
          continue
        const conn = await scope.conns.get(st.store)
        if (!conn) continue
        if (['jsonl', 'combined-log', 'directory'].includes(scope.map.stores.find((x) => x.name === st.store)!.kind)) {
          changes.push({
            store: st.store,
            collection: h.coll.name,
            field: s.field,
            records: h.records.length,
            changed: 0,
            skipped: 'logs and files record events and are not rectified',
          })
          continue
        }
        try {
          changes.push({
            store: st.store,
            collection: h.coll.name,
            field: s.field,
            records: h.records.length,
            changed: await conn.rectify(h.coll, h.records, s.field, s.value),
          })
        } catch (err) {
          if (!(err instanceof UnreachableError)) throw err
          scope.conns.markDown(st.store, err.message)
        }
      }
    }
  }
  const unreachable = scope.map.stores
    .filter((s) => scope.conns.downReason(s.name))
    .map((s) => ({store: s.name, message: scope.conns.downReason(s.name)!}))
  for (const s of scope.map.stores)
    await setStoreStatus(
      ctx.db,
      scope.req.id,
      s.name,
      scope.conns.downReason(s.name) ? 'unreachable' : 'done',
      scope.conns.downReason(s.name) ?? null,
    )
  const status = unreachable.length ? 'partial' : 'done'
  await setRequestStatus(ctx.db, scope.req.id, status)
  await appendAudit(ctx.db, ctx.key, ctx.actor, {
    event: status === 'done' ? 'rectification.done' : 'rectification.partial',
    requestId: scope.req.id,
    subjects: scope.hashes,
    // Field names and counts only: the new values are personal data too.
    details: {
      changes: changes.map((c) => ({store: c.store, collection: c.collection, field: c.field, changed: c.changed})),
    },
  })
  return {request: scope.req.id, status, changes, unreachable}
}
