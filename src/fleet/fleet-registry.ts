// What confctl sees of the fleet through Redis: every node registered there (also the ones
// another operator started, absent from this machine's fleet.yaml), their load and rooms, and
// which node hosts a room. Readers only: the nodes write their registrations themselves
// (src/coord/). Redis that cannot be reached is exit 3 with one sentence saying the fleet is
// degraded; a fleet.yaml without `coordination:` is exit 2 pointing at `confctl fleet init`.
import type {Redis} from 'ioredis'
import {BadInputError, ConfctlError, UnreachableError} from '../errors.js'
import {findRoomOwner, listNodes, listRoomsByNode, openCoordination} from '../coord/fleet-view.js'
import type {RegisteredNode} from '../coord/registered-node.js'
import {redactedRedisUrl, redisPrefixOf, type CoordinationSettings} from './coordination-config.js'
import type {Inventory, NodeEntry} from './inventory.js'

/** A connection to the fleet's Redis for one command; close() when done. */
export interface FleetRegistry {
  readonly settings: CoordinationSettings
  readonly prefix: string
  nodes(): Promise<RegisteredNode[]>
  roomsByNode(): Promise<Map<string, string[]>>
  roomOwner(room: string): Promise<RegisteredNode | null>
  close(): Promise<void>
}

/** The registry of the fleet fleet.yaml coordinates, or a BadInputError naming the fix. */
export function requireCoordination(inv: Inventory, file: string): CoordinationSettings {
  if (!inv.coordination)
    throw new BadInputError(
      `${file} has no coordination section; run \`confctl fleet init --redis redis://HOST:6379\` first.`,
    )
  return inv.coordination
}

/** Connects (bounded: a few seconds) and checks Redis answers; UnreachableError otherwise. */
export async function openFleetRegistry(settings: CoordinationSettings): Promise<FleetRegistry> {
  const prefix = redisPrefixOf(settings)
  const redis: Redis = await openCoordination(settings.redis)
  const guard = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work()
    } catch (err) {
      throw degraded(settings, err)
    }
  }
  try {
    await guard(async () => {
      if (redis.status === 'wait') await redis.connect()
      await redis.ping()
    })
  } catch (err) {
    redis.disconnect()
    throw err
  }
  return {
    settings,
    prefix,
    nodes: () => guard(() => listNodes(redis, prefix)),
    roomsByNode: () => guard(() => listRoomsByNode(redis, prefix)),
    roomOwner: (room) => guard(() => findRoomOwner(redis, prefix, room)),
    async close() {
      await redis.quit().catch(() => redis.disconnect())
    },
  }
}

/** Runs `work` with the registry open, and closes it whatever happens. */
export async function withFleetRegistry<T>(
  settings: CoordinationSettings,
  work: (registry: FleetRegistry) => Promise<T>,
): Promise<T> {
  const registry = await openFleetRegistry(settings)
  try {
    return await work(registry)
  } finally {
    await registry.close()
  }
}

function degraded(settings: CoordinationSettings, err: unknown): ConfctlError {
  if (err instanceof ConfctlError && !(err instanceof UnreachableError)) return err
  return new RedisUnreachableError(
    `the fleet is degraded: ${unreachableRedis(settings, err)}; nodes keep serving their own rooms but new rooms are not placed across the fleet.`,
    unreachableRedis(settings, err),
  )
}

/** Redis did not answer; `reason` is the sentence without the "degraded" framing. */
export class RedisUnreachableError extends UnreachableError {
  constructor(
    message: string,
    readonly reason: string,
  ) {
    super(message)
  }
}

function unreachableRedis(settings: CoordinationSettings, err: unknown): string {
  const raw = err instanceof Error ? err.message.split('\n')[0] : String(err)
  // The coordination module's message names the server too; keep only its cause.
  const why = raw.replace(/^the fleet coordination \(Redis at [^)]*\) is unreachable: /, '').replace(/\.+$/, '')
  return `its Redis at ${redactedRedisUrl(settings.redis)} cannot be reached (${why})`
}

/** The fleet.yaml entry of a registered node, matched by name (the node registers under the
 *  name it was started with), or undefined for a node this machine does not manage. */
export function inventoryEntryOf(inv: Inventory, node: Pick<RegisteredNode, 'name'>): NodeEntry | undefined {
  return inv.nodes.find((n) => n.name === node.name)
}
