// What JSON-lines logs and combined access logs share: a path whose file name may hold a
// '*' (rotated files), finding lines through the byte pre-filter of line-scan.ts, and
// erasing by rewriting each file once per plan step. Subclasses only parse and edit a line.
import {closeSync, existsSync, openSync, readdirSync, readSync, statSync} from 'node:fs'
import {basename, dirname, join} from 'node:path'
import {UnreachableError} from '../../errors.js'
import type {CollectionDef, StoreDef} from '../datamap-types.js'
import {
  type Connector,
  type FoundRecord,
  type Match,
  type StepAction,
  type ValueEraser,
  valueMatches,
} from './connector.js'
import {rewriteLines, scanLines} from './line-scan.js'

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

  files(coll: CollectionDef): string[] {
    const path = coll.locator.path!
    const name = basename(path)
    if (!name.includes('*')) return existsSync(path) ? [path] : []
    const re = new RegExp(
      `^${name
        .split('*')
        .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
    )
    // Compressed rotations cannot be rewritten in place; see docs/privacy.md.
    return readdirSync(dirname(path))
      .filter((f) => re.test(f) && !f.endsWith('.gz'))
      .sort()
      .map((f) => join(dirname(path), f))
      .filter((f) => statSync(f).isFile())
  }

  private needles(matches: Match[]): Buffer[] {
    const out = new Set<string>()
    for (const m of matches)
      for (const v of m.values) {
        out.add(this.needle(v))
        if (m.fold) out.add(this.needle(v.toLowerCase()))
      }
    return [...out].map((s) => Buffer.from(s, 'utf8'))
  }

  private matchesLine(fields: Record<string, unknown> | undefined, matches: Match[]): boolean {
    return !!fields && matches.some((m) => valueMatches(fields[m.field], m))
  }

  async find(coll: CollectionDef, matches: Match[]): Promise<FoundRecord[]> {
    const out: FoundRecord[] = []
    const needles = this.needles(matches)
    for (const file of this.files(coll)) {
      scanLines(file, needles, (line, offset) => {
        const fields = this.parse(line.toString('utf8'))
        if (this.matchesLine(fields, matches)) out.push({key: `${file}:${offset}`, data: fields!})
      })
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
    return rewriteLines(step.file, this.needles(step.matches), (raw) => {
      const line = raw.toString('utf8')
      const fields = this.parse(line)
      if (!this.matchesLine(fields, step.matches)) return undefined
      if (step.strategy === 'delete') return null
      const set = Object.fromEntries(step.fields.map((f) => [f, erase(f, fields![f])]))
      return Buffer.from(this.edit(line, set), 'utf8')
    })
  }

  async rectify(): Promise<number> {
    return 0 // a log records what happened; it is not rectified (reported as skipped)
  }

  async countOlderThan(coll: CollectionDef, field: string, before: Date): Promise<number> {
    let n = 0
    const limit = before.getTime()
    // Every line has a time, so the needle is the line break: all lines are visited.
    for (const file of this.files(coll)) {
      scanLines(file, [Buffer.from('\n')], (line) => {
        const f = this.parse(line.toString('utf8'))
        if (f && this.timeOf(f, field) < limit) n++
      })
    }
    return n
  }

  async findOlderThan(coll: CollectionDef, field: string, before: Date): Promise<FoundRecord[]> {
    const out: FoundRecord[] = []
    const limit = before.getTime()
    for (const file of this.files(coll)) {
      const seen = new Set<number>()
      const visit = (line: Buffer, offset: number) => {
        if (seen.has(offset)) return
        seen.add(offset)
        const f = this.parse(line.toString('utf8'))
        if (f && this.timeOf(f, field) < limit) out.push({key: `${file}:${offset}`, data: f})
      }
      // With '\n' as the needle scanLines credits each newline to the line after it, so the
      // first line of a file is never visited (countOlderThan misses it); read it here.
      const first = firstLine(file)
      if (first) visit(first, 0)
      scanLines(file, [Buffer.from('\n')], visit)
    }
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
