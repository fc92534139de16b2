// nginx / Apache "combined" access logs:
//   203.0.113.7 - alice [10/Oct/2025:13:55:36 +0200] "GET /b/room HTTP/1.1" 200 2326 "ref" "UA"
// The client address may be IPv4 or IPv6. Edits splice only the changed field into the
// line (regex match indices), so the rest of an edited line also stays as it was.
import {LogConnector} from './log-connector.js'

const LINE =
  /^(?<ip>\S+) (?<ident>\S+) (?<user>\S+) \[(?<time>[^\]]+)\] "(?<request>(?:[^"\\]|\\.)*)" (?<status>\d{3}|-) (?<bytes>\d+|-)(?: "(?<referer>(?:[^"\\]|\\.)*)" "(?<userAgent>(?:[^"\\]|\\.)*)")?/d
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

export class CombinedLogConnector extends LogConnector {
  protected parse(line: string): Record<string, unknown> | undefined {
    const m = LINE.exec(line)
    return m?.groups ? {...m.groups} : undefined
  }

  protected edit(line: string, set: Record<string, string | null>): string {
    const m = LINE.exec(line)
    if (!m?.indices?.groups) return line
    // Splice from the last field backwards so earlier indices stay valid.
    const spans = Object.entries(set)
      .map(([f, v]) => ({span: m.indices!.groups![f], v: v === null ? '-' : v}))
      .filter((s) => s.span)
      .sort((a, b) => b.span![0] - a.span![0])
    let out = line
    for (const s of spans) out = out.slice(0, s.span![0]) + s.v + out.slice(s.span![1])
    return out
  }

  protected needle(value: string): string {
    return value
  }

  protected timeOf(fields: Record<string, unknown>): number {
    // 10/Oct/2025:13:55:36 +0200
    const m = /^(\d+)\/(\w+)\/(\d+):(\d+):(\d+):(\d+) ([+-])(\d\d)(\d\d)$/.exec(String(fields.time))
    if (!m) return NaN
    const utc = Date.UTC(+m[3], MONTHS.indexOf(m[2]), +m[1], +m[4], +m[5], +m[6])
    return utc - (m[7] === '-' ? -1 : 1) * (+m[8] * 60 + +m[9]) * 60_000
  }
}
