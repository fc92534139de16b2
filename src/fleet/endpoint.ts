// How to reach a node's admin API right now: URL + bearer token. For a local node the live
// state.json wins over fleet.yaml, because with port 0 the ports change at every start;
// and a node whose process is gone is reported as down without a network round trip. For
// an ssh node it is the local end of an SSH tunnel (ssh/tunnel.ts).
import {UnreachableError} from '../errors.js'
import {AdminClient, type AdminClientOptions} from './admin-client.js'
import type {LocalNodeEntry, NodeEntry} from './inventory.js'
import {readAdminToken, readStateFile, runningPid} from './node-dir.js'
import {sshNodeEndpoint} from './ssh/tunnel.js'
import type {RestartRecord} from './ssh/remote-supervisor.js'

export interface NodeEndpoint {
  adminUrl: string
  publicUrl?: string
  token: string
  pid?: number
  /** The node's admin TLS certificate (PEM file) when its admin URL is https. */
  adminCaFile?: string
  /** An ssh node's restarts after a crash (pidfile supervisor). */
  restarts?: RestartRecord | null
}

export async function nodeEndpoint(entry: NodeEntry): Promise<NodeEndpoint> {
  if (entry.kind === 'ssh') {
    // Through an SSH tunnel to the admin port on the node's host (opened once per process):
    // adminUrl is a 127.0.0.1 URL on this machine, the token is read from the host.
    return sshNodeEndpoint(entry)
  }
  return localEndpoint(entry)
}

async function localEndpoint(entry: LocalNodeEntry): Promise<NodeEndpoint> {
  const pid = runningPid(entry.dir)
  if (pid === undefined) {
    throw new UnreachableError(
      `node '${entry.name}' is down (no running process for ${entry.dir}); start it with \`confctl node up --name ${entry.name}\`.`,
    )
  }
  const state = readStateFile(entry.dir)
  // Not entry.adminUrl: with port 0 the URL recorded from an earlier run is wrong now.
  const adminUrl = state?.adminUrl ?? configuredAdminUrl(entry)
  if (!adminUrl) {
    throw new UnreachableError(
      `node '${entry.name}' (pid ${pid}) has not reported its admin URL yet; it may still be starting.`,
    )
  }
  const adminCaFile = state?.adminTlsCert ?? entry.adminTlsCert
  return {
    adminUrl,
    publicUrl: state?.publicUrl ?? entry.publicUrl,
    token: await readAdminToken(entry.dir, entry.name),
    pid,
    adminCaFile,
  }
}

/** The admin URL implied by fleet.yaml alone, when the port is fixed. */
function configuredAdminUrl(entry: LocalNodeEntry): string | undefined {
  if (entry.adminPort === 0) return undefined
  return `${entry.adminTlsCert ? 'https' : 'http'}://${dialableHost(entry.adminHost)}:${entry.adminPort}`
}

/** A wildcard listen address is not something to connect to: use loopback instead. */
export function dialableHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1'
  if (host === '::' || host === '::0') return '[::1]'
  return host.includes(':') ? `[${host}]` : host
}

export async function adminClientFor(
  entry: NodeEntry,
  opts: Pick<AdminClientOptions, 'timeoutMs'> = {},
): Promise<AdminClient> {
  const ep = await nodeEndpoint(entry)
  return new AdminClient({
    nodeName: entry.name,
    adminUrl: ep.adminUrl,
    token: ep.token,
    caFile: ep.adminCaFile,
    ...opts,
  })
}
