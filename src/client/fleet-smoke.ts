// `confctl smoke --fleet`: the smoke check across two nodes of a coordinated fleet. The
// publishers go in through one node (WHIP) and the subscribers through another (WHEP); the
// fleet places the room on one node and relays the other's requests to it, so media that
// passes proves placement, the relay and the media path together. Afterwards the fleet's
// Redis must name the room's owner, and at least one of the two entry nodes must not be it
// (else nothing was relayed and the check proved nothing about the fleet).
import {BadInputError} from '../errors.js'
import {inventoryEntryOf, openFleetRegistry, requireCoordination, type FleetRegistry} from '../fleet/fleet-registry.js'
import {readInventory} from '../fleet/inventory.js'
import {inventoryPath} from '../fleet/paths.js'
import {targetFromInventory, type SmokeTarget} from './node-target.js'

export interface FleetSmokeResult {
  publishedVia: string
  subscribedVia: string
  /** The node the fleet placed the room on (null: Redis had no claim for it). */
  owner: string | null
  /** Which signalling went through a node that does not own the room: "whip", "whep". */
  relayed: ('whip' | 'whep')[]
  passed: boolean
  problem: string | null
}

export interface FleetSmokePlan {
  /** The publishers' node (it also issues the join tokens, signed with the fleet key). */
  target: SmokeTarget
  subscribeVia: {name: string; publicUrl: string}
  /** Asks the fleet's Redis where the room lives, while it still does. */
  check(room: string): Promise<FleetSmokeResult>
  close(): Promise<void>
}

/** Two nodes that are registered, up, and in fleet.yaml (this machine can get tokens from them). */
export async function planFleetSmoke(file: string = inventoryPath()): Promise<FleetSmokePlan> {
  const inv = await readInventory(file)
  const registry = await openFleetRegistry(requireCoordination(inv, file))
  try {
    const usable = (await registry.nodes()).filter((n) => n.state === 'up' && inventoryEntryOf(inv, n))
    if (usable.length < 2)
      throw new BadInputError(
        `smoke --fleet needs two nodes that are up, registered in the fleet's Redis and listed in ${file}; found ${usable.length}${usable.length ? ` (${usable.map((n) => n.name).join(', ')})` : ''}.`,
      )
    const [pub, sub] = usable
    const target = {...(await targetFromInventory(pub.name)), publicUrl: pub.publicUrl}
    return {
      target,
      subscribeVia: {name: sub.name, publicUrl: sub.publicUrl},
      check: (room) => relayCheck(registry, room, pub.name, sub.name),
      close: () => registry.close(),
    }
  } catch (err) {
    await registry.close()
    throw err
  }
}

async function relayCheck(registry: FleetRegistry, room: string, pub: string, sub: string): Promise<FleetSmokeResult> {
  const owner = (await registry.roomOwner(room))?.name ?? null
  const relayed: FleetSmokeResult['relayed'] = []
  if (owner !== null && pub !== owner) relayed.push('whip')
  if (owner !== null && sub !== owner) relayed.push('whep')
  const problem =
    owner === null
      ? `the fleet's Redis has no owner for room '${room}' while it was in use: the room was not placed`
      : relayed.length === 0
        ? `both entry nodes own room '${room}': nothing was relayed`
        : null
  return {publishedVia: pub, subscribedVia: sub, owner, relayed, passed: problem === null, problem}
}
