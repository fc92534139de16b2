// Which files a log collection's path covers ("access.log*" takes rotated files) and
// whether each can be searched: plain text and gzip can; anything else the pattern covers
// (an unreadable file, a FIFO, a link to nothing, bzip2/xz/zstd/lz4 rotations, a ".gz"
// that is not gzip) is listed with the reason, so it is reported instead of skipped.
import {closeSync, lstatSync, openSync, readdirSync, readSync, rmSync, statSync} from 'node:fs'
import {basename, dirname, join} from 'node:path'
import type {Unsearchable} from './connector.js'
import {notAFileReason, unreadableReason} from './unreadable.js'

export interface LogFile {
  path: string
  gzip: boolean
}

export interface LogFiles {
  files: LogFile[]
  unsearchable: Unsearchable[]
}

/** Leading bytes of the compressed formats log rotation produces, and their names. */
const MAGIC: Array<[number[], string]> = [
  [[0x1f, 0x8b], 'gzip'],
  [[0x42, 0x5a, 0x68], 'bzip2'],
  [[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], 'xz'],
  [[0x28, 0xb5, 0x2f, 0xfd], 'zstd'],
  [[0x04, 0x22, 0x4d, 0x18], 'lz4'],
  [[0x1f, 0x9d], 'compress (.Z)'],
  [[0x50, 0x4b, 0x03, 0x04], 'zip'],
]
const EXTENSIONS: Record<string, string> = {
  gz: 'gzip',
  bz2: 'bzip2',
  xz: 'xz',
  zst: 'zstd',
  lz4: 'lz4',
  Z: 'compress (.Z)',
  zip: 'zip',
  lzma: 'lzma',
  '7z': '7-Zip',
}

/** The temp files of an interrupted rewrite (line-scan.ts, gzip-lines.ts) are not logs. */
const REWRITE_TEMP = /^\.(.+)\.(\d+)\.[0-9a-f]{8}\.tmp$/
const isRewriteTemp = (name: string) => REWRITE_TEMP.test(name)

/** Removes what a killed rewrite of `file` left behind: its temp files whose process is gone.
 *  They hold other people's lines and, half-written, possibly the subject's. */
export function removeStaleTemps(file: string): void {
  let names: string[]
  try {
    names = readdirSync(dirname(file))
  } catch {
    return // best effort: the rewrite itself reports an unreadable directory
  }
  for (const name of names) {
    const m = REWRITE_TEMP.exec(name)
    if (!m || m[1] !== basename(file) || alive(Number(m[2]))) continue
    rmSync(join(dirname(file), name), {force: true})
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM' // exists, owned by someone else
  }
}

export function classifyLogFile(path: string): LogFile | Unsearchable {
  let st
  try {
    st = statSync(path)
  } catch (err) {
    return {path, reason: unreadableReason(err, path)}
  }
  if (st.isDirectory()) return {path, reason: 'is a directory, not a log file'}
  if (!st.isFile()) return {path, reason: notAFileReason(st)}
  const head = Buffer.alloc(6)
  let n: number
  try {
    const fd = openSync(path, 'r')
    try {
      n = readSync(fd, head, 0, head.length, 0)
    } finally {
      closeSync(fd)
    }
  } catch (err) {
    return {path, reason: unreadableReason(err, path)}
  }
  const format = MAGIC.find(([m]) => n >= m.length && m.every((b, i) => head[i] === b))?.[1]
  const ext = EXTENSIONS[/\.([^.]+)$/.exec(path)?.[1] ?? '']
  if (format === 'gzip') return {path, gzip: true}
  if (format) return {path, reason: `is compressed with ${format}, which cannot be searched (only gzip can)`}
  if (ext === 'gzip') return {path, reason: 'is named .gz but is not gzip data (corrupt or misnamed)'}
  if (ext) return {path, reason: `is named as ${ext} data, which cannot be searched (only gzip can)`}
  return {path, gzip: false}
}

/** The files `pattern` covers, sorted by name, split into searchable and not. */
export function logFiles(pattern: string): LogFiles {
  const name = basename(pattern)
  const dir = dirname(pattern)
  const out: LogFiles = {files: [], unsearchable: []}
  let candidates: string[]
  if (!name.includes('*')) candidates = exists(pattern) ? [pattern] : []
  else {
    try {
      candidates = readdirSync(dir)
        .filter((f) => !isRewriteTemp(f) && wildcard(name).test(f))
        .sort()
        .map((f) => join(dir, f))
    } catch (err) {
      out.unsearchable.push({path: dir, reason: unreadableReason(err, dir)})
      return out
    }
  }
  for (const path of candidates) {
    const c = classifyLogFile(path)
    if ('reason' in c) out.unsearchable.push(c)
    else out.files.push(c)
  }
  return out
}

/** Whether the entry itself exists (a link to nothing does, and is then reported). */
export function exists(path: string): boolean {
  try {
    lstatSync(path)
    return true
  } catch {
    return false
  }
}

/** A file-name pattern with `*` (any run of characters, nothing else special) as a RegExp. */
export function wildcard(name: string): RegExp {
  return new RegExp(
    `^${name
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  )
}
