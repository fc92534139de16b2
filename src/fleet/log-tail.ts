// Reading the end of a (possibly large) log file, and following it as it grows, for
// `node logs` and for startup errors. Reads backwards in chunks so a 1 GB node.log costs
// the same as a small one; follows by polling, which also survives truncation/rotation.
import {open, stat} from 'node:fs/promises'

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
 * aborts (then flushes a trailing partial line). If the file shrinks (truncated or
 * replaced), starts again from its beginning.
 */
export async function followFile(
  file: string,
  offset: number,
  onLine: (line: string) => void,
  signal: AbortSignal,
  pollMs = 200,
): Promise<void> {
  let pending = ''
  let inode: number | undefined
  while (!signal.aborted) {
    const st = await stat(file).catch(() => undefined)
    const size = st?.size ?? 0
    // Shrunk (copytruncate) or replaced by a new file (rename rotation): read it from the start.
    if (size < offset || (inode !== undefined && st !== undefined && st.ino !== inode)) offset = 0
    inode = st?.ino
    if (size > offset) {
      const handle = await open(file, 'r')
      try {
        while (offset < size) {
          const len = Math.min(CHUNK, size - offset)
          const buf = Buffer.alloc(len)
          const {bytesRead} = await handle.read(buf, 0, len, offset)
          if (bytesRead === 0) break
          offset += bytesRead
          pending += buf.subarray(0, bytesRead).toString('utf8')
          const lines = pending.split('\n')
          pending = lines.pop() ?? ''
          for (const line of lines) onLine(line)
        }
      } finally {
        await handle.close()
      }
    }
    await sleepUnlessAborted(pollMs, signal)
  }
  if (pending) onLine(pending)
}

function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done, {once: true})
  })
}
