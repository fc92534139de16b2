// The node's HTTP access log: one JSON object per line (time, method, path, status, bytes,
// ip, userAgent). JSON lines rather than the combined format, so that the data-subject
// request engine can match fields exactly instead of parsing quoted strings.
//
// An erasure rewrites this file atomically (temp file + rename) while the node runs, and
// an outside rotation renames it; either way the open stream would keep appending to the
// old, unlinked inode. So once a second the log checks whether the path still names the
// file it writes to, and reopens it if not (what logrotate's "copytruncate"-free setups expect).
//
// The log also rotates itself, so that no file grows without bound and nothing outlives the
// retention the node's datamap promises (src/privacy/builtin-datamap.ts, `access_log`):
// when the file would pass `maxBytes`, or its first line is `maxAgeSeconds` old, it is
// renamed to access.log.<time of its first line> (the datamap's path `access.log*` finds
// those), and a rotated file is deleted once its first line is `retentionSeconds` old.
// Fields a client chooses (path, user agent) are cut to a fixed length.
import {
  createWriteStream,
  existsSync,
  fstatSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  type WriteStream,
} from 'node:fs'
import {basename, dirname, join} from 'node:path'

export interface AccessLogEntry {
  time: string
  server: 'public' | 'admin'
  method: string
  path: string
  status: number
  bytes: number
  ip: string
  userAgent: string
}

/** Days the datamap keeps access-log lines (its `retention: {period: '30d'}`); a test checks they agree. */
export const ACCESS_LOG_RETENTION_SECONDS = 30 * 86400

export interface AccessLogOptions {
  /** Bytes a file may reach before it is rotated; default 10 MB. */
  maxBytes?: number
  /** Seconds after its first line that a file is rotated; default one day. */
  maxAgeSeconds?: number
  /** Seconds after its first line that a rotated file is deleted; default ACCESS_LOG_RETENTION_SECONDS. */
  retentionSeconds?: number
}

export const ACCESS_LOG_DEFAULTS = {
  maxBytes: 10 * 1024 * 1024,
  maxAgeSeconds: 86400,
  retentionSeconds: ACCESS_LOG_RETENTION_SECONDS,
}

/** Longest path and user agent kept: real ones are far shorter, and a line stays under 2 KB. */
const MAX_PATH = 1024
const MAX_USER_AGENT = 512
const MAX_SHORT = 64 // method, ip

const REOPEN_CHECK_MS = 1000
const EXPIRY_CHECK_MS = 3600_000

/** access.log.20250102T030405.678Z, with .1, .2... when two files start in one millisecond. */
const stamp = (t: number) => new Date(t).toISOString().replace(/[-:]/g, '')
const ROTATED = /^\.(\d{8}T\d{6}\.\d{3}Z)(?:\.\d+)?$/

function stampTime(s: string): number {
  return Date.parse(
    `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(9, 11)}:${s.slice(11, 13)}:${s.slice(13)}`,
  )
}

const cut = (s: string, max: number) => (s.length > max ? s.slice(0, max) : s)

export class AccessLog {
  private fd: number
  private stream: WriteStream
  private size = 0
  /** Time of the current file's first line; undefined while it is empty. */
  private startedAt: number | undefined
  private readonly timer: NodeJS.Timeout
  private nextExpiryCheck = 0
  private readonly limits: Required<AccessLogOptions>

  constructor(
    private readonly path: string,
    options: AccessLogOptions = {},
  ) {
    this.limits = {...ACCESS_LOG_DEFAULTS, ...options}
    ;({fd: this.fd, stream: this.stream} = this.open())
    this.timer = setInterval(() => this.tick(), REOPEN_CHECK_MS)
    this.timer.unref()
    this.tick()
  }

  /** Opens synchronously, so that a rotation right after finds the file it renames. */
  private open(): {fd: number; stream: WriteStream} {
    const fd = openSync(this.path, 'a+', 0o600) // read too: firstLineTime
    this.size = fstatSync(fd).size
    this.startedAt = this.size > 0 ? firstLineTime(fd) : undefined
    return {fd, stream: createWriteStream(this.path, {fd, flags: 'a'})}
  }

  private replaceStream(): void {
    const old = this.stream
    ;({fd: this.fd, stream: this.stream} = this.open())
    old.end() // lines still queued go to the old file, which the closed fd still names
  }

  private tick(): void {
    this.reopenIfReplaced()
    const now = Date.now()
    if (this.startedAt !== undefined && now - this.startedAt >= this.limits.maxAgeSeconds * 1000) this.rotate()
    if (now >= this.nextExpiryCheck) this.deleteExpired(now)
  }

  /** Reopens when the path now names another file (renamed over) or none (moved away). */
  reopenIfReplaced(): void {
    let replaced: boolean
    try {
      const onDisk = statSync(this.path)
      const open = fstatSync(this.fd)
      replaced = onDisk.ino !== open.ino || onDisk.dev !== open.dev
    } catch {
      replaced = true // the path is gone
    }
    if (replaced) this.replaceStream()
  }

  private rotate(): void {
    let target = `${this.path}.${stamp(this.startedAt ?? Date.now())}`
    for (let i = 1; existsSync(target); i++) target = `${this.path}.${stamp(this.startedAt ?? Date.now())}.${i}`
    try {
      renameSync(this.path, target)
    } catch {
      // Gone already (moved away by someone else): the reopen below starts a new file all the same.
    }
    this.replaceStream()
    this.nextExpiryCheck = 0
  }

  /** Deletes rotated files whose first line is older than the retention. */
  private deleteExpired(now: number): void {
    this.nextExpiryCheck = now + EXPIRY_CHECK_MS
    const name = basename(this.path)
    const dir = dirname(this.path)
    for (const f of readdirSync(dir)) {
      const m = f.startsWith(name) ? ROTATED.exec(f.slice(name.length)) : null
      if (!m || now - stampTime(m[1]!) < this.limits.retentionSeconds * 1000) continue
      try {
        unlinkSync(join(dir, f))
      } catch {
        // removed meanwhile (retention apply, an operator): nothing left to do
      }
    }
  }

  write(entry: AccessLogEntry): void {
    const line =
      JSON.stringify({
        ...entry,
        method: cut(entry.method, MAX_SHORT),
        path: cut(entry.path, MAX_PATH),
        ip: cut(entry.ip, MAX_SHORT),
        userAgent: cut(entry.userAgent, MAX_USER_AGENT),
      }) + '\n'
    const bytes = Buffer.byteLength(line)
    if (this.size > 0 && this.size + bytes > this.limits.maxBytes) this.rotate()
    this.startedAt ??= Date.parse(entry.time) || Date.now()
    this.size += bytes
    this.stream.write(line)
  }

  close(): Promise<void> {
    clearInterval(this.timer)
    return new Promise((resolve) => this.stream.end(resolve))
  }
}

/** The time of a file's first line, or of its last change when that line has none. */
function firstLineTime(fd: number): number {
  const buf = Buffer.alloc(4096)
  const n = readSync(fd, buf, 0, buf.length, 0)
  const end = buf.subarray(0, n).indexOf(0x0a)
  try {
    const t = Date.parse(JSON.parse(buf.subarray(0, end < 0 ? n : end).toString('utf8')).time)
    if (Number.isFinite(t)) return t
  } catch {
    // not one of our lines (a first line longer than 4 KB, or foreign text)
  }
  return fstatSync(fd).mtimeMs
}
