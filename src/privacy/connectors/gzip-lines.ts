// Rotated logs compressed with gzip (access.log.2.gz), scanned and rewritten as streams:
// the decompressed bytes go through the same needle pre-filter as plain logs
// (line-scan.ts), so memory stays at a few MiB however large the file. A rewrite writes a
// new gzip file beside the old one (same mode and owner), fsyncs it and renames it over
// the old one, so a crash leaves either the old file or the new one, never a half file;
// lines of other people stay byte for byte identical once decompressed.
import {randomBytes} from 'node:crypto'
import {
  chmodSync,
  chownSync,
  closeSync,
  createReadStream,
  createWriteStream,
  fsyncSync,
  openSync,
  rmSync,
  statSync,
} from 'node:fs'
import {basename, dirname, join} from 'node:path'
import {pipeline} from 'node:stream/promises'
import {createGunzip, createGzip} from 'node:zlib'
import {candidateLines, renameDurably} from './line-scan.js'

const BATCH = 4 * 1024 * 1024
const NL = 0x0a

/** The decompressed data was not valid gzip; `at` is how many decompressed bytes came before. */
export class CorruptGzipError extends Error {
  constructor(
    readonly file: string,
    readonly at: number,
    cause: Error,
  ) {
    super(`is a corrupt gzip file (${cause.message} after ${at} decompressed bytes)`)
  }
}

interface Batch {
  buf: Buffer
  /** buf[0, end) holds complete lines (the last one may lack its newline at the end of the file). */
  end: number
  /** Decompressed offset of buf[0]. */
  offset: number
}

/** The decompressed lines of `file` in batches of a few MiB; a decompression error becomes
 *  CorruptGzipError after the batches before it. */
async function* batches(source: AsyncIterable<Buffer>, file: string): AsyncGenerator<Batch> {
  let parts: Buffer[] = []
  let size = 0
  let offset = 0
  function* flush(eof: boolean): Generator<Batch> {
    const buf = parts.length === 1 ? parts[0] : Buffer.concat(parts, size)
    const end = eof ? buf.length : buf.lastIndexOf(NL) + 1
    if (end > 0) yield {buf, end, offset}
    offset += end
    parts = end < buf.length ? [buf.subarray(end)] : []
    size = buf.length - end
  }
  const it = source[Symbol.asyncIterator]()
  for (;;) {
    let next: IteratorResult<Buffer>
    try {
      next = await it.next()
    } catch (err) {
      if (size) yield* flush(false) // the complete lines before the damage are real lines
      throw new CorruptGzipError(file, offset + size, err as Error)
    }
    if (next.done) break
    parts.push(next.value)
    size += next.value.length
    if (size >= BATCH) yield* flush(false)
  }
  yield* flush(true)
}

/** The lines of a batch that hold a needle: [start, stop) without the newline. */
function* candidates(b: Batch, needles: Buffer[]): Generator<[number, number]> {
  for (const start of candidateLines(b.buf, b.end, needles)) {
    let stop = b.buf.indexOf(NL, start)
    if (stop === -1 || stop >= b.end) stop = b.end
    yield [start, stop]
  }
}

// 1 MiB reads and output chunks: zlib's 16 KiB default makes the batching cost more than the scan.
const IO = {highWaterMark: 1 << 20}
const gunzip = (file: string) =>
  createReadStream(file, IO).pipe(createGunzip({chunkSize: 1 << 20})) as AsyncIterable<Buffer>

/** scanLines for a gzip file: `visit(line, offset)` for every line holding a needle (offsets
 *  in the decompressed text). Rejects with CorruptGzipError after visiting what came before. */
export async function scanGzipLines(
  file: string,
  needles: Buffer[],
  visit: (line: Buffer, offset: number) => void,
): Promise<number> {
  if (needles.length === 0) return 0
  let total = 0
  for await (const b of batches(gunzip(file), file)) {
    for (const [start, stop] of candidates(b, needles)) visit(b.buf.subarray(start, stop), b.offset + start)
    total = b.offset + b.end
  }
  return total
}

/**
 * rewriteLines for a gzip file: every line with a needle goes through `change` (new line,
 * null to drop it, undefined to keep it). Returns how many lines changed; when none did, or
 * the file turns out corrupt (CorruptGzipError), the file is left exactly as it was.
 */
export async function rewriteGzipLines(
  file: string,
  needles: Buffer[],
  change: (line: Buffer) => Buffer | null | undefined,
): Promise<number> {
  const st = statSync(file)
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  let edits = 0
  async function* edited(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const b of batches(source, file)) {
      let pos = 0
      for (const [start, stop] of candidates(b, needles)) {
        const r = change(b.buf.subarray(start, stop))
        if (r === undefined) continue
        edits++
        yield b.buf.subarray(pos, start)
        if (r) yield Buffer.from(r)
        // A dropped line takes its newline with it; a replaced one keeps it.
        pos = r === null && stop < b.end ? stop + 1 : stop
      }
      yield b.buf.subarray(pos, b.end)
    }
  }
  try {
    await pipeline(
      createReadStream(file, IO),
      createGunzip({chunkSize: 1 << 20}),
      edited,
      createGzip({chunkSize: 1 << 20}),
      createWriteStream(tmp, {flags: 'wx', mode: 0o600}),
    )
    if (edits === 0) {
      rmSync(tmp, {force: true})
      return 0
    }
    chmodSync(tmp, st.mode & 0o7777)
    if (process.getuid?.() === 0) chownSync(tmp, st.uid, st.gid)
    const fd = openSync(tmp, 'r')
    try {
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
  } catch (err) {
    rmSync(tmp, {force: true})
    // zlib's own errors (Z_DATA_ERROR, Z_BUF_ERROR: truncated) may reach pipeline first.
    const zlib = String((err as NodeJS.ErrnoException).code ?? '').startsWith('Z_')
    throw zlib ? new CorruptGzipError(file, 0, err as Error) : err
  }
  renameDurably(tmp, file)
  return edits
}
