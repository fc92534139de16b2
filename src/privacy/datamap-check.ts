// `datamap check`: the datamap against the stores as they are. Every store is connected and
// every table, column, key pattern, path and reference target compared with reality; SQL
// lookups are matched with the indexes that serve them. `dsar open` runs the cheap part
// (SQL tables and columns, directories) so a broken map is refused with file:line:key before
// a request depends on it, instead of failing as a store error days later.
import {BadInputError, CheckFailedError, UnreachableError, type ConfctlError} from '../errors.js'
import {openSqlDriver} from './connectors/sql-drivers.js'
import {checkFileStore} from './datamap-check-files.js'
import {checkRedisStore} from './datamap-check-redis.js'
import {checkSqlStore} from './datamap-check-sql.js'
import type {CheckFinding, DatamapCheckReport, StoreCheck} from './datamap-check-types.js'
import type {Datamap, StoreDef} from './datamap-types.js'

async function checkStore(map: Datamap, store: StoreDef, cheap: boolean, out: StoreCheck, findings: CheckFinding[]) {
  const report = (f: CheckFinding) => findings.push(f)
  switch (store.kind) {
    case 'sqlite':
    case 'postgres':
    case 'mysql': {
      const db = await openSqlDriver(store)
      try {
        const r = await checkSqlStore(map, store, db, report, cheap)
        out.checked = r.checked
        out.lookups = r.lookups
      } finally {
        await db.close()
      }
      return
    }
    case 'redis':
      if (!cheap) out.checked = await checkRedisStore(store, report)
      return
    default:
      out.checked = checkFileStore(store, report)
  }
}

export async function checkDatamap(map: Datamap, opts: {cheap?: boolean} = {}): Promise<DatamapCheckReport> {
  const findings: CheckFinding[] = []
  const stores: StoreCheck[] = []
  for (const store of map.stores) {
    const out: StoreCheck = {store: store.name, kind: store.kind, reachable: true, checked: [], lookups: []}
    stores.push(out)
    try {
      await checkStore(map, store, opts.cheap ?? false, out, findings)
    } catch (err) {
      if (err instanceof UnreachableError) {
        out.reachable = false
        out.message = err.message
        continue
      }
      // A catalog the account may not read, a dropped connection: say which store, never a stack.
      const e = err as NodeJS.ErrnoException
      if (e && /ECONN|EPIPE|ETIMEDOUT|terminated|closed/i.test(`${e.code ?? ''} ${e.message}`)) {
        out.reachable = false
        out.message = `store '${store.name}' (${store.kind}) went away: ${e.code ?? e.message}.`
        continue
      }
      findings.push({
        level: 'error',
        at: store.origin,
        key: `stores.${store.name}`,
        message: `could not be checked: ${String(e?.message ?? err).split('\n')[0]}`,
      })
    }
  }
  return {ok: !findings.some((f) => f.level === 'error'), sources: map.sources, stores, findings}
}

export function findingLine(f: CheckFinding): string {
  return `${f.level === 'warning' ? 'warning: ' : ''}datamap ${f.at}: '${f.key}' ${f.message}.`
}

/** Exit 1 when the datamap does not match a store, else 3 when a store could not be reached. */
export function checkOutcome(r: DatamapCheckReport): ConfctlError | undefined {
  const errors = r.findings.filter((f) => f.level === 'error').length
  if (errors)
    return new CheckFailedError(`the datamap does not match the stores (${errors} error(s)).`, {reported: true})
  const down = r.stores.filter((s) => !s.reachable)
  if (down.length)
    return new UnreachableError(`not checked: ${down.map((s) => s.store).join(', ')} could not be reached.`, {
      reported: true,
    })
  return undefined
}

/** The cheap part, for `dsar open`: a table, column or directory the stores do not have is bad
 *  input (exit 2) naming file:line:key. Stores that cannot be reached now are returned, not fatal:
 *  the request is still recorded (its deadline runs from receipt). */
export async function assertDatamapMatches(map: Datamap): Promise<StoreCheck[]> {
  const r = await checkDatamap(map, {cheap: true})
  const errors = r.findings.filter((f) => f.level === 'error')
  if (errors.length)
    throw new BadInputError(
      `${findingLine(errors[0]).replace(/\.$/, '')}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}; \`confctl datamap check\` lists every mismatch.`,
    )
  return r.stores.filter((s) => !s.reachable)
}
