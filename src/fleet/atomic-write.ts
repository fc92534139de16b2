// Writes a file so that readers see either the old content or the new, never half of it
// (DESIGN.md: "never a half-done change"). write-file-atomic does the work: a temp file in
// the same directory (so the rename stays on one file system and is atomic), created with
// the final mode (a 0600 file is never readable by others, not even briefly), fsynced before
// the rename (otherwise a crash can leave the new name on empty data), removed if anything
// fails, and concurrent writes to one file from this process done one after another.
import {mkdir} from 'node:fs/promises'
import {dirname} from 'node:path'

/** Without `mode`, a new file gets 0666 less the umask and an existing file keeps its mode. */
export async function writeFileAtomic(file: string, content: string, mode?: number): Promise<void> {
  await mkdir(dirname(file), {recursive: true})
  // Loaded on first use: commands that write nothing need not pay for it at startup.
  const {default: writeFileAtomicly} = await import('write-file-atomic')
  await writeFileAtomicly(file, content, {...(mode !== undefined ? {mode} : {}), fsync: true, encoding: 'utf8'})
}
