// The current state of nodes for `node list` / `node status` (and later the dashboard's
// snapshot): up, down (no process; for an ssh node: its host answers, nothing listens on
// the admin port there), or unreachable (process or host there, API not answering). An ssh
// node's admin URL is the one on its host, not the local end of this process's tunnel,
// which is gone when the command ends. Probes never throw for one bad node, so a list always shows every node.
import type {NodeInfo} from '../api/node-api.js'
import {UnreachableError} from '../errors.js'
import type {HealthResponse} from './admin-client.js'
import {adminClientFor, nodeEndpoint} from './endpoint.js'
import type {NodeEntry, NodeKind} from './inventory.js'
import {readStateFile, runningPid} from './node-dir.js'
import {NodeNotRunningError} from './ssh/tunnel.js'
import type {RestartRecord} from './ssh/remote-supervisor.js'

export type NodeState = 'up' | 'down' | 'unreachable'

export interface NodeProbe {
  name: string
  kind: NodeKind
  state: NodeState
  /** /healthz status when up: 'ok' or 'draining'. */
  health: HealthResponse['status'] | null
  pid: number | null
  publicUrl: string | null
  /** For an ssh node the admin URL as seen on its host (reached through SSH). */
  adminUrl: string | null
  /** The SSH host of an ssh node; null for a local node. */
  host: string | null
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
    host: entry.kind === 'ssh' ? entry.host : null,
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
    return {
      ...base,
      state: 'up',
      health: health.status,
      adminUrl: entry.kind === 'ssh' ? base.adminUrl : client.adminUrl,
    }
  } catch (err) {
    const state = err instanceof NodeNotRunningError ? 'down' : 'unreachable'
    return {...base, state, problem: (err as Error).message}
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
  /** Restarts after a crash by an ssh node's pidfile supervisor since it was last started by
   *  confctl; null for a local node or a supervisor that does not count them (systemd). */
  restarts: RestartRecord | null
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
    restarts: ep.restarts ?? null,
    info,
  }
}
