// What `top` polls in a fleet that coordinates through Redis: the nodes of fleet.yaml as
// always, plus every node registered in the fleet's Redis that fleet.yaml does not list (another
// operator's). This machine has no admin token for those, so they show as "no access" with
// what Redis says about them (URL, version, load) as the reason, instead of being invisible.
// The Redis connection is opened at the first tick and kept; while Redis does not answer, the
// fleet.yaml nodes are polled as before and problem() says the fleet is degraded.
import {UnreachableError} from '../errors.js'
import type {RegisteredNode} from '../coord/registered-node.js'
import {inventoryEntryOf, openFleetRegistry, type FleetRegistry} from './fleet-registry.js'
import {readInventory} from './inventory.js'
import {inventoryPath} from './paths.js'
import type {PollTarget} from './snapshot-poller.js'
import {inventoryTargets} from './snapshot-targets.js'

export interface FleetTargets {
  targets: () => Promise<PollTarget[]>
  close: () => Promise<void>
  /** Why the last call could not ask the fleet's Redis (the fleet is degraded), if it could not. */
  problem: () => string | undefined
}

/** `names` given (top --node): those nodes only, as before; Redis is not asked. */
export function fleetTargets(names: string[] = [], file: string = inventoryPath()): FleetTargets {
  const fromInventory = inventoryTargets(names, file)
  let registry: FleetRegistry | undefined
  let problem: string | undefined
  return {
    problem: () => problem,
    async targets() {
      const targets = await fromInventory()
      if (names.length > 0) return targets
      const inv = await readInventory(file)
      problem = undefined
      if (!inv.coordination) return targets
      try {
        registry ??= await openFleetRegistry(inv.coordination)
        const others = (await registry.nodes()).filter((n) => !inventoryEntryOf(inv, n))
        return [...targets, ...others.map(registeredOnly)]
      } catch (err) {
        if (!(err instanceof UnreachableError)) throw err
        await registry?.close()
        registry = undefined
        problem = err.message
        return targets
      }
    },
    async close() {
      await registry?.close()
      registry = undefined
    },
  }
}

function registeredOnly(node: RegisteredNode): PollTarget {
  const l = node.load
  const problem = `registered in the fleet (${node.publicUrl}, version ${node.version}, ${node.state}, ${l.rooms} room(s), ${l.participants} participant(s), CPU ${Math.round(l.cpuPercent)}%) but not in fleet.yaml: this machine cannot reach its admin API.`
  return {name: node.name, managed: false, fetch: () => Promise.reject(new Error(problem))}
}
