// Reading the end of a (possibly large) log file, and following it as it grows, for
// `node logs` and for startup errors. Reads backwards in chunks so a 1 GB node.log costs
// the same as a small one; follows by polling, which also survives truncation/rotation.
import {open, stat, type FileHandle} from 'node:fs/promises'
import {untilAbortedOr} from './abortable-wait.js'

const CHUNK = 64 * 1024

/** The last `n` lines of `file` at or after byte `fromOffset`; [] if the file is missing. */
export async function readLastLines(file: string, n: number, fromOffset = 0): Promise<string[]> {
  if (n <= 0) return []
  let handle
  try {
    handle = await open(file, 'r')
  } catch {
    return []
  }
  try {
    const {size} = await handle.stat()
    let pos = size
    let text = ''
    // Keep reading backwards until we hold n complete lines (n+1 newlines) or hit the start.
    while (pos > fromOffset && countNewlines(text) <= n) {
      const len = Math.min(CHUNK, pos - fromOffset)
      pos -= len
      const buf = Buffer.alloc(len)
      await handle.read(buf, 0, len, pos)
      text = buf.toString('utf8') + text
    }
    const lines = text.split('\n')
    if (lines.at(-1) === '') lines.pop()
    return lines.slice(-n)
  } finally {
    await handle.close()
  }
}

function countNewlines(s: string): number {
  let c = 0
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) c++
  return c
}

export async function fileSize(file: string): Promise<number> {
  try {
    return (await stat(file)).size
  } catch {
    return 0
  }
}

/**
 * Calls `onLine` for every line appended to `file` after byte `offset`, until `signal`
 * aborts (then flushes a trailing partial line). Like `tail -F`: the open file is read to its
 * end before a file renamed over its name (rename rotation) is followed from its beginning, so
 * lines written just before a rotation are not lost; a file that shrinks (copytruncate) is
 * read again from its beginning. Size and identity come from the open handle, never from a
 * separate stat of the name, which may already be another file.
 */
export async function followFile(
  file: string,
  offset: number,
  onLine: (line: string) => void,
  signal: AbortSignal,
  pollMs = 200,
): Promise<void> {
  let pending = ''
  let handle: FileHandle | undefined
  const endPartialLine = () => {
    if (pending) onLine(pending) // the last words of a file that will not grow any more
    pending = ''
  }
  const take = (text: string) => {
    pending += text
    const lines = pending.split('\n')
    pending = lines.pop() ?? ''
    for (const line of lines) onLine(line)
  }
  /** Reads what the open file holds beyond `offset`; returns its identity. */
  const readOn = async (h: FileHandle) => {
    const {size, ino} = await h.stat()
    if (size < offset) {
      endPartialLine()
      offset = 0
    }
    offset = await readLines(h, offset, size, take)
    return ino
  }
  try {
    while (!signal.aborted) {
      handle ??= await open(file, 'r').catch(() => undefined)
      if (handle) {
        const ino = await readOn(handle)
        const now = await stat(file).catch(() => undefined)
        if (now && now.ino !== ino) {
          // Rotated: what the old file held is read; follow the new one from its start.
          endPartialLine()
          await handle.close()
          handle = undefined
          offset = 0
          continue
        }
      }
      await untilAbortedOr(pollMs, signal)
    }
    if (handle) await readOn(handle) // what was written up to the stop is still shown
  } finally {
    await handle?.close()
  }
  endPartialLine()
}

/** Reads [offset, size) in chunks, handing each to `take`; returns the new offset. */
async function readLines(handle: FileHandle, offset: number, size: number, take: (text: string) => void) {
  while (offset < size) {
    const len = Math.min(CHUNK, size - offset)
    const buf = Buffer.alloc(len)
    const {bytesRead} = await handle.read(buf, 0, len, offset)
    if (bytesRead === 0) break
    offset += bytesRead
    take(buf.subarray(0, bytesRead).toString('utf8'))
  }
  return offset
}
