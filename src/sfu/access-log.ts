// The node's HTTP access log: one JSON object per line (time, method, path, status, bytes,
// ip, userAgent). JSON lines rather than the combined format, so that the data-subject
// request engine can match fields exactly instead of parsing quoted strings.
import {createWriteStream, type WriteStream} from 'node:fs'

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

export class AccessLog {
  private readonly stream: WriteStream

  constructor(path: string) {
    this.stream = createWriteStream(path, {flags: 'a', mode: 0o640})
  }

  write(entry: AccessLogEntry): void {
    this.stream.write(JSON.stringify(entry) + '\n')
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.stream.end(resolve))
  }
}
