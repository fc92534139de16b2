// `retention check`: per store and collection of the datamap, how many records are older
// than the retention period. It fails when a collection holds records past retention that
// its strategy has not yet erased and that nothing keeps (a `keep` law, a hold or an
// Art. 18 restriction; those are listed as kept). Changes nothing.
import {CheckFailedError, UnreachableError} from '../errors.js'
import type {Datamap} from './datamap-types.js'
import {listHolds} from './holds.js'
import type {PrivacyContext} from './privacy-context.js'
import {scanCollection, type KeptGroup} from './retention-scan.js'
import {Connectors} from './subject-search.js'

export interface RetentionCheckCollection {
  collection: string
  retention: string
  countsFrom: string
  cutoff: string
  /** Records past retention that still have to be erased; null when it could not be checked. */
  overdue: number | null
  strategy: string
  /** All records older than the period (overdue + anonymised + kept). */
  older: number
  /** Older records already anonymised by the strategy (null / pseudonymise / truncate-ip). */
  anonymised: number
  kept?: Array<Omit<KeptGroup, 'keys'>>
  unchecked?: string
}

export interface RetentionCheckStore {
  store: string
  reachable: boolean
  message?: string
  collections: RetentionCheckCollection[]
}

export interface RetentionCheck {
  checkedAt: string
  passed: boolean
  stores: RetentionCheckStore[]
}

export async function checkRetention(ctx: PrivacyContext, map: Datamap, now = new Date()): Promise<RetentionCheck> {
  const holds = await listHolds(ctx.db)
  const conns = new Connectors(map)
  const stores: RetentionCheckStore[] = []
  try {
    for (const s of map.stores) {
      const out: RetentionCheckStore = {store: s.name, reachable: true, collections: []}
      stores.push(out)
      const conn = await conns.get(s.name)
      try {
        if (!conn) throw new UnreachableError(conns.downReason(s.name) ?? `store '${s.name}' cannot be reached.`)
        for (const c of s.collections) {
          const r = await scanCollection(ctx, conn, c, holds, now)
          out.collections.push({
            collection: c.name,
            retention: r.period,
            countsFrom: r.countsFrom,
            cutoff: r.cutoff,
            overdue: r.unchecked ? null : r.dueCount,
            strategy: c.erasure.strategy,
            older: r.older,
            anonymised: r.anonymised,
            ...(r.kept.length ? {kept: r.kept.map(({keys: _k, ...g}) => g)} : {}),
            ...(r.unchecked ? {unchecked: r.unchecked} : {}),
          })
        }
      } catch (err) {
        if (!(err instanceof UnreachableError)) throw err
        conns.markDown(s.name, err.message)
        Object.assign(out, {reachable: false, message: err.message, collections: []})
      }
    }
  } finally {
    await conns.closeAll()
  }
  const passed = stores.every((s) => s.reachable && s.collections.every((c) => !c.overdue))
  return {checkedAt: now.toISOString(), passed, stores}
}

/**
 * What a check that did not pass comes to, for the command to throw once it has printed the
 * report (which says what and where, hence `reported`): records past retention are a failed
 * check (exit 1) even when a store was also down; else a store down is exit 3; else nothing.
 */
export function checkOutcome(r: RetentionCheck): CheckFailedError | UnreachableError | undefined {
  if (r.stores.some((s) => s.collections.some((c) => (c.overdue ?? 0) > 0)))
    return new CheckFailedError('records are past retention.', {reported: true})
  if (r.stores.some((s) => !s.reachable)) return new UnreachableError('a store could not be reached.', {reported: true})
  return undefined
}
