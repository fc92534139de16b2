// Which store this run uses: PostgreSQL when CONFCTL_STORE_URL is set, else SQLite at
// $CONFCTL_HOME/confctl.db.
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {BadInputError} from '../errors.js'
import {openPostgresStore} from './postgres-store.js'
import {openSqliteStore} from './sqlite-store.js'
import type {StoreDb} from './store-db.js'

export async function openStore(home: string, env: NodeJS.ProcessEnv = process.env): Promise<StoreDb> {
  const url = env.CONFCTL_STORE_URL?.trim()
  if (!url) return openSqliteStore(join(home, 'confctl.db'))
  if (!/^postgres(ql)?:\/\//.test(url))
    throw new BadInputError(`CONFCTL_STORE_URL must be a postgres:// URL, not '${url.split(':')[0]}:'.`)
  return openPostgresStore(url, env.CONFCTL_STORE_SCHEMA?.trim() || 'confctl')
}

/** Whether openStore would find a store rather than create one: read-only commands ask this
 *  first so that looking at a fresh $CONFCTL_HOME writes nothing. A PostgreSQL URL counts as
 *  present (the server is the operator's; opening it creates no file here). */
export function storeExists(home: string, env: NodeJS.ProcessEnv = process.env): boolean {
  return !!env.CONFCTL_STORE_URL?.trim() || existsSync(join(home, 'confctl.db'))
}
