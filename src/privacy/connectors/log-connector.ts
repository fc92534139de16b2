// What JSON-lines logs and combined access logs share: a path whose file name may hold a
// '*' (rotated files, plain or gzip), finding lines through the byte pre-filter of
// line-scan.ts / gzip-lines.ts, and erasing by rewriting each file once per plan step.
// Files the path covers that cannot be searched are reported (log-files.ts). Subclasses
// only parse and edit a line.
import {closeSync, existsSync, openSync, readSync} from 'node:fs'
import {dirname} from 'node:path'
import {UnreachableError} from '../../errors.js'
import {ipNeedles} from '../ip-address.js'
import type {CollectionDef, StoreDef} from '../datamap-types.js'
import {
  type Connector,
  type FoundRecord,
  type Match,
  type ReportUnsearchable,
  type StepAction,
  type ValueEraser,
  valueMatches,
} from './connector.js'
import {CorruptGzipError, rewriteGzipLines, scanGzipLines} from './gzip-lines.js'
import {rewriteLines, scanLines} from './line-scan.js'
import {classifyLogFile, type LogFile, logFiles, removeStaleTemps} from './log-files.js'
import {unreadableReason} from './unreadable.js'

type Visit = (line: Buffer, offset: number) => void

/** Reads one log file, plain or gzip; a corrupt gzip rejects after the lines before the damage. */
async function scanFile(f: LogFile, needles: Buffer[], visit: Visit): Promise<void> {
  if (f.gzip) await scanGzipLines(f.path, needles, visit)
  else scanLines(f.path, needles, visit)
}

/** Why reading a file failed, when it is the file's fault (not a bug of ours). */
function fileProblem(err: unknown, path: string): string | undefined {
  if (err instanceof CorruptGzipError) return err.message
  if ((err as NodeJS.ErrnoException).syscall) return unreadableReason(err, path)
  return undefined
}

export abstract class LogConnector implements Connector {
  constructor(readonly store: StoreDef) {}

  /** The fields of one line, or undefined when the line is not in this format. */
  protected abstract parse(line: string): Record<string, unknown> | undefined
  /** The line with `set` applied, everything else as it was. */
  protected abstract edit(line: string, set: Record<string, string | null>): string
  /** How a value looks in the raw bytes of a line (JSON escapes it, combined logs do not). */
  protected abstract needle(value: string): string
  protected abstract timeOf(fields: Record<string, unknown>, field: string): number

  async connect(): Promise<void> {
    for (const c of this.store.collections) {
      const dir = dirname(c.locator.path!)
      if (!existsSync(dir))
        throw new UnreachableError(`store '${this.store.name}': the log directory ${dir} does not exist.`)
    }
  }

  /** The searchable files the collection's path covers (see logFiles for the rest). */
  files(coll: CollectionDef): LogFile[] {
    return logFiles(coll.locator.path!).files
  }

  private needles(matches: Match[]): Buffer[] {
    const out = new Set<string>()
    for (const m of matches)
      for (const v of m.values) {
        out.add(this.needle(v))
        if (m.fold) out.add(this.needle(v.toLowerCase()))
        // An address may be written in other notations (mapped, uncompressed, upper case).
        if (m.ip) for (const n of ipNeedles(v)) out.add(this.needle(n))
      }
    return [...out].map((s) => Buffer.from(s, 'utf8'))
  }

  private matchesLine(fields: Record<string, unknown> | undefined, matches: Match[]): boolean {
    return !!fields && matches.some((m) => valueMatches(fields[m.field], m))
  }

  async find(coll: CollectionDef, matches: Match[], report?: ReportUnsearchable): Promise<FoundRecord[]> {
    const out: FoundRecord[] = []
    const needles = this.needles(matches)
    const {files, unsearchable} = logFiles(coll.locator.path!)
    for (const u of unsearchable) report?.(u)
    for (const file of files) {
      try {
        await scanFile(file, needles, (line, offset) => {
          const fields = this.parse(line.toString('utf8'))
          if (this.matchesLine(fields, matches)) out.push({key: `${file.path}:${offset}`, data: fields!})
        })
      } catch (err) {
        const why = fileProblem(err, file.path)
        if (!why) throw err
        report?.({path: file.path, reason: why})
      }
    }
    return out
  }

