// What every privacy command needs, opened once and closed on every path: confctl's own
// store, the secret key and who is running it (for the audit log).
import {confctlHome} from '../store/home.js'
import {openStore, storeExists} from '../store/open-store.js'
import type {StoreDb} from '../store/store-db.js'
import {currentActor} from './audit-log.js'
import {witnessHead} from './audit-witness.js'
import {SecretKey} from './secret-key.js'

export interface PrivacyContext {
  home: string
  db: StoreDb
  key: SecretKey
  actor: string
}

export async function withPrivacy<T>(
  fn: (ctx: PrivacyContext) => Promise<T>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<T> {
  const home = confctlHome(env)
  const key = SecretKey.load(home, env)
  const db = await openStore(home, env)
  const ctx = {home, db, key, actor: currentActor(env)}
  try {
    return await fn(ctx)
  } finally {
    // After the command's transactions committed (or failed): what it appended is now part of
    // the log this machine has seen. Best effort on purpose: the witness is a lower bound that
    // audit verify checks, and a home that cannot take it must not fail the command's own work.
    await witnessHead(ctx).catch(() => {})
    await db.close()
  }
}

/** withPrivacy for read-only commands (dsar list): `nothing` when this machine has no privacy
 *  store yet, so a first look creates no key and no database. */
export async function withPrivacyIfPresent<T>(
  fn: (ctx: PrivacyContext) => Promise<T>,
  nothing: T,
  env: NodeJS.ProcessEnv = process.env,
): Promise<T> {
  if (!storeExists(confctlHome(env), env)) return nothing
  return withPrivacy(fn, env)
}
