// Several real node processes in one coordinated fleet for a test: a shared fleet key
// (fleet.secret) in each node directory, --redis and a key prefix of the test's own.
import {randomBytes} from 'node:crypto'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {Redis} from 'ioredis'
import {listNodes} from '../../src/coord/fleet-view.js'
import {startTestNode, type TestNode} from './sfu-process.js'
import {until} from './until.js'

export interface FleetOptions {
  redisUrl: string
  prefix: string
  /** One RTC port range per node, e.g. ['44800-44819', '44820-44839']. */
  rtcPorts: string[]
  extraArgs?: string[]
  fleetKey?: string
}

export const newFleetKey = () => randomBytes(32).toString('hex')

/** A fresh node directory holding the fleet key. */
export function fleetNodeDir(fleetKey: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'confctl-fleet-node-'))
  writeFileSync(join(dir, 'fleet.secret'), fleetKey + '\n', {mode: 0o600})
  return dir
}

export function fleetArgs(o: FleetOptions, name: string): string[] {
  return ['--name', name, '--redis', o.redisUrl, '--redis-prefix', o.prefix, ...(o.extraArgs ?? [])]
}

/** Starts the nodes (n1, n2, ...) and waits until Redis lists them all. */
export async function startFleet(o: FleetOptions, redis: Redis): Promise<TestNode[]> {
  const key = o.fleetKey ?? newFleetKey()
  const nodes: TestNode[] = []
  try {
    for (const [i, ports] of o.rtcPorts.entries())
      nodes.push(await startTestNode(fleetArgs(o, `n${i + 1}`), ports, fleetNodeDir(key)))
  } catch (err) {
    await Promise.all(nodes.map((n) => n.stop()))
    throw err
  }
  await until(
    `${nodes.length} nodes registered`,
    async () => (await listNodes(redis, o.prefix)).length === nodes.length,
  )
  return nodes
}
