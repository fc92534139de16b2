// `datamap check` for log files and directories: the directory a path or collection names
// must exist and be readable (a typo there means nothing is ever found, silently); a path or
// name template that matches no file yet is a warning (a log not written yet is normal).
import {accessSync, constants, existsSync, readdirSync, statSync} from 'node:fs'
import {basename, dirname} from 'node:path'
import {templateRegex} from './connectors/directory-connector.js'
import {wildcard} from './connectors/log-files.js'
import {collPath, type Report} from './datamap-check-types.js'
import type {CollectionDef, StoreDef} from './datamap-types.js'

function readable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK)
    return true
  } catch {
    return false
  }
}

function checkDir(dir: string, at: string, key: string, what: string, report: Report): boolean {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    const parent = dirname(dir)
    report({
      level: 'error',
      at,
      key,
      message: `names ${what} ${dir}, which does not exist${existsSync(parent) ? '' : ` (nor does ${parent})`}`,
    })
    return false
  }
  if (!readable(dir)) {
    report({level: 'error', at, key, message: `names ${what} ${dir}, which confctl cannot read (permissions)`})
    return false
  }
  return true
}

function checkLog(store: StoreDef, coll: CollectionDef, report: Report): void {
  const path = coll.locator.path!
  const key = `${collPath(store.name, coll.name)}.path`
  const at = coll.origins?.path ?? coll.origin
  if (!checkDir(dirname(path), at, key, 'a file in the directory', report)) return
  const re = wildcard(basename(path))
  const files = readdirSync(dirname(path)).filter((f) => re.test(f))
  if (files.length === 0) {
    report({level: 'warning', at, key, message: `matches no file in ${dirname(path)} yet`})
    return
  }
  for (const f of files) {
    const full = `${dirname(path)}/${f}`
    if (!readable(full))
      report({level: 'error', at, key, message: `matches ${full}, which confctl cannot read (permissions)`})
  }
}

function checkDirectory(store: StoreDef, coll: CollectionDef, report: Report): void {
  const dir = coll.locator.directory!
  const path = collPath(store.name, coll.name)
  if (!checkDir(dir, coll.origins?.directory ?? coll.origin, `${path}.directory`, 'directory', report)) return
  const re = templateRegex(coll.locator.name!)
  if (!readdirSync(dir).some((n) => re.test(n)))
    report({
      level: 'warning',
      at: coll.origins?.name ?? coll.origin,
      key: `${path}.name`,
      message: `'${coll.locator.name}' matches no entry of ${dir} yet (empty, or a misspelt template?)`,
    })
}

export function checkFileStore(store: StoreDef, report: Report): string[] {
  for (const coll of store.collections) {
    if (store.kind === 'directory') checkDirectory(store, coll, report)
    else checkLog(store, coll, report)
  }
  return store.collections.map((c) => c.name)
}
