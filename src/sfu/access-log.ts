// The node's HTTP access log: one JSON object per line (time, method, path, status, bytes,
// ip, userAgent). JSON lines rather than the combined format, so that the data-subject
// request engine can match fields exactly instead of parsing quoted strings.
//
// An erasure rewrites this file atomically (temp file + rename) while the node runs, and
// log rotation renames it; either way the open stream would keep appending to the old,
// unlinked inode. So once a second the log checks whether the path still names the file it
// writes to, and reopens it if not (what logrotate's "copytruncate"-free setups expect).
import {createWriteStream, fstatSync, statSync, type WriteStream} from 'node:fs'

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

const REOPEN_CHECK_MS = 1000

export class AccessLog {
  private stream: WriteStream
  private readonly timer: NodeJS.Timeout

  constructor(private readonly path: string) {
    this.stream = this.open()
    this.timer = setInterval(() => this.reopenIfReplaced(), REOPEN_CHECK_MS)
    this.timer.unref()
  }

  private open(): WriteStream {
    return createWriteStream(this.path, {flags: 'a', mode: 0o600})
  }

  /** Reopens when the path now names another file (renamed over) or none (moved away). */
  reopenIfReplaced(): void {
    const fd = (this.stream as unknown as {fd: number | null}).fd
    if (typeof fd !== 'number') return // still opening
    let replaced: boolean
    try {
      const onDisk = statSync(this.path)
      const open = fstatSync(fd)
      replaced = onDisk.ino !== open.ino || onDisk.dev !== open.dev
    } catch {
      replaced = true // the path is gone
    }
    if (!replaced) return
    const old = this.stream
    this.stream = this.open()
    old.end()
  }

  write(entry: AccessLogEntry): void {
    this.stream.write(JSON.stringify(entry) + '\n')
  }

  close(): Promise<void> {
    clearInterval(this.timer)
    return new Promise((resolve) => this.stream.end(resolve))
  }
}
