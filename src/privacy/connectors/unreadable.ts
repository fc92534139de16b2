// One sentence for why a path a collection covers could not be read, shared by the
// directory and log connectors so access exports and verify say it the same way.
import {lstatSync, type Stats} from 'node:fs'

/** Why opening/reading/listing `path` failed, from the error it threw. */
export function unreadableReason(err: unknown, path: string): string {
  const code = (err as NodeJS.ErrnoException).code
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read: permission denied'
  if (code === 'ENOENT') {
    // stat follows links: ENOENT on an entry readdir just listed is a link to nothing.
    try {
      if (lstatSync(path).isSymbolicLink()) return 'is a symbolic link to a missing target'
    } catch {}
    return 'disappeared while being read'
  }
  if (code === 'ELOOP') return 'is a symbolic link loop'
  return `cannot be read: ${(err as Error).message}`
}

/** For anything that is neither a regular file nor a directory: what it is instead. Such
 *  entries are never opened (opening a FIFO blocks until someone writes to it). */
export function notAFileReason(st: Stats): string {
  const what = st.isFIFO()
    ? 'a FIFO (named pipe)'
    : st.isSocket()
      ? 'a socket'
      : st.isBlockDevice() || st.isCharacterDevice()
        ? 'a device'
        : 'not a regular file'
  return `is ${what}, not a file that can be read`
}
