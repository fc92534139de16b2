// Tells a store's refusal of a statement (a constraint, a permission, a missing table or
// column) apart from everything else, in the words of the store itself, so a failed erasure
// step says what the database said instead of "internal error". PostgreSQL SQLSTATEs,
// MariaDB/MySQL error numbers and SQLite result codes.
import {StoreRefusedError} from '../../errors.js'
import type {StoreDef} from '../datamap-types.js'

type DbError = Error & {code?: string; errno?: number; sqlMessage?: string}

/** PostgreSQL: class 23 (integrity), 42501 (privilege), 25006 (read-only); 42P01/42703/3F000: the datamap is wrong. */
function postgresSide(code: string): StoreRefusedError['side'] | undefined {
  if (/^23/.test(code) || code === '42501' || code === '25006') return 'store'
  if (code === '42P01' || code === '42703' || code === '3F000') return 'datamap'
  return undefined
}

/** MariaDB/MySQL: FK (1451/1452), NOT NULL (1048), duplicate (1062), access (1044/1142/1143); missing table/column/db. */
function mysqlSide(errno: number): StoreRefusedError['side'] | undefined {
  if ([1451, 1452, 1048, 1062, 1216, 1217, 1044, 1142, 1143, 1227, 1290, 3819].includes(errno)) return 'store'
  if ([1146, 1054, 1049].includes(errno)) return 'datamap'
  return undefined
}

function sqliteSide(err: DbError): StoreRefusedError['side'] | undefined {
  if (/^SQLITE_(CONSTRAINT|READONLY|AUTH|PERM)/.test(err.code ?? '')) return 'store'
  if (/^no such (table|column)/i.test(err.message)) return 'datamap'
  return undefined
}

/** The refusal as a StoreRefusedError naming the store, or undefined when `err` is something else. */
export function storeRefusal(store: StoreDef, err: unknown): StoreRefusedError | undefined {
  const e = err as DbError
  if (!(e instanceof Error)) return undefined
  const side =
    store.kind === 'postgres'
      ? postgresSide(String(e.code ?? ''))
      : store.kind === 'mysql'
        ? typeof e.errno === 'number'
          ? mysqlSide(e.errno)
          : undefined
        : sqliteSide(e)
  if (!side) return undefined
  // MariaDB quotes the offending value in a duplicate-key message: it may be the subject's.
  const text = (e.sqlMessage ?? e.message)
    .replace(/\s*\n\s*/g, ' ')
    .replace(/Duplicate entry '.*?' for key/, 'Duplicate entry for key')
    .replace(/\.$/, '')
  return new StoreRefusedError(`store '${store.name}' (${store.kind}) refused: ${text}`, side)
}
