// The Redis key schema of fleet coordination (documented in docs/fleet.md). Every key is
// `<prefix><key>`, the prefix naming one fleet so that several fleets can share a Redis.

export const DEFAULT_PREFIX = 'confctl:'
/** Milliseconds a registration and a room claim live without a heartbeat. */
export const DEFAULT_TTL_MS = 5000
/** Milliseconds between a node's heartbeats. */
export const HEARTBEAT_INTERVAL_MS = 1000

const PREFIX = /^[A-Za-z0-9_.:{}-]{1,64}$/

/** Why `prefix` is not a usable key prefix, or undefined when it is. */
export function prefixProblem(prefix: string): string | undefined {
  return PREFIX.test(prefix)
    ? undefined
    : `the Redis key prefix '${prefix}' is invalid: use 1-64 letters, digits or '_', '.', ':', '-', '{', '}'`
}

export const keys = {
  /** STRING: JSON RegisteredNode, PX ttl, rewritten every heartbeat. */
  node: (prefix: string, id: string) => `${prefix}node:${id}`,
  /** ZSET: node id -> epoch ms of its last heartbeat (for listing; dead entries removed lazily). */
  nodes: (prefix: string) => `${prefix}nodes`,
  /** STRING: JSON RoomClaim, PX ttl, refreshed by the owner's heartbeat. */
  room: (prefix: string, room: string) => `${prefix}room:${room}`,
  /** SET: the rooms a node owns. */
  nodeRooms: (prefix: string, id: string) => `${prefix}node:${id}:rooms`,
  /** LIST: the last split-brain and failover lines (capped). */
  events: (prefix: string) => `${prefix}events`,
}

/** Entries kept in the events list. */
export const EVENTS_KEPT = 200
