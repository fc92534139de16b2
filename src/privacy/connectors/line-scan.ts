// Scanning and rewriting big log files fast. A line is only parsed when one of the
// needles (the raw bytes of a value being looked for) occurs in it: Buffer.indexOf over
// large chunks is a memchr/memmem loop, the same work `grep -F` does, so the scan runs at
// close to disk speed however long the file is. Rewrites go to a temp file in the same
// directory (fsync, rename, fsync of the directory), copying every untouched byte range
// as it was, so lines of other people stay byte for byte identical.
import {closeSync, fsyncSync, fstatSync, openSync, readSync, renameSync, rmSync, writeSync, fchmodSync} from 'node:fs'
import {randomBytes} from 'node:crypto'
import {basename, dirname, join} from 'node:path'

const CHUNK = 16 * 1024 * 1024
const NL = 0x0a

/** Start offsets (within `buf`, below `end`) of the lines that contain any needle, ascending. */
export function candidateLines(buf: Buffer, end: number, needles: Buffer[]): number[] {
  const starts = new Set<number>()
  for (const needle of needles) {
    let at = buf.indexOf(needle, 0)
    while (at !== -1 && at < end) {
      // The line holding buf[at] starts after the newline before `at` (searching from at - 1,
      // so that a needle which is itself '\n' counts the line it ends, not the next one).
      const start = at === 0 ? 0 : buf.lastIndexOf(NL, at - 1) + 1
      starts.add(start)
      const next = buf.indexOf(NL, at)
      at = next === -1 || next >= end ? -1 : buf.indexOf(needle, next + 1)
    }
  }
  return [...starts].sort((a, b) => a - b)
}

/**
 * Calls `visit(line, offset)` for every line containing a needle (line without its '\n').
 * Returns the number of bytes read.
 */
export function scanLines(file: string, needles: Buffer[], visit: (line: Buffer, offset: number) => void): number {
  if (needles.length === 0) return 0
  const fd = openSync(file, 'r')
  let buf = Buffer.allocUnsafe(CHUNK)
  let fileOffset = 0 // file offset of buf[0]
  let carry = 0 // bytes of an unfinished line kept at the start of buf
  try {
    for (;;) {
      if (carry === buf.length) buf = Buffer.concat([buf, Buffer.allocUnsafe(buf.length)]) // a line longer than the chunk
      const n = readSync(fd, buf, carry, buf.length - carry, fileOffset + carry)
      const filled = carry + n
      const eof = n === 0
      const end = eof ? filled : buf.lastIndexOf(NL, filled - 1) + 1
      if (end > 0) {
        for (const start of candidateLines(buf, end, needles)) {
          let stop = buf.indexOf(NL, start)
          if (stop === -1 || stop >= end) stop = end
          visit(buf.subarray(start, stop), fileOffset + start)
        }
      }
      if (eof) return fileOffset + filled
      buf.copy(buf, 0, end, filled)
      carry = filled - end
      fileOffset += end
    }
  } finally {
    closeSync(fd)
  }
}

/**
 * Rewrites `file` atomically: every line with a needle goes through `change`, which returns
 * the new line, null to drop it, or undefined to keep it byte-identical. Returns how many
 * lines changed or were dropped; when none did, the file is not touched at all.
 */
export function rewriteLines(
  file: string,
  needles: Buffer[],
  change: (line: Buffer) => Buffer | null | undefined,
): number {
  const edits: Array<{offset: number; length: number; replacement: Buffer | null}> = []
  scanLines(file, needles, (line, offset) => {
    const r = change(line)
    if (r !== undefined) edits.push({offset, length: line.length, replacement: r === null ? null : Buffer.from(r)})
  })
  if (edits.length === 0) return 0
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  const src = openSync(file, 'r')
  const out = openSync(tmp, 'wx', 0o600)
  try {
    fchmodSync(out, fstatSync(src).mode & 0o7777)
    const size = fstatSync(src).size
    const copy = (from: number, to: number) => {
      const buf = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(0, to - from)))
      for (let at = from; at < to;) {
        const n = readSync(src, buf, 0, Math.min(buf.length, to - at), at)
        if (n === 0) break
        writeSync(out, buf, 0, n)
        at += n
      }
    }
    let pos = 0
    for (const e of edits) {
      copy(pos, e.offset)
      let skip = e.length
      if (e.replacement) writeSync(out, e.replacement)
      // A dropped line takes its newline with it; a replaced one keeps it.
      else if (e.offset + e.length < size) skip += 1
      pos = e.offset + skip
    }
    copy(pos, size)
    fsyncSync(out)
  } catch (err) {
    closeSync(out)
    closeSync(src)
    rmSync(tmp, {force: true})
    throw err
  }
  closeSync(out)
  closeSync(src)
  renameDurably(tmp, file)
  return edits.length
}

/** Puts a rewritten copy in place of `file` and fsyncs the directory, so the rename itself
 *  survives a crash (the copy's own data is synced by the writer before). */
export function renameDurably(tmp: string, file: string): void {
  renameSync(tmp, file)
  const dirFd = openSync(dirname(file), 'r')
  try {
    fsyncSync(dirFd)
  } finally {
    closeSync(dirFd)
  }
}
