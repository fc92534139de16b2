// Opens a dump file as a stream of decoded bytes: plain, or gzip when the file starts with
// the gzip magic bytes 1f 8b (whatever its name), and tells which format it holds from its
// first bytes. Nothing here reads a whole file; chunks are 1 MiB off the disk.
import {createGunzip} from 'node:zlib'
import {open} from 'node:fs/promises'
import {pipeline} from 'node:stream'
import {BadInputError} from '../../errors.js'

export type DumpFormat = 'webrtc-internals' | 'rtcstats' | 'stats-lines'

export interface DumpInput {
  file: string
  gzip: boolean
  format: DumpFormat
  /** Decoded bytes, from the first (a UTF-8 byte order mark removed). */
  chunks: AsyncIterable<Buffer>
}

const CHUNK = 1024 * 1024
/** How far the format sniffer looks for the end of the first line. */
const SNIFF_LIMIT = 8 * 1024 * 1024

function openError(file: string, err: NodeJS.ErrnoException): BadInputError {
  switch (err.code) {
    case 'ENOENT':
      return new BadInputError(`${file} does not exist.`)
    case 'EISDIR':
      return new BadInputError(`${file} is a directory, not a dump file.`)
    case 'EACCES':
    case 'EPERM':
      return new BadInputError(`${file} cannot be read: permission denied.`)
    default:
      return new BadInputError(`${file} cannot be read: ${err.message}.`)
  }
}

function gzipError(file: string, err: NodeJS.ErrnoException, compressedBytes: number, size: number): BadInputError {
  if (err.code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(err.message)) {
    return new BadInputError(
      `${file} is a truncated gzip file: its ${size} compressed bytes end before the gzip stream does.`,
    )
  }
  if (err.code?.startsWith('Z_')) {
    return new BadInputError(
      `${file} is a corrupt gzip file: ${err.message} (near compressed byte ${compressedBytes}).`,
    )
  }
  return openError(file, err)
}

async function* decode(
  file: string,
  gzip: boolean,
  size: number,
  handle: import('node:fs/promises').FileHandle,
): AsyncGenerator<Buffer> {
  const src = handle.createReadStream({start: 0, highWaterMark: CHUNK})
  if (!gzip) {
    try {
      for await (const chunk of src) yield chunk as Buffer
    } catch (err) {
      throw openError(file, err as NodeJS.ErrnoException)
    } finally {
      src.destroy()
    }
    return
  }
  const gunzip = createGunzip({chunkSize: 256 * 1024})
  pipeline(src, gunzip, () => {
    /* errors surface through the iteration below */
  })
  try {
    for await (const chunk of gunzip) yield chunk as Buffer
  } catch (err) {
    throw gzipError(file, err as NodeJS.ErrnoException, gunzip.bytesWritten, size)
  } finally {
    gunzip.destroy()
    src.destroy()
  }
}

/** Which reader a decoded prefix calls for (see src/qoe/import/index.ts for the formats). */
export function sniffFormat(prefix: Buffer, complete: boolean): DumpFormat {
  let i = 0
  while (i < prefix.length && (prefix[i] === 0x20 || prefix[i] === 0x09 || prefix[i] === 0x0a || prefix[i] === 0x0d))
    i++
  if (prefix.subarray(i, i + 12).toString('latin1') === 'RTCStatsDump') return 'rtcstats'
  if (prefix[i] !== 0x7b) return 'webrtc-internals'
  const nl = prefix.indexOf(0x0a, i)
  if (nl === -1 && !complete) return 'webrtc-internals'
  const firstLine = prefix.subarray(i, nl === -1 ? prefix.length : nl).toString('utf8')
  try {
    const o = JSON.parse(firstLine) as Record<string, unknown>
    if (!o || typeof o !== 'object' || Array.isArray(o)) return 'webrtc-internals'
    if ('PeerConnections' in o || 'getUserMedia' in o || 'UserAgent' in o) return 'webrtc-internals'
    if ('stats' in o || ('type' in o && 'id' in o)) return 'stats-lines'
  } catch {
    /* a multi-line document: the webrtc-internals reader reports what is wrong */
  }
  return 'webrtc-internals'
}

