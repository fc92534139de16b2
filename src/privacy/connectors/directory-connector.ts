// Directories of files named by an id, e.g. recordings "{room_id}-{started}.webm": the
// name template's {captures} are the record's fields, the file is attached to an access
// export as it is, and erasure deletes the file (or keeps it, by the datamap).
import {existsSync, readdirSync, statSync, unlinkSync} from 'node:fs'
import {join} from 'node:path'
import {UnreachableError} from '../../errors.js'
import type {CollectionDef, StoreDef} from '../datamap-types.js'
import {type Connector, type FoundRecord, type Match, type StepAction, valueMatches} from './connector.js'

/** A file-name template as a regex with named groups ({x} = one or more chars but '/', * = anything). */
export function templateRegex(template: string): RegExp {
  const src = template.split(/(\{\w+\}|\*)/).map((part) => {
    if (part === '*') return '.*'
    const m = /^\{(\w+)\}$/.exec(part)
    return m ? `(?<${m[1]}>[^/]+?)` : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')
  })
  return new RegExp(`^${src.join('')}$`)
}

export class DirectoryConnector implements Connector {
  constructor(readonly store: StoreDef) {}

  async connect(): Promise<void> {
    for (const c of this.store.collections) {
      if (!existsSync(c.locator.directory!))
        throw new UnreachableError(`store '${this.store.name}': the directory ${c.locator.directory} does not exist.`)
    }
  }

  private list(coll: CollectionDef): FoundRecord[] {
    const re = templateRegex(coll.locator.name!)
    const out: FoundRecord[] = []
    for (const name of readdirSync(coll.locator.directory!).sort()) {
      const m = re.exec(name)
      if (!m) continue
      const file = join(coll.locator.directory!, name)
      const st = statSync(file)
      if (!st.isFile()) continue
      out.push({
        key: file,
        data: {...m.groups, file: name, bytes: st.size, mtime: st.mtime.toISOString()},
        attachment: file,
      })
    }
    return out
  }

  async find(coll: CollectionDef, matches: Match[]): Promise<FoundRecord[]> {
    return this.list(coll).filter((r) => matches.some((m) => valueMatches(r.data[m.field], m)))
  }

  planErasure(_coll: CollectionDef, records: FoundRecord[]): StepAction[] {
    return records.length ? [{op: 'delete-files', files: records.map((r) => r.key)}] : []
  }

  async apply(_coll: CollectionDef, step: StepAction): Promise<number> {
    if (step.op !== 'delete-files') throw new Error(`a directory store cannot apply '${step.op}'`)
    let n = 0
    for (const f of step.files) {
      try {
        unlinkSync(f)
        n++
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err // already gone: applied before
      }
    }
    return n
  }

  async rectify(): Promise<number> {
    return 0 // a recording is not rectified by renaming it
  }

  async countOlderThan(coll: CollectionDef, _field: string, before: Date): Promise<number> {
    return this.list(coll).filter((r) => Date.parse(String(r.data.mtime)) < before.getTime()).length
  }

  async findOlderThan(coll: CollectionDef, _field: string, before: Date): Promise<FoundRecord[]> {
    return this.list(coll).filter((r) => Date.parse(String(r.data.mtime)) < before.getTime())
  }

  async close(): Promise<void> {}
}
