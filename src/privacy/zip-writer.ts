// ZIP archives for access exports, written by yazl: entries are streamed from disk (or from
// a stream) into the archive one after another, never held in memory, and yazl switches to
// ZIP64 by itself where the classic format ends (an entry or the archive above 4 GiB, more
// than 65,534 entries), so a recording archive of any size can be handed over in one file.
// This wrapper only adds what the export needs around it: an owner-only archive (mode 0600:
// it holds personal data), flushed to disk before it is renamed into place, and removed
// again if writing fails.
import {createWriteStream} from 'node:fs'
import {rm} from 'node:fs/promises'
import type {Readable} from 'node:stream'
import {pipeline} from 'node:stream/promises'

/** One archive entry; `name` is the path inside the archive ('/'-separated, relative).
 *  `compress` overrides the choice by name (see STORED). */
export type ZipEntry =
  /** A file on disk, read as it is written into the archive. */
  | {name: string; file: string; compress?: boolean}
  /** Bytes from a stream; `size`, if given, is checked against what the stream delivered. */
  | {name: string; stream: Readable; size?: number; compress?: boolean}
  /** An empty directory (directories with files in them need no entry of their own). */
  | {name: string; directory: true}

/** Formats compressed already are stored as they are: deflating them again saves nothing
 *  and is what takes the time on a recording (200 MB of media: 6.0 s deflated, 0.8 s stored). */
const STORED =
  /\.(webm|mkv|mp4|m4a|m4v|mov|ogg|oga|ogv|opus|mp3|aac|flac|jpe?g|png|gif|webp|avif|heic|pdf|zip|gz|tgz|bz2|xz|zst|7z)$/i

export interface ZipOptions {
  /** Write ZIP64 records even where the classic format would do (tests, and readers that
   *  are checked against ZIP64 on purpose). Without it ZIP64 is used exactly where needed. */
  forceZip64?: boolean
}

/** Writes `entries` to `zipPath` (a new file gets mode 0600; an existing one is truncated)
 *  and flushes it to disk. Entry names that are absolute or climb out with '..' are refused. */
export async function writeZip(zipPath: string, entries: Iterable<ZipEntry>, options: ZipOptions = {}): Promise<void> {
  // Loaded on first use: only an access export to a .zip needs it.
  const {ZipFile} = await import('yazl')
  const zip = new ZipFile()
  const output = zip.outputStream as Readable
  // yazl reports a failed entry (a file gone, a stream error, a size mismatch) on the
  // ZipFile, not on its output: end the output with that error so the pipeline fails.
  zip.on('error', (err: Error) => output.destroy(err))
  const forceZip64Format = options.forceZip64 === true
  try {
    for (const e of entries) {
      if ('directory' in e) zip.addEmptyDirectory(e.name)
      else {
        const compress = e.compress ?? !STORED.test(e.name)
        if ('file' in e) zip.addFile(e.file, e.name, {forceZip64Format, compress})
        else {
          // yazl pipes the stream without listening for its errors: a failed source must fail the archive.
          e.stream.once('error', (err: Error) => output.destroy(err))
          zip.addReadStream(e.stream, e.name, {
            forceZip64Format,
            compress,
            ...(e.size !== undefined ? {size: e.size} : {}),
          })
        }
      }
    }
    zip.end({forceZip64Format, comment: ''})
    // flush: fsync before close (Node >= 20.10), so a crash after the caller's rename cannot
    // leave the final name on an archive whose tail never reached the disk.
    await pipeline(output, createWriteStream(zipPath, {mode: 0o600, flush: true}))
  } catch (err) {
    output.destroy()
    await rm(zipPath, {force: true})
    throw err
  }
}
