// Which node a room command talks to. `--node N` as always; without it, when fleet.yaml has a
// coordination section, the room's owner as the fleet's Redis records it (the node that
// claimed the room), so `room show standup` works on a fleet of any size. Without a claim, or
// with Redis unreachable, the usual choice of resolve-node.ts (the default node, or the only
// one); when that is ambiguous the command says why it could not tell.
import {BadInputError, UnreachableError} from '../errors.js'
import type {AdminClient} from './admin-client.js'
import {adminClientFor} from './endpoint.js'
import {inventoryEntryOf, RedisUnreachableError, withFleetRegistry} from './fleet-registry.js'
import {readInventory, type NodeEntry} from './inventory.js'
import {inventoryPath} from './paths.js'
import {pickNode} from './resolve-node.js'

export interface LocatedRoom {
  entry: NodeEntry
  client: AdminClient
  /** How the node was found: named, the default / only node, or the fleet's Redis. */
  via: 'flag' | 'default' | 'redis'
}

export async function locateRoom(room: string, node?: string, file: string = inventoryPath()): Promise<LocatedRoom> {
  const inv = await readInventory(file)
  if (node !== undefined || !inv.coordination) return connect(pickNode(inv, node, file), node ? 'flag' : 'default')
  let owner
  let redisProblem: RedisUnreachableError | undefined
  try {
    owner = await withFleetRegistry(inv.coordination, (r) => r.roomOwner(room))
  } catch (err) {
    if (!(err instanceof RedisUnreachableError)) throw err
    redisProblem = err
  }
  if (owner) {
    const entry = inventoryEntryOf(inv, owner)
    if (!entry)
      throw new UnreachableError(
        `room '${room}' is on node '${owner.name}' (${owner.publicUrl}), which is not in ${file}: this machine has no access to its admin API.`,
      )
    return connect(entry, 'redis')
  }
  try {
    return await connect(pickNode(inv, undefined, file), 'default')
  } catch (err) {
    if (!(err instanceof BadInputError) || inv.nodes.length === 0) throw err
    if (redisProblem) throw redisProblem // several nodes and no registry to tell which: exit 3
    throw new BadInputError(`no node of the fleet has room '${room}' open (the fleet's Redis has no claim for it).`)
  }
}

async function connect(entry: NodeEntry, via: LocatedRoom['via']): Promise<LocatedRoom> {
  return {entry, client: await adminClientFor(entry), via}
}
