// Which datamap a command uses: --datamap FILE, else $CONFCTL_HOME/datamap.yaml if it
// exists, always joined with the built-in map of every local node.
import {existsSync, readFileSync} from 'node:fs'
import {join, resolve} from 'node:path'
import {BadInputError} from '../errors.js'
import {builtinDatamap} from './builtin-datamap.js'
import type {Datamap} from './datamap-types.js'
import {mergeDatamaps, parseDatamap} from './datamap-parse.js'

export function defaultDatamapPath(home: string): string {
  return join(home, 'datamap.yaml')
}

export function loadDatamapFile(file: string, env: NodeJS.ProcessEnv = process.env): Datamap {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new BadInputError(
      `cannot read the datamap ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`,
    )
  }
  return parseDatamap(text, file, env)
}

/** The datamap in force: `file` (or the default file when present) plus the nodes' built-in map. */
export function loadDatamap(
  home: string,
  file?: string,
  env: NodeJS.ProcessEnv = process.env,
): {map: Datamap; file?: string} {
  const chosen = file ? resolve(file) : existsSync(defaultDatamapPath(home)) ? defaultDatamapPath(home) : undefined
  const maps = [builtinDatamap(home)]
  if (chosen) maps.push(loadDatamapFile(chosen, env))
  const map = mergeDatamaps(maps)
  if (map.stores.length === 0)
    throw new BadInputError(
      `no datamap: pass --datamap FILE, or write ${defaultDatamapPath(home)}, or start a local node.`,
    )
  return {map, file: chosen}
}
