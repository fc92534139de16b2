// `room list` over a whole fleet: the rooms of every node registered in the fleet's Redis
// and of every node of fleet.yaml, asked at once. Nodes this machine can reach (in
// fleet.yaml, answering) give their full room summaries; for the others only what Redis
// knows (the room names) is shown, with the reason.
import type {RoomSummary} from '../api/node-api.js'
import {adminClientFor} from './endpoint.js'
import {inventoryEntryOf, type FleetRegistry} from './fleet-registry.js'
import type {Inventory, NodeEntry} from './inventory.js'

export type FleetRoom = RoomSummary & {node: string}

export interface UnreachedNode {
  node: string
  /** Room names the fleet's Redis lists for it. */
  rooms: string[]
  problem: string
}

export interface FleetRooms {
  rooms: FleetRoom[]
  unreached: UnreachedNode[]
}

export async function listFleetRooms(registry: FleetRegistry, inv: Inventory, timeoutMs = 5000): Promise<FleetRooms> {
  const [registered, roomsByNode] = await Promise.all([registry.nodes(), registry.roomsByNode()])
  const asks: {name: string; entry?: NodeEntry; redisRooms: string[]}[] = registered.map((n) => ({
    name: n.name,
    entry: inventoryEntryOf(inv, n),
    redisRooms: roomsByNode.get(n.id) ?? [],
  }))
  for (const entry of inv.nodes)
    if (!asks.some((a) => a.name === entry.name)) asks.push({name: entry.name, entry, redisRooms: []})
  const answers = await Promise.all(
    asks.map(async (a) => {
      if (!a.entry)
        return {
          a,
          problem: 'registered in the fleet, but not in fleet.yaml: this machine has no access to its admin API',
        }
      try {
        const rooms = await (await adminClientFor(a.entry, {timeoutMs})).rooms()
        return {a, rooms}
      } catch (err) {
        return {a, problem: (err as Error).message.replace(/\.$/, '')}
      }
    }),
  )
  const out: FleetRooms = {rooms: [], unreached: []}
  for (const r of answers) {
    if (r.rooms) out.rooms.push(...r.rooms.map((room) => ({node: r.a.name, ...room})))
    else out.unreached.push({node: r.a.name, rooms: [...r.a.redisRooms].sort(), problem: r.problem!})
  }
  out.rooms.sort((x, y) => x.node.localeCompare(y.node) || x.name.localeCompare(y.name))
  out.unreached.sort((x, y) => x.node.localeCompare(y.node))
  return out
}
