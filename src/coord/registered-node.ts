// What a node publishes about itself in Redis and what a room's claim says (the contract in
// docs/fleet.md). Both travel as JSON strings: parse them here, once, so that a reader never
// trusts a value another version of confctl (or a hand-edited key) wrote.

export type NodeState = 'up' | 'draining'

export interface NodeLoadFigures {
  cpuPercent: number
  rooms: number
  participants: number
  /** RTP packets forwarded to subscribers per second, over the last heartbeat interval. */
  packetsPerSecond: number
}

export interface RegisteredNode {
  /** Stable node id (node.id in the node directory). */
  id: string
  name: string
  /** WHIP/WHEP base URL clients use, e.g. http://127.0.0.1:8443. */
  publicUrl: string
  /** URL other nodes relay signalling to (may equal publicUrl). */
  relayUrl: string
  version: string
  state: NodeState
  /** Epoch ms. */
  startedAt: number
  /** Epoch ms of the heartbeat that wrote this record. */
  heartbeatAt: number
  load: NodeLoadFigures
}

export interface RoomClaim {
  /** Id of the node that hosts the room. */
  node: string
  /** Epoch ms of the first claim (kept by refreshes; split brain: the lower one wins). */
  claimedAt: number
  /** Increases each time the room is claimed anew (after its owner died). */
  epoch: number
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)
const isString = (v: unknown): v is string => typeof v === 'string'

/** The record under node:<id>, or null when it is not one (absent, not JSON, wrong shape). */
export function parseRegisteredNode(text: string | null | undefined): RegisteredNode | null {
  if (!text) return null
  let v: Record<string, unknown>
  try {
    v = JSON.parse(text) as Record<string, unknown>
  } catch {
    return null
  }
  if (!v || typeof v !== 'object') return null
  const load = v.load as Record<string, unknown> | undefined
  if (
    !isString(v.id) ||
    !isString(v.name) ||
    !isString(v.publicUrl) ||
    !isString(v.version) ||
    (v.state !== 'up' && v.state !== 'draining') ||
    !isNumber(v.startedAt) ||
    !isNumber(v.heartbeatAt) ||
    !load ||
    typeof load !== 'object'
  )
    return null
  return {
    id: v.id,
    name: v.name,
    publicUrl: v.publicUrl,
    relayUrl: isString(v.relayUrl) ? v.relayUrl : v.publicUrl,
    version: v.version,
    state: v.state,
    startedAt: v.startedAt,
    heartbeatAt: v.heartbeatAt,
    load: {
      cpuPercent: isNumber(load.cpuPercent) ? load.cpuPercent : 0,
      rooms: isNumber(load.rooms) ? load.rooms : 0,
      participants: isNumber(load.participants) ? load.participants : 0,
      packetsPerSecond: isNumber(load.packetsPerSecond) ? load.packetsPerSecond : 0,
    },
  }
}

/** The value under room:<name>, or null. */
export function parseRoomClaim(text: string | null | undefined): RoomClaim | null {
  if (!text) return null
  try {
    const v = JSON.parse(text) as Record<string, unknown>
    if (v && isString(v.node) && isNumber(v.claimedAt) && isNumber(v.epoch))
      return {node: v.node, claimedAt: v.claimedAt, epoch: v.epoch}
  } catch {
    // not JSON: treated as no claim
  }
  return null
}
