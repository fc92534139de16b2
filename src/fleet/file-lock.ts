// A small cross-process lock file, for read-modify-write of files several confctl
// processes may update at once (fleet.yaml). The lock holds the owner's pid, so a lock
// left by a crashed process is detected and taken over instead of blocking forever.
import {open, readFile, rm} from 'node:fs/promises'
import {mkdir} from 'node:fs/promises'
import {dirname} from 'node:path'
import {BusyError} from '../errors.js'
import {isProcessAlive} from './process-check.js'

export async function withFileLock<T>(lockFile: string, fn: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  await mkdir(dirname(lockFile), {recursive: true})
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      const handle = await open(lockFile, 'wx', 0o600)
      await handle.writeFile(String(process.pid))
      await handle.close()
      break
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      const owner = Number((await readFile(lockFile, 'utf8').catch(() => '')).trim())
      // An empty file may be a lock being written right now: only a dead pid is stale.
      if (owner > 0 && !isProcessAlive(owner)) {
        await rm(lockFile, {force: true})
        continue
      }
      if (Date.now() > deadline) {
        throw new BusyError(
          `${lockFile} is held by process ${owner || '(unknown)'}; try again, or delete the file if that process is gone.`,
        )
      }
      await new Promise((r) => setTimeout(r, 50))
    }
  }
  try {
    return await fn()
  } finally {
    await rm(lockFile, {force: true})
  }
}
