// A cross-process lock for read-modify-write of files several confctl processes may update
// at once (fleet.yaml, a node's start). proper-lockfile does the locking: the lock is a
// directory (mkdir is atomic, also on network file systems) whose mtime the holder refreshes
// while it works, so a lock left by a crashed or killed process goes stale and is taken over
// instead of blocking forever. Beside it, `<lock>.owner` names the holder, so a user who
// finds the lock busy is told by whom.
import {hostname} from 'node:os'
import {lstat, mkdir, readFile, rm, writeFile} from 'node:fs/promises'
import {dirname} from 'node:path'
import {BusyError} from '../errors.js'
import {isProcessAlive} from './process-check.js'

/** A lock not refreshed for this long belongs to a process that is gone (the holder
 *  refreshes it every STALE_MS / 2). proper-lockfile's default, and its minimum is 2 s. */
export const LOCK_STALE_MS = 10_000
const RETRY_MS = 100

interface Owner {
  pid: number
  host: string
}

async function readOwner(file: string): Promise<Owner | undefined> {
  try {
    const o = JSON.parse(await readFile(file, 'utf8')) as Partial<Owner>
    return typeof o.pid === 'number' && typeof o.host === 'string' ? {pid: o.pid, host: o.host} : undefined
  } catch {
    return undefined // not written yet, or already removed: the holder is unknown
  }
}

/** confctl before proper-lockfile locked with a plain file holding the owner's pid. Such a file
 *  left by a crashed process would never go away (proper-lockfile only removes directories):
 *  remove it when its pid is dead; a live one is respected until it removes its file. */
async function clearLegacyLock(lockFile: string): Promise<void> {
  const st = await lstat(lockFile).catch(() => undefined)
  if (!st?.isFile()) return
  const pid = Number((await readFile(lockFile, 'utf8').catch(() => '')).trim())
  if (pid > 0 && !isProcessAlive(pid)) await rm(lockFile, {force: true})
}

async function busy(lockFile: string): Promise<BusyError> {
  const legacy = await lstat(lockFile).then(
    (st) => st.isFile(),
    () => false,
  )
  const owner = legacy
    ? {pid: Number((await readFile(lockFile, 'utf8').catch(() => '')).trim()) || 0, host: hostname()}
    : await readOwner(`${lockFile}.owner`)
  const by = owner?.pid
    ? `process ${owner.pid}${owner.host === hostname() ? '' : ` on ${owner.host}`}`
    : 'another process'
  return new BusyError(
    `${lockFile} is held by ${by}; try again (a lock whose process is gone is taken over after ${LOCK_STALE_MS / 1000} s).`,
  )
}

/** Runs `fn` holding the lock `lockFile`; waits up to `timeoutMs` for it, then fails with
 *  BusyError (exit 75) naming the holder. */
export async function withFileLock<T>(lockFile: string, fn: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  await mkdir(dirname(lockFile), {recursive: true})
  await clearLegacyLock(lockFile)
  // Loaded on first use: most commands only read fleet.yaml and need not pay for it at startup.
  const {default: lockfile} = await import('proper-lockfile')
  let lost: Error | undefined
  let release: () => Promise<void>
  try {
    release = await lockfile.lock(lockFile, {
      lockfilePath: lockFile,
      realpath: false, // the lock's path is the name, there is no file to resolve
      stale: LOCK_STALE_MS,
      retries: {retries: Math.ceil(timeoutMs / RETRY_MS), factor: 1, minTimeout: RETRY_MS, maxTimeout: RETRY_MS},
      // The default throws from a timer (an uncaught exception); remember it and fail below.
      onCompromised: (err) => void (lost = err),
    })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOCKED') throw await busy(lockFile)
    throw err
  }
  const ownerFile = `${lockFile}.owner`
  // Informational only: a failure to write it must not fail the work the lock protects.
  await writeFile(ownerFile, JSON.stringify({pid: process.pid, host: hostname()}), {mode: 0o600}).catch(() => {})
  let result: T
  try {
    result = await fn()
  } finally {
    await rm(ownerFile, {force: true})
    await release().catch(() => {}) // already released if it was lost
  }
  if (lost) {
    throw new BusyError(
      `lost the lock ${lockFile} while working (this process stalled for over ${LOCK_STALE_MS / 1000} s, ` +
        `so another one may have taken it): check the result and try again.`,
    )
  }
  return result
}