  planErasure(coll: CollectionDef, records: FoundRecord[], matches: Match[]): StepAction[] {
    const files = new Set(records.map((r) => r.key.slice(0, r.key.lastIndexOf(':'))))
    const strategy = coll.erasure.strategy as 'delete' | 'null' | 'pseudonymise' | 'truncate-ip'
    return [...files].map((file) => ({
      op: 'rewrite-lines' as const,
      file,
      matches,
      strategy,
      fields: coll.erasure.fields,
    }))
  }

  async apply(_coll: CollectionDef, step: StepAction, erase: ValueEraser): Promise<number> {
    if (step.op !== 'rewrite-lines') throw new Error(`a log store cannot apply '${step.op}'`)
    if (!existsSync(step.file)) return 0 // rotated away since the plan: nothing left to change
    const change = (raw: Buffer): Buffer | null | undefined => {
      const line = raw.toString('utf8')
      const fields = this.parse(line)
      if (!this.matchesLine(fields, step.matches)) return undefined
      if (step.strategy === 'delete') return null
      const set = Object.fromEntries(step.fields.map((f) => [f, erase(f, fields![f])]))
      return Buffer.from(this.edit(line, set), 'utf8')
    }
    removeStaleTemps(step.file)
    const file = classifyLogFile(step.file)
    try {
      if ('reason' in file) throw new Error(file.reason)
      const needles = this.needles(step.matches)
      return file.gzip ? await rewriteGzipLines(file.path, needles, change) : rewriteLines(file.path, needles, change)
    } catch (err) {
      // The file stays as it was and the step pending; verify reports the file and the reason.
      const why = 'reason' in file ? file.reason : fileProblem(err, step.file)
      if (!why) throw err
      throw new UnreachableError(`store '${this.store.name}': ${step.file} ${why}; it was left unchanged.`)
    }
  }

  async rectify(): Promise<number> {
    return 0 // a log records what happened; it is not rectified (reported as skipped)
  }

  /** Visits every line of every searchable file once (retention). A file that turns out
   *  unreadable or corrupt half-way counts with the lines read before; retention has no
   *  report for it (dsar access and verify do). */
  private async everyLine(coll: CollectionDef, visit: (file: string, line: Buffer, offset: number) => void) {
    for (const file of this.files(coll)) {
      const seen = new Set<number>()
      const once: Visit = (line, offset) => {
        if (seen.has(offset)) return
        seen.add(offset)
        visit(file.path, line, offset)
      }
      try {
        // With '\n' as the needle a last line without its newline is not visited; the first
        // line is read on its own for plain files (kept from before gzip support).
        if (!file.gzip) {
          const first = firstLine(file.path)
          if (first) once(first, 0)
        }
        await scanFile(file, [Buffer.from('\n')], once)
      } catch (err) {
        if (!fileProblem(err, file.path)) throw err
      }
    }
  }

  async countOlderThan(coll: CollectionDef, field: string, before: Date): Promise<number> {
    let n = 0
    const limit = before.getTime()
    await this.everyLine(coll, (_file, line) => {
      const f = this.parse(line.toString('utf8'))
      if (f && this.timeOf(f, field) < limit) n++
    })
    return n
  }

  async findOlderThan(coll: CollectionDef, field: string, before: Date): Promise<FoundRecord[]> {
    const out: FoundRecord[] = []
    const limit = before.getTime()
    await this.everyLine(coll, (file, line, offset) => {
      const f = this.parse(line.toString('utf8'))
      if (f && this.timeOf(f, field) < limit) out.push({key: `${file}:${offset}`, data: f})
    })
    return out
  }

  async close(): Promise<void> {}
}

/** The first line of a file (without its newline), undefined for an empty file. */
function firstLine(file: string): Buffer | undefined {
  const fd = openSync(file, 'r')
  try {
    const parts: Buffer[] = []
    for (let at = 0; ;) {
      const buf = Buffer.allocUnsafe(64 * 1024)
      const n = readSync(fd, buf, 0, buf.length, at)
      if (n === 0) break
      const nl = buf.subarray(0, n).indexOf(0x0a)
      parts.push(buf.subarray(0, nl === -1 ? n : nl))
      if (nl !== -1) break
      at += n
    }
    const line = Buffer.concat(parts)
    return line.length ? line : undefined
  } finally {
    closeSync(fd)
  }
}
