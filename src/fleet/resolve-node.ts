// Which node a command talks to: `--node N`, else the default ($CONFCTL_NODE or
// `confctl node use NAME`, see default-node.ts), else the only node in fleet.yaml. Never a
// guess between several nodes: scripts must not close a room on the wrong one.
import {BadInputError} from '../errors.js'
import type {AdminClient, AdminClientOptions} from './admin-client.js'
import {defaultNode} from './default-node.js'
import {adminClientFor} from './endpoint.js'
import {findNode, readInventory, type Inventory, type NodeEntry} from './inventory.js'
import {inventoryPath} from './paths.js'

/** Picks the node from an inventory already read; `file` is only for messages. */
export function pickNode(inv: Inventory, name: string | undefined, file: string = inventoryPath()): NodeEntry {
  const known = inv.nodes.map((n) => n.name)
  if (name !== undefined) {
    const entry = findNode(inv, name)
    if (!entry) {
      const hint = known.length
        ? `known nodes: ${known.join(', ')}`
        : 'it has no nodes yet; start one with `confctl node up`'
      throw new BadInputError(`there is no node named '${name}' in ${file} (${hint}).`)
    }
    return entry
  }
  const preset = defaultNode(file)
  if (preset) {
    const entry = findNode(inv, preset.name)
    if (entry) return entry
    // $CONFCTL_NODE is what the caller asked for now: an unknown name is an error. A name
    // recorded by `node use` may outlive its node (deprovision); with one node left, use it.
    if (preset.source === 'CONFCTL_NODE' || inv.nodes.length > 1) {
      const hint = known.length ? `known nodes: ${known.join(', ')}` : 'it has no nodes yet'
      const fix =
        preset.source === 'CONFCTL_NODE' ? 'unset it or pass --node' : 'pass --node or run `confctl node use NAME`'
      throw new BadInputError(
        `the default node '${preset.name}' (from ${preset.source}) is not in ${file} (${hint}); ${fix}.`,
      )
    }
  }
  if (inv.nodes.length === 1) return inv.nodes[0]
  if (inv.nodes.length === 0) {
    throw new BadInputError(`there are no nodes in ${file}; start one with \`confctl node up\`.`)
  }
  throw new BadInputError(
    `${file} lists ${known.length} nodes (${known.join(', ')}); choose one with --node, CONFCTL_NODE or \`confctl node use NAME\`.`,
  )
}

/** Reads fleet.yaml and picks the node. */
export async function resolveNode(name?: string, file: string = inventoryPath()): Promise<NodeEntry> {
  return pickNode(await readInventory(file), name, file)
}

/** The usual start of a room/token command: resolve the node and get its admin client. */
export async function connectNode(
  name?: string,
  opts: Pick<AdminClientOptions, 'timeoutMs'> & {file?: string} = {},
): Promise<{entry: NodeEntry; client: AdminClient}> {
  const entry = await resolveNode(name, opts.file)
  return {entry, client: await adminClientFor(entry, {timeoutMs: opts.timeoutMs})}
}
