// What the live dashboard polls and acts on, for `confctl top` (the nodes of fleet.yaml, or
// the named ones) and for `confctl demo` (one node that is not in fleet.yaml, reached through
// its own admin URL and token). The dashboard itself (src/tui) renders what it is given.
import {BadInputError} from '../errors.js'
import {AdminClient} from './admin-client.js'
import {readInventory} from './inventory.js'
import {inventoryPath} from './paths.js'
import {pickNode} from './resolve-node.js'
import {adminActions, clientActions, type FleetActions} from './snapshot-actions.js'
import {SnapshotPoller} from './snapshot-poller.js'
import {clientTarget} from './snapshot-targets.js'
import {fleetTargets, type FleetTargets} from './fleet-targets.js'

export interface DashboardSource {
  poller: SnapshotPoller
  actions: FleetActions
}

/** How long one node may take to answer a poll by default: the interval, 1 to 5 s. */
export function defaultNodeTimeoutMs(intervalMs: number): number {
  return Math.min(5000, Math.max(1000, intervalMs))
}

export interface InventoryDashboardOptions {
  /** Only these nodes (an unknown one is bad input); default every node of fleet.yaml. */
  nodes?: string[]
  intervalMs: number
  timeoutMs?: number
  showIp?: boolean
  /** 'all' for a one-off snapshot carrying every room's participants; 'focused' for the dashboard. */
  details: 'all' | 'focused'
  file?: string
}

/** The nodes of fleet.yaml, and in a coordinated fleet (without --node) the nodes registered in
 *  its Redis that fleet.yaml does not list (`fleet` closes that connection and says when Redis
 *  did not answer): refuses an empty fleet.yaml without coordination, or an unknown --node,
 *  now, not at the first poll. */
export async function inventoryDashboard(
  opts: InventoryDashboardOptions,
): Promise<DashboardSource & {fleet: FleetTargets}> {
  const file = opts.file ?? inventoryPath()
  const inv = await readInventory(file)
  if (inv.nodes.length === 0 && !inv.coordination)
    throw new BadInputError(`there are no nodes in ${file}; start one with \`confctl node up\`.`)
  const names = [...new Set(opts.nodes ?? [])]
  for (const name of names) pickNode(inv, name, file)
  const fleet = fleetTargets(names, file)
  const poller = new SnapshotPoller({
    targets: fleet.targets,
    intervalMs: opts.intervalMs,
    timeoutMs: opts.timeoutMs ?? defaultNodeTimeoutMs(opts.intervalMs),
    keepRemoteIp: opts.showIp ?? false,
    details: opts.details,
  })
  return {poller, actions: adminActions(file), fleet}
}

export interface DirectNode {
  name: string
  adminUrl: string
  adminToken: string
}

/** One node outside fleet.yaml (the demo's throwaway node), focused on `room`. */
export function nodeDashboard(node: DirectNode, opts: {intervalMs: number; room: string}): DashboardSource {
  const client = (timeoutMs?: number) =>
    new AdminClient({nodeName: node.name, adminUrl: node.adminUrl, token: node.adminToken, timeoutMs})
  const poller = new SnapshotPoller({
    targets: () => [clientTarget(node.name, client)],
    intervalMs: opts.intervalMs,
    timeoutMs: defaultNodeTimeoutMs(opts.intervalMs),
  })
  poller.focus({node: node.name, room: opts.room})
  return {poller, actions: clientActions(() => client())}
}

/** Several nodes outside fleet.yaml (the demo's throwaway fleet), opened on the fleet view. */
export function nodesDashboard(nodes: readonly DirectNode[], opts: {intervalMs: number}): DashboardSource {
  const client = (node: DirectNode, timeoutMs?: number) =>
    new AdminClient({nodeName: node.name, adminUrl: node.adminUrl, token: node.adminToken, timeoutMs})
  const byName = new Map(nodes.map((n) => [n.name, n]))
  const poller = new SnapshotPoller({
    targets: () => nodes.map((n) => clientTarget(n.name, (timeoutMs) => client(n, timeoutMs))),
    intervalMs: opts.intervalMs,
    timeoutMs: defaultNodeTimeoutMs(opts.intervalMs),
  })
  return {poller, actions: clientActions((name) => client(byName.get(name) ?? nodes[0]))}
}
