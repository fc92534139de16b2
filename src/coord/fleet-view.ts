// Reading the fleet from Redis: the registered nodes, who owns a room, the rooms of each
// node. The CLI (fleet status, room list/show, top) and the node use these; nothing here
// writes except the lazy removal of dead nodes from the `nodes` listing.
import type {Redis} from 'ioredis'
import {BadInputError, ConfctlError, UnreachableError} from '../errors.js'
import {keys} from './keys.js'
import {parseRegisteredNode, parseRoomClaim, type RegisteredNode, type RoomClaim} from './registered-node.js'

/** Milliseconds the CLI waits for Redis before it says the coordination is unreachable. */
const CONNECT_TIMEOUT_MS = 2000
/** Reconnection attempts of a CLI connection before its commands fail (bounded: a command must end). */
const MAX_RECONNECTS = 2

/** Why `url` is not a Redis URL confctl can use, or undefined when it is. */
export function redisUrlProblem(url: string): string | undefined {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return `'${url}' is not a Redis URL (expected redis://host:port/db or rediss://...)`
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:')
    return `'${redactUrl(url)}' is not a Redis URL: the scheme must be redis:// or rediss://`
  if (!parsed.hostname) return `'${redactUrl(url)}' names no host`
  const db = parsed.pathname.replace(/^\//, '')
  if (db !== '' && !/^\d{1,2}$/.test(db))
    return `'${redactUrl(url)}': the database must be a number (redis://host:port/9)`
  return undefined
}

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return url
  }
}

/**
 * A client for the CLI: connects on first use, retries a connection a bounded number of
 * times, and fails commands fast while disconnected. Read functions below turn its errors
 * into UnreachableError (exit 3). A bad URL is BadInputError (exit 2). Call quit() when done.
 */
export async function openCoordination(url: string): Promise<Redis> {
  const problem = redisUrlProblem(url)
  if (problem) throw new BadInputError(problem)
  // Loaded here, not at startup: most commands never talk to the fleet's Redis (~0.1 s).
  const {Redis} = await import('ioredis')
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => (times > MAX_RECONNECTS ? null : 200),
  })
  // Errors reach the caller through the failed command; without a listener ioredis prints
  // "Unhandled error event" on every attempt.
  redis.on('error', () => undefined)
  return redis
}

function where(redis: Redis): string {
  const o = redis.options
  return o.path ? o.path : `${o.host ?? '127.0.0.1'}:${o.port ?? 6379}/${o.db ?? 0}`
}

/** Runs a read, turning a connection failure into UnreachableError naming the server. */
async function reading<T>(redis: Redis, read: () => Promise<T>): Promise<T> {
  try {
    return await read()
  } catch (err) {
    if (err instanceof ConfctlError) throw err
    throw new UnreachableError(
      `the fleet coordination (Redis at ${where(redis)}) is unreachable: ${(err as Error).message}`,
    )
  }
}

/** Every live registered node, sorted by name then id. Entries of dead nodes are dropped from the listing. */
export async function listNodes(redis: Redis, prefix: string): Promise<RegisteredNode[]> {
  return reading(redis, () => liveNodes(redis, prefix))
}

async function liveNodes(redis: Redis, prefix: string): Promise<RegisteredNode[]> {
  const ids = await redis.zrange(keys.nodes(prefix), 0, -1)
  if (ids.length === 0) return []
  const records = await redis.mget(ids.map((id) => keys.node(prefix, id)))
  const nodes: RegisteredNode[] = []
  const dead: string[] = []
  ids.forEach((id, i) => {
    const node = parseRegisteredNode(records[i])
    if (node) nodes.push(node)
    else if (records[i] === null) dead.push(id)
  })
  if (dead.length > 0) await redis.zrem(keys.nodes(prefix), ...dead)
  return nodes.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
}

/** The room's claim and its owner, when the owner is alive; null otherwise (no claim, or its node died). */
export async function findRoomClaim(
  redis: Redis,
  prefix: string,
  room: string,
): Promise<{claim: RoomClaim; node: RegisteredNode} | null> {
  return reading(redis, async () => {
    const claim = parseRoomClaim(await redis.get(keys.room(prefix, room)))
    if (!claim) return null
    const node = parseRegisteredNode(await redis.get(keys.node(prefix, claim.node)))
    return node ? {claim, node} : null
  })
}

/** The live node that hosts `room`, or null. */
export async function findRoomOwner(redis: Redis, prefix: string, room: string): Promise<RegisteredNode | null> {
  return (await findRoomClaim(redis, prefix, room))?.node ?? null
}

/** Live node id -> the rooms whose claim names it (sorted). Every live node has an entry. */
export async function listRoomsByNode(redis: Redis, prefix: string): Promise<Map<string, string[]>> {
  return reading(redis, async () => {
    const nodes = await liveNodes(redis, prefix)
    const out = new Map<string, string[]>()
    for (const node of nodes) {
      const rooms = (await redis.smembers(keys.nodeRooms(prefix, node.id))).sort()
      const claims = rooms.length > 0 ? await redis.mget(rooms.map((r) => keys.room(prefix, r))) : []
      // The set may lag a claim that expired or moved; the claim is the truth.
      out.set(
        node.id,
        rooms.filter((_, i) => parseRoomClaim(claims[i])?.node === node.id),
      )
    }
    return out
  })
}
