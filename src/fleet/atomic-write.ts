// Writes a file so that readers see either the old content or the new, never half of it
// (DESIGN.md: "never a half-done change"). The temp file sits in the same directory so the
// final rename stays on one file system and is atomic.
import {randomBytes} from 'node:crypto'
import {mkdir, open, rename, rm} from 'node:fs/promises'
import {basename, dirname, join} from 'node:path'

export async function writeFileAtomic(file: string, content: string, mode = 0o644): Promise<void> {
  const dir = dirname(file)
  await mkdir(dir, {recursive: true})
  const tmp = join(dir, `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  try {
    const handle = await open(tmp, 'wx', mode)
    try {
      await handle.writeFile(content, 'utf8')
      // Flush before the rename: otherwise a crash can leave the new name on empty data.
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(tmp, file)
  } catch (err) {
    await rm(tmp, {force: true})
    throw err
  }
}
