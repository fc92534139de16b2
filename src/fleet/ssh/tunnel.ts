// The admin API of an ssh node, reached through the SSH connection: a listening socket on
// this machine's loopback (127.0.0.1, a free port or fleet.yaml's tunnel.localPort) whose
// every connection is carried to the node's admin address *as seen from its host* by an
// SSH direct-tcpip channel (ssh2 forwardOut; `ssh -L` without the ssh binary). The node's
// admin port stays bound to the host's loopback and is never exposed.
//
// Commands get such a tunnel from nodeEndpoint() (endpoint.ts) and use the plain
// http://127.0.0.1:PORT URL like a local node's. One tunnel per node per process is cached;
// it never keeps the process alive by itself, and a dropped connection is replaced at the
// next nodeEndpoint() call.
import {createServer, type Server, type Socket} from 'node:net'
import {BadInputError, UnreachableError} from '../../errors.js'
import type {SshNodeEntry} from '../inventory.js'
import {readRemoteFile} from './remote-files.js'
import {remoteLayout} from './remote-layout.js'
import {parseRestarts, RESTARTS_FILE, type RestartRecord} from './remote-supervisor.js'
import {SshSession, type SshConnectOptions} from './ssh-session.js'

/** The host answered, but nothing listens on the node's admin port there: the node is down
 *  (`node list` says so, as for a local node without a process), not unreachable. */
export class NodeNotRunningError extends UnreachableError {}

export class AdminTunnel {
  private server?: Server
  private readonly sockets = new Set<Socket>()
  url = ''

  constructor(
    private readonly session: SshSession,
    readonly remoteHost: string,
    readonly remotePort: number,
  ) {}

  /** Starts listening; `detached` lets the process exit while the tunnel is open. */
  async open(localPort = 0, {detached = false} = {}): Promise<string> {
    const server = createServer((sock) => {
      this.sockets.add(sock)
      sock.on('close', () => this.sockets.delete(sock))
      sock.on('error', () => sock.destroy())
      if (detached) sock.unref() // the HTTP client's own socket keeps the process alive
      sock.pause()
      this.session.forwardOut(this.remoteHost, this.remotePort).then(
        (ch) => {
          ch.on('error', () => sock.destroy())
          ch.on('close', () => sock.destroy())
          sock.on('close', () => ch.close())
          sock.pipe(ch).pipe(sock)
          sock.resume()
        },
        () => sock.destroy(), // nothing listens there: the client sees the connection reset
      )
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(
          err.code === 'EADDRINUSE'
            ? new BadInputError(
                `the local tunnel port ${localPort} is already in use on this machine; change or remove tunnel.localPort in fleet.yaml.`,
              )
            : err,
        ),
      )
      server.listen(localPort, '127.0.0.1', () => resolve())
    })
    if (detached) server.unref()
    this.server = server
    const port = (server.address() as {port: number}).port
    this.url = `http://127.0.0.1:${port}`
    return this.url
  }

  /** Whether anything answers at the admin address on the host (one channel, closed again). */
  async probe(): Promise<string | undefined> {
    try {
      const ch = await this.session.forwardOut(this.remoteHost, this.remotePort)
      ch.close()
      return undefined
    } catch (err) {
      return (err as Error).message
    }
  }

  close(): void {
    this.server?.close()
    for (const s of this.sockets) s.destroy()
    this.sockets.clear()
  }
}

/** The SSH options of a node recorded in fleet.yaml. */
export function sshOptionsOf(entry: SshNodeEntry): SshConnectOptions {
  return {
    target: {user: entry.user, host: entry.host, port: entry.sshPort},
    identityFile: entry.identityFile,
    knownHostsFile: entry.knownHosts,
  }
}

/** The admin address on the host, from fleet.yaml's adminUrl (as seen from that host). */
export function remoteAdminAddress(entry: SshNodeEntry): {host: string; port: number} {
  const u = new URL(entry.adminUrl)
  return {host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port || (u.protocol === 'https:' ? 443 : 80))}
}

export interface SshEndpoint {
  adminUrl: string
  publicUrl: string
  token: string
  /** Restarts after a crash by the pidfile supervisor since confctl last started the node. */
  restarts: RestartRecord | null
}

interface CachedTunnel {
  session: SshSession
  tunnel: AdminTunnel
  endpoint: SshEndpoint
}

const cache = new Map<string, Promise<CachedTunnel>>()

/** A tunnel to an ssh node's admin API with its token (read from the host), opened once
 *  per process and node. */
export async function sshNodeEndpoint(entry: SshNodeEntry): Promise<SshEndpoint> {
  const key = JSON.stringify(entry)
  let pending = cache.get(key)
  if (!pending) {
    pending = openCached(entry)
    cache.set(key, pending)
    pending.catch(() => cache.delete(key))
  }
  return (await pending).endpoint
}

async function openCached(entry: SshNodeEntry): Promise<CachedTunnel> {
  const session = await SshSession.connect(sshOptionsOf(entry))
  try {
    const tokenFile = remoteLayout(entry.dir).token
    const token = (await readRemoteFile(session, tokenFile))?.trim()
    if (!token) {
      throw new UnreachableError(
        `node '${entry.name}' on ${session.label} has no admin token at ${tokenFile}; provision it with \`confctl node provision\`.`,
      )
    }
    const {host, port} = remoteAdminAddress(entry)
    const tunnel = new AdminTunnel(session, host, port)
    const problem = await tunnel.probe()
    if (problem) {
      throw new NodeNotRunningError(
        `node '${entry.name}' on ${session.label} is not running: nothing answers on its admin port ${host}:${port} there (${problem.replace(/\.$/, '')}).`,
      )
    }
    const restarts = parseRestarts(await readRemoteFile(session, `${remoteLayout(entry.dir).data}/${RESTARTS_FILE}`))
    const adminUrl = await tunnel.open(entry.tunnel?.localPort ?? 0, {detached: true})
    session.unref()
    const cached: CachedTunnel = {session, tunnel, endpoint: {adminUrl, publicUrl: entry.publicUrl, token, restarts}}
    session.onClose(() => {
      tunnel.close()
      for (const [k, v] of cache) {
        void v.then(
          (c) => c === cached && cache.delete(k),
          () => undefined,
        )
      }
    })
    return cached
  } catch (err) {
    session.close()
    throw err
  }
}

/** Closes every cached tunnel (tests, or a long-running process that is done with them). */
export async function closeAllTunnels(): Promise<void> {
  const all = [...cache.values()]
  cache.clear()
  for (const p of all) {
    try {
      const c = await p
      c.tunnel.close()
      c.session.close()
    } catch {}
  }
}
