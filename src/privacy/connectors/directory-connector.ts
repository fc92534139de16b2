// Directories whose entries are records, named by an id: single files such as recordings
// "{room_uid}-{started}.webm", or whole directories such as BigBlueButton's
// "presentation/{record_id}/" with everything below them. The name template's {captures}
// are the record's fields; every file of a record goes into an access export as it is, and
// erasure deletes the entry (a directory with everything in it), or keeps it by the datamap.
// An entry whose name matches but that cannot be read (permissions, a FIFO, a link to
// nothing) is still the subject's record: it is found, erased like the rest, and reported
// as unsearchable so an export or verify never passes over it in silence.
import {
  closeSync,
  existsSync,
  lstatSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
} from 'node:fs'
import {basename, dirname, join} from 'node:path'
import {UnreachableError} from '../../errors.js'
import type {CollectionDef, StoreDef} from '../datamap-types.js'
import {
  type Connector,
  type FoundRecord,
  type Match,
  type ReportUnsearchable,
  type StepAction,
  type Unsearchable,
  valueMatches,
} from './connector.js'
import {notAFileReason, unreadableReason} from './unreadable.js'

const escape = (text: string) => text.replace(/[.+?^${}()|[\]\\]/g, '\\$&')

/** A file-name template as a regex with named groups ({x} = one or more chars but '/', * = anything).
 *  A capture given in `fixed` must be exactly that value: "{room_uid}-{started}" splits
 *  "eri-abc-123-20261101" at the first '-' on its own, but not when room_uid is "eri-abc-123". */
export function templateRegex(template: string, fixed: Record<string, string> = {}, flags = ''): RegExp {
  const src = template.split(/(\{\w+\}|\*)/).map((part) => {
    if (part === '*') return '.*'
    const m = /^\{(\w+)\}$/.exec(part)
    if (!m) return escape(part)
    return `(?<${m[1]}>${m[1] in fixed ? escape(fixed[m[1]]) : '[^/]+?'})`
  })
  return new RegExp(`^${src.join('')}$`, flags)
}

/** The capture names of a template. */
const capturesOf = (template: string) => [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1])

/** Where a directory record goes while it is deleted: renaming is atomic, so the record is
 *  gone from its name at once; a kill during the removal leaves this name, which the same
 *  (idempotent) step removes when it runs again. */
const trashOf = (path: string) => join(dirname(path), `.${basename(path)}.erasing`)
const isTrash = (name: string) => name.startsWith('.') && name.endsWith('.erasing')

interface Entry {
  name: string
  path: string
  captures: Record<string, string>
}

interface Described {
  record: FoundRecord
  problems: Unsearchable[]
}

/** Every file below `dir` (links to files count as files), and what could not be read. */
function walk(dir: string, prefix: string, files: NonNullable<FoundRecord['files']>, problems: Unsearchable[]): number {
  let bytes = 0
  let entries
  try {
    entries = readdirSync(dir, {withFileTypes: true}).sort((a, b) => (a.name < b.name ? -1 : 1))
  } catch (err) {
    problems.push({path: dir, reason: unreadableReason(err, dir)})
    return 0
  }
  for (const e of entries) {
    const path = join(dir, e.name)
    const name = `${prefix}/${e.name}`
    if (e.isDirectory()) {
      bytes += walk(path, name, files, problems)
      continue
    }
    let st
    try {
      st = statSync(path)
    } catch (err) {
      problems.push({path, reason: unreadableReason(err, path)})
      continue
    }
    if (st.isDirectory()) problems.push({path, reason: 'is a symbolic link to a directory, which is not followed'})
    else if (!st.isFile()) problems.push({path, reason: notAFileReason(st)})
    else {
      const why = readable(path)
      if (why) problems.push({path, reason: why})
      else {
        files.push({path, name})
        bytes += st.size
      }
    }
  }
  return bytes
}

/** undefined when the file opens for reading, else why not (as root, permissions never say no). */
function readable(path: string): string | undefined {
  try {
    closeSync(openSync(path, 'r'))
    return undefined
  } catch (err) {
    return unreadableReason(err, path)
  }
}

export class DirectoryConnector implements Connector {
  constructor(readonly store: StoreDef) {}

  async connect(): Promise<void> {
    for (const c of this.store.collections) {
      if (!existsSync(c.locator.directory!))
        throw new UnreachableError(`store '${this.store.name}': the directory ${c.locator.directory} does not exist.`)
    }
  }

