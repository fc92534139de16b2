// Proof after an erasure: every store searched again; the request passes only when all
// stores answered, everything the datamap covers could be searched (an unreadable file or
// a corrupt gzip might still hold the subject), no journaled step is pending, and whatever
// is still found is kept by a hold or by the datamap's `keep` (each listed with its reason).
import {appendAudit} from './audit-log.js'
import {collectionId, loadDependencies, withKeyReferences} from './erasure-dependencies.js'
import {isPending, journalSteps} from './erasure-journal.js'
import {keptReason, keptRecords} from './erasure-keep.js'
import {fileFindings} from './erasure-verify-files.js'
import {listHolds} from './holds.js'
import type {PrivacyContext} from './privacy-context.js'
import type {RequestScope} from './request-scope.js'
import {searchSubject} from './subject-search.js'

export interface VerifyResult {
  request: string
  ok: boolean
  pendingSteps: number
  stores: Array<{
    store: string
    reachable: boolean
    message?: string
    remaining: Array<{collection: string; key: string; via: string[]}>
    kept: Array<{collection: string; key: string; reason: string; hold?: string}>
    unsearchable: Array<{collection: string; path: string; reason: string}>
  }>
}

export async function verifyErasure(ctx: PrivacyContext, scope: RequestScope): Promise<VerifyResult> {
  const holds = await listHolds(ctx.db)
  // The same walk and keeps as the erasure: a held record's dependants are listed as kept.
  const deps = await loadDependencies(scope.map, scope.conns)
  const hits = await searchSubject(withKeyReferences(scope.map, deps), scope.ids, scope.conns)
  const why = keptRecords(hits, deps.edges, holds, scope.hashes)
  const journal = await journalSteps(ctx.db, ctx.key, scope.req.id)
  const pendingSteps = journal.filter(isPending).length
  // Files: unsearchable items and deleted paths present again, outside collections a hold or keep covers.
  const files = fileFindings(hits, journal, (coll) => !!keptReason(coll, holds, scope.hashes))
  const stores: VerifyResult['stores'] = hits.map((s) => {
    const remaining: VerifyResult['stores'][number]['remaining'] = []
    const kept: VerifyResult['stores'][number]['kept'] = []
    for (const h of s.collections) {
      const keptHere = why.get(collectionId(s.store, h.coll.name))
      for (const r of h.records) {
        const k = keptHere?.get(r.key)
        if (k) kept.push({collection: h.coll.name, key: r.key, reason: k.reason, hold: k.hold})
        else remaining.push({collection: h.coll.name, key: r.key, via: r.via})
      }
    }
    remaining.push(...files.remaining(s.store))
    return {
      store: s.store,
      reachable: s.reachable,
      message: s.message,
      remaining,
      kept,
      unsearchable: files.unsearchable(s.store),
    }
  })
  const ok =
    pendingSteps === 0 && stores.every((s) => s.reachable && s.remaining.length === 0 && s.unsearchable.length === 0)
  await appendAudit(ctx.db, ctx.key, ctx.actor, {
    event: ok ? 'verify.passed' : 'verify.failed',
    requestId: scope.req.id,
    subjects: scope.hashes,
    details: {
      pendingSteps,
      stores: Object.fromEntries(
        stores.map((s) => [
          s.store,
          {
            reachable: s.reachable,
            remaining: s.remaining.length,
            kept: s.kept.length,
            unsearchable: s.unsearchable.length,
          },
        ]),
      ),
    },
  })
  return {request: scope.req.id, ok, pendingSteps, stores}
}
