// The node commands talk to when --node is left out and fleet.yaml lists several:
// $CONFCTL_NODE for one shell or script, else the name `confctl node use NAME` recorded in
// $CONFCTL_HOME/default-node. A file of its own rather than a key in fleet.yaml, so choosing
// a default never rewrites (or takes the lock of) the inventory that `node up` edits.
import {readFileSync, rmSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {writeFileAtomic} from './atomic-write.js'
import {inventoryPath} from './paths.js'

/** Where the default chosen by `node use` lives: next to fleet.yaml. */
export function defaultNodeFile(inventoryFile: string = inventoryPath()): string {
  return join(dirname(inventoryFile), 'default-node')
}

export interface DefaultNode {
  name: string
  /** Where it came from, for messages: "CONFCTL_NODE" or the file's path. */
  source: string
}

/** $CONFCTL_NODE if set, else the recorded default, else undefined. Synchronous: it is read
 *  while picking a node from an inventory already in memory. */
export function defaultNode(
  inventoryFile: string = inventoryPath(),
  env: NodeJS.ProcessEnv = process.env,
): DefaultNode | undefined {
  const fromEnv = env.CONFCTL_NODE?.trim()
  if (fromEnv) return {name: fromEnv, source: 'CONFCTL_NODE'}
  const file = defaultNodeFile(inventoryFile)
  try {
    const name = readFileSync(file, 'utf8').trim()
    return name ? {name, source: file} : undefined
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
}

/** Records `name` as the default (the caller checked that fleet.yaml knows it). */
export async function recordDefaultNode(name: string, inventoryFile: string = inventoryPath()): Promise<void> {
  await writeFileAtomic(defaultNodeFile(inventoryFile), `${name}\n`)
}

/** Forgets the recorded default; CONFCTL_NODE, being the caller's own environment, stays. */
export function clearDefaultNode(inventoryFile: string = inventoryPath()): void {
  rmSync(defaultNodeFile(inventoryFile), {force: true})
}