  /** Entries whose name fits the template; only the names are read. */
  private entries(coll: CollectionDef): Entry[] {
    const dir = coll.locator.directory!
    const re = templateRegex(coll.locator.name!)
    let names: string[]
    try {
      names = readdirSync(dir).sort()
    } catch (err) {
      // The collection's own directory unreadable: nothing of it can be searched, so no store
      // answer may claim otherwise.
      throw new UnreachableError(`store '${this.store.name}': the directory ${dir} ${unreadableReason(err, dir)}.`)
    }
    const out: Entry[] = []
    for (const name of names) {
      if (isTrash(name)) continue
      const m = re.exec(name)
      if (m) out.push({name, path: join(dir, name), captures: {...m.groups}})
    }
    return out
  }

  /** The record an entry is: a file, a directory with all its files, or something unreadable. */
  private describe(e: Entry, withFiles: boolean): Described {
    const base = {...e.captures, file: e.name}
    let st
    try {
      st = statSync(e.path)
    } catch (err) {
      return {record: {key: e.path, data: base}, problems: [{path: e.path, reason: unreadableReason(err, e.path)}]}
    }
    const mtime = st.mtime.toISOString()
    if (st.isFile()) {
      const why = withFiles ? readable(e.path) : undefined
      return {
        record: {
          key: e.path,
          data: {...base, bytes: st.size, mtime},
          ...(why ? {} : {files: [{path: e.path, name: e.name}]}),
        },
        problems: why ? [{path: e.path, reason: why}] : [],
      }
    }
    if (st.isDirectory()) {
      const files: NonNullable<FoundRecord['files']> = []
      const problems: Unsearchable[] = []
      const bytes = withFiles ? walk(e.path, e.name, files, problems) : undefined
      return {
        record: {
          key: e.path,
          data: {...base, kind: 'directory', mtime, ...(withFiles ? {files: files.length, bytes} : {})},
          files,
        },
        problems,
      }
    }
    return {record: {key: e.path, data: {...base, mtime}}, problems: [{path: e.path, reason: notAFileReason(st)}]}
  }

  async find(coll: CollectionDef, matches: Match[], report?: ReportUnsearchable): Promise<FoundRecord[]> {
    // A lookup on a capture is decided on the name alone, with the value put into the
    // template (see templateRegex); anything else needs the entry read (bytes, mtime).
    const captures = capturesOf(coll.locator.name!)
    const byName = matches
      .filter((m) => captures.includes(m.field) && !m.ip)
      .flatMap((m) => m.values.map((v) => templateRegex(coll.locator.name!, {[m.field]: v}, m.fold ? 'i' : '')))
    const other = matches.filter((m) => !captures.includes(m.field) || m.ip)
    const out: FoundRecord[] = []
    for (const e of this.entries(coll)) {
      const exact = byName.map((re) => re.exec(e.name)).find((m) => m)
      const entry = exact ? {...e, captures: {...exact.groups}} : e
      if (!exact && other.length === 0) continue
      const d = this.describe(entry, true)
      if (!exact && !other.some((m) => valueMatches(d.record.data[m.field], m))) continue
      out.push(d.record)
      for (const p of d.problems) report?.(p)
    }
    return out
  }

  planErasure(_coll: CollectionDef, records: FoundRecord[]): StepAction[] {
    return records.length ? [{op: 'delete-files', files: records.map((r) => r.key)}] : []
  }

  async apply(_coll: CollectionDef, step: StepAction): Promise<number> {
    if (step.op !== 'delete-files') throw new Error(`a directory store cannot apply '${step.op}'`)
    let n = 0
    for (const path of step.files) {
      const trash = trashOf(path)
      let st
      try {
        st = lstatSync(path)
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
      }
      if (st?.isDirectory()) {
        rmSync(trash, {recursive: true, force: true}) // a previous run's, killed while removing
        renameSync(path, trash)
      } else if (st) unlinkSync(path) // a file, or a link/FIFO/socket: the entry itself goes
      rmSync(trash, {recursive: true, force: true})
      if (st) n++
    }
    return n
  }

  async rectify(): Promise<number> {
    return 0 // a recording is not rectified by renaming it
  }

  private olderThan(coll: CollectionDef, before: Date): FoundRecord[] {
    return this.entries(coll)
      .map((e) => this.describe(e, false).record)
      .filter((r) => r.data.mtime !== undefined && Date.parse(String(r.data.mtime)) < before.getTime())
  }

  async countOlderThan(coll: CollectionDef, _field: string, before: Date): Promise<number> {
    return this.olderThan(coll, before).length
  }

  async findOlderThan(coll: CollectionDef, _field: string, before: Date): Promise<FoundRecord[]> {
    return this.olderThan(coll, before)
  }

  async close(): Promise<void> {}
}
