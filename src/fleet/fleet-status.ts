// `confctl fleet status`: the fleet as its Redis registry sees it, joined with this machine's
// fleet.yaml: every registered node (managed here or not) with its state, load, version and
// rooms, then every fleet.yaml node that is not registered (down, started before
// `fleet init`, or unable to reach Redis).
import {redactedRedisUrl} from './coordination-config.js'
import type {FleetRegistry} from './fleet-registry.js'
import type {Inventory} from './inventory.js'
import type {NodeLoadFigures} from '../coord/registered-node.js'

export interface FleetNodeStatus {
  /** The node's id in Redis; null for a node that is not registered. */
  id: string | null
  name: string
  state: 'up' | 'draining' | 'not registered'
  /** Whether this machine's fleet.yaml lists it (only those can be managed from here). */
  inFleetYaml: boolean
  publicUrl: string | null
  version: string | null
  /** Milliseconds since its last heartbeat, as of the status. */
  heartbeatAgeMs: number | null
  load: NodeLoadFigures | null
  rooms: string[]
}

export interface FleetStatus {
  redis: string // password hidden
  prefix: string
  time: string
  nodes: FleetNodeStatus[]
}

export async function fleetStatus(registry: FleetRegistry, inv: Inventory, now = Date.now()): Promise<FleetStatus> {
  const [registered, roomsByNode] = await Promise.all([registry.nodes(), registry.roomsByNode()])
  const known = new Set(inv.nodes.map((n) => n.name))
  const nodes: FleetNodeStatus[] = registered
    .map((n) => ({
      id: n.id,
      name: n.name,
      state: n.state,
      inFleetYaml: known.has(n.name),
      publicUrl: n.publicUrl,
      version: n.version,
      heartbeatAgeMs: Math.max(0, now - n.heartbeatAt),
      load: n.load,
      rooms: [...(roomsByNode.get(n.id) ?? [])].sort(),
    }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
  const names = new Set(registered.map((n) => n.name))
  for (const entry of inv.nodes) {
    if (names.has(entry.name)) continue
    nodes.push({
      id: null,
      name: entry.name,
      state: 'not registered',
      inFleetYaml: true,
      publicUrl: entry.publicUrl ?? null,
      version: null,
      heartbeatAgeMs: null,
      load: null,
      rooms: [],
    })
  }
  return {
    redis: redactedRedisUrl(registry.settings.redis),
    prefix: registry.prefix,
    time: new Date(now).toISOString(),
    nodes,
  }
}
