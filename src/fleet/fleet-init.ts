// `confctl fleet init --redis URL`: records where the fleet coordinates in fleet.yaml, after
// checking the URL (exit 2) and that Redis answers (exit 3), so nothing is written for a
// Redis no node could reach; and creates the fleet signing key if there is none. Nodes get
// both when confctl next starts or provisions them (`node up`, `node provision`).
import {checkRedisPrefix, checkRedisUrl, redactedRedisUrl, type CoordinationSettings} from './coordination-config.js'
import {operatorFleetKey, operatorFleetKeyPath} from './operator-fleet-key.js'
import {RedisUnreachableError, withFleetRegistry} from './fleet-registry.js'
import {UnreachableError} from '../errors.js'
import {updateInventory} from './inventory.js'
import {inventoryPath} from './paths.js'
import {confctlHome} from '../store/home.js'

export interface FleetInitRequest {
  redis: string
  redisPrefix?: string
}

export interface FleetInitResult {
  file: string
  redis: string // password hidden
  prefix: string | null
  keyFile: string
  /** Registered nodes Redis already lists under the prefix (another operator's, or ours). */
  registeredNodes: number
  /** Nodes in fleet.yaml: they pick the settings up when next started (`node up NAME`). */
  nodesToRestart: string[]
}

export async function initFleet(req: FleetInitRequest): Promise<FleetInitResult> {
  const settings: CoordinationSettings = {redis: checkRedisUrl(req.redis, '--redis')}
  if (req.redisPrefix !== undefined) settings.redisPrefix = checkRedisPrefix(req.redisPrefix, '--redis-prefix')
  let registeredNodes: number
  try {
    registeredNodes = await withFleetRegistry(settings, async (r) => (await r.nodes()).length)
  } catch (err) {
    if (err instanceof RedisUnreachableError)
      throw new UnreachableError(`${err.reason.replace(/^its /, '')}; ${inventoryPath()} was not changed.`)
    throw err
  }
  const file = inventoryPath()
  const inv = await updateInventory((current) => ({...current, coordination: settings}), file)
  await operatorFleetKey()
  return {
    file,
    redis: redactedRedisUrl(settings.redis),
    prefix: settings.redisPrefix ?? null,
    keyFile: operatorFleetKeyPath(confctlHome()),
    registeredNodes,
    nodesToRestart: inv.nodes.map((n) => n.name),
  }
}
