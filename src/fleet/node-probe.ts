// The current state of nodes for `node list` / `node status` (and later the dashboard's
// snapshot): up, down (no process), or unreachable (process or host there, API not
// answering). Probes never throw for one bad node, so a list always shows every node.
import type {NodeInfo} from '../api/node-api.js'
import {UnreachableError} from '../errors.js'
import type {HealthResponse} from './admin-client.js'
import {adminClientFor, nodeEndpoint} from './endpoint.js'
import type {NodeEntry, NodeKind} from './inventory.js'
import {readStateFile, runningPid} from './node-dir.js'

export type NodeState = 'up' | 'down' | 'unreachable'

export interface NodeProbe {
  name: string
  kind: NodeKind
  state: NodeState
  /** /healthz status when up: 'ok' or 'draining'. */
  health: HealthResponse['status'] | null
  pid: number | null
  publicUrl: string | null
  adminUrl: string | null
  /** Why the node is down or unreachable, one sentence. */
  problem: string | null
}

export const PROBE_TIMEOUT_MS = 2000

export async function probeNode(entry: NodeEntry, timeoutMs = PROBE_TIMEOUT_MS): Promise<NodeProbe> {
  const base: NodeProbe = {
    name: entry.name,
    kind: entry.kind,
    state: 'down',
    health: null,
    pid: null,
    publicUrl: entry.publicUrl ?? null,
    adminUrl: entry.adminUrl ?? null,
    problem: null,
  }
  if (entry.kind === 'local') {
    const pid = runningPid(entry.dir)
    if (pid === undefined) return {...base, problem: 'no process is running'}
    const state = readStateFile(entry.dir)
    Object.assign(base, {
      pid,
      publicUrl: state?.publicUrl ?? base.publicUrl,
      adminUrl: state?.adminUrl ?? base.adminUrl,
    })
  }
  try {
    const client = await adminClientFor(entry, {timeoutMs})
    const health = await client.health()
    return {...base, state: 'up', health: health.status, adminUrl: client.adminUrl}
  } catch (err) {
    return {...base, state: 'unreachable', problem: (err as Error).message}
  }
}

export async function probeNodes(entries: NodeEntry[], timeoutMs = PROBE_TIMEOUT_MS): Promise<NodeProbe[]> {
  return Promise.all(entries.map((e) => probeNode(e, timeoutMs)))
}

export interface NodeStatus {
  name: string
  kind: NodeKind
  state: 'up'
  health: HealthResponse['status']
  pid: number | null
  adminUrl: string
  info: NodeInfo
}

/** Health and NodeInfo of a node that must be up; throws UnreachableError (exit 3) otherwise. */
export async function nodeStatus(entry: NodeEntry, timeoutMs?: number): Promise<NodeStatus> {
  const ep = await nodeEndpoint(entry) // throws "is down" for a local node without a process
  const client = await adminClientFor(entry, {timeoutMs})
  const [health, info] = await Promise.all([client.health(), client.node()])
  if (!health?.status) throw new UnreachableError(`node '${entry.name}' answered /healthz without a status.`)
  return {
    name: entry.name,
    kind: entry.kind,
    state: 'up',
    health: health.status,
    pid: ep.pid ?? null,
    adminUrl: client.adminUrl,
    info,
  }
}