/** Opens `file`, detects gzip and the format; BadInputError if it cannot be read. */
export async function openDump(file: string): Promise<DumpInput> {
  let handle: import('node:fs/promises').FileHandle
  try {
    handle = await open(file, 'r')
  } catch (err) {
    throw openError(file, err as NodeJS.ErrnoException)
  }
  let size: number
  let gzip: boolean
  try {
    const st = await handle.stat()
    if (st.isDirectory()) throw Object.assign(new Error('is a directory'), {code: 'EISDIR'})
    size = st.size
    const magic = Buffer.alloc(2)
    const {bytesRead} = await handle.read(magic, 0, 2, 0)
    gzip = bytesRead === 2 && magic[0] === 0x1f && magic[1] === 0x8b
  } catch (err) {
    await handle.close().catch(() => {})
    throw openError(file, err as NodeJS.ErrnoException)
  }
  if (size === 0) {
    await handle.close().catch(() => {})
    throw new BadInputError(`${file} is empty.`)
  }
  const it = decode(file, gzip, size, handle)[Symbol.asyncIterator]()
  const head: Buffer[] = []
  let headLength = 0
  let done = false
  try {
    while (headLength < SNIFF_LIMIT) {
      const r = await it.next()
      if (r.done) {
        done = true
        break
      }
      head.push(r.value)
      headLength += r.value.length
      if (r.value.includes(0x0a)) break
    }
  } catch (err) {
    await it.return?.(undefined)
    throw err
  }
  let prefix = Buffer.concat(head)
  if (prefix[0] === 0xef && prefix[1] === 0xbb && prefix[2] === 0xbf) prefix = prefix.subarray(3)
  if (done && prefix.length === 0) throw new BadInputError(`${file} is empty${gzip ? ' once gunzipped' : ''}.`)
  const format = sniffFormat(prefix, done)
  async function* chunks(): AsyncGenerator<Buffer> {
    try {
      if (prefix.length) yield prefix
      if (done) return
      for (;;) {
        const r = await it.next()
        if (r.done) return
        yield r.value
      }
    } finally {
      await it.return?.(undefined)
    }
  }
  return {file, gzip, format, chunks: chunks()}
}

export interface Line {
  text: string
  /** 1-based */
  line: number
  /** byte offset of the line's first byte in the decoded stream */
  offset: number
}

/** Splits decoded chunks into lines (\n or \r\n), one at a time; lines over maxBytes throw. */
export async function* readLines(
  chunks: AsyncIterable<Buffer>,
  onTooLong: (line: number, offset: number) => never,
  maxBytes = 64 * 1024 * 1024,
): AsyncGenerator<Line> {
  let parts: Buffer[] = []
  let partLength = 0
  let line = 1
  let offset = 0
  let lineStart = 0
  for await (const chunk of chunks) {
    let from = 0
    for (;;) {
      const nl = chunk.indexOf(0x0a, from)
      if (nl === -1) {
        if (from < chunk.length) {
          parts.push(chunk.subarray(from))
          partLength += chunk.length - from
          if (partLength > maxBytes) onTooLong(line, lineStart)
        }
        break
      }
      let buf = chunk.subarray(from, nl)
      if (parts.length) {
        parts.push(buf)
        buf = Buffer.concat(parts)
        parts = []
        partLength = 0
      }
      if (buf.length > maxBytes) onTooLong(line, lineStart)
      const end = buf.length && buf[buf.length - 1] === 0x0d ? buf.length - 1 : buf.length
      yield {text: buf.toString('utf8', 0, end), line, offset: lineStart}
      line++
      lineStart = offset + nl + 1
      from = nl + 1
    }
    offset += chunk.length
  }
  if (parts.length) {
    const buf = Buffer.concat(parts)
    const end = buf.length && buf[buf.length - 1] === 0x0d ? buf.length - 1 : buf.length
    yield {text: buf.toString('utf8', 0, end), line, offset: lineStart}
  }
}
