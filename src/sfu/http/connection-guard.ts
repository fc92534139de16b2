// Timeouts and connection caps for the node's two HTTP servers. Node's defaults let a client
// that sends nothing hold a socket for 60-70 s (headers) or 320 s (a trickled body), and put
// no cap on connections, so idle sockets from one address could use up the process's file
// descriptors and lock the operator out of the admin port too. Here every connection has a
// few seconds to deliver its request, and the public port may hold only as many connections
// as leave room, under the open-file limit, for the RTC ports, the node's files and a full
// admin port.
import type {Server, ServerOptions} from 'node:http'
import {readFileSync} from 'node:fs'
import type {Socket} from 'node:net'
import {ConfigError} from '../node-config.js'

export interface HttpLimits {
  /** Milliseconds a connection has to send a request's headers, idle time included; default 5000. */
  headersTimeoutMs: number
  /** Milliseconds a connection has to send a whole request, body included; default 10000. */
  requestTimeoutMs: number
  /** Milliseconds an idle keep-alive connection stays open after a response; default 5000. */
  keepAliveTimeoutMs: number
  /** Requests one keep-alive connection may carry before the node closes it; default 100. */
  maxRequestsPerSocket: number
  /** Milliseconds without any traffic after which a connection is closed (a client that stops reading); default 30000. */
  idleTimeoutMs: number
  /** Connections open at once on this port. */
  maxConnections: number
  /** Connections open at once from one client address (IPv6: one /64); Infinity for no cap. */
  maxConnectionsPerIp: number
}

/** How often Node checks the header and request deadlines: the timeouts fire at most this late. */
const CHECK_INTERVAL_MS = 1000

const TIMEOUTS = {
  headersTimeoutMs: 5000,
  requestTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5000,
  maxRequestsPerSocket: 100,
  idleTimeoutMs: 30_000,
}

/** The admin port: the operator and their tools only, so a small cap and no per-address cap. */
export const ADMIN_LIMITS: HttpLimits = {...TIMEOUTS, maxConnections: 256, maxConnectionsPerIp: Infinity}

/** Defaults of the public port's caps (the total is lowered further by the open-file limit). */
export const PUBLIC_MAX_CONNECTIONS = 4096
export const PUBLIC_MAX_CONNECTIONS_PER_IP = 256

/** File descriptors kept for the node's own files, stdio, SQLite, libuv and such. */
const OWN_FILES = 128

/** A cap that does not fit: refused at start, exit code 2 like any bad node option. */
export class ConnectionBudgetError extends ConfigError {}

/**
 * The public port's limits. The total must leave, under the open-file limit, room for one
 * socket per RTC port, a full admin port and the node's own files; a `requested` cap beyond
 * that is refused, and the default is lowered to fit.
 */
export function publicLimits(opts: {
  requested?: number
  perIp?: number
  rtcPortCount: number
  fileLimit?: number
}): HttpLimits {
  const fileLimit = opts.fileLimit ?? openFileLimit()
  const room = fileLimit - opts.rtcPortCount - ADMIN_LIMITS.maxConnections - OWN_FILES
  if (opts.requested !== undefined && opts.requested > room) {
    throw new ConnectionBudgetError(
      `--max-connections ${opts.requested} does not fit under the open-file limit of ${fileLimit} ` +
        `(at most ${Math.max(room, 0)} after ${opts.rtcPortCount} RTC ports, ${ADMIN_LIMITS.maxConnections} admin connections and ${OWN_FILES} files of its own); ` +
        `lower it or raise the limit (ulimit -n, systemd LimitNOFILE)`,
    )
  }
  if (room < 1) {
    throw new ConnectionBudgetError(
      `the open-file limit of ${fileLimit} leaves no room for public connections after ${opts.rtcPortCount} RTC ports; raise it (ulimit -n, systemd LimitNOFILE)`,
    )
  }
  const maxConnections = opts.requested ?? Math.min(PUBLIC_MAX_CONNECTIONS, room)
  return {
    ...TIMEOUTS,
    maxConnections,
    maxConnectionsPerIp: Math.min(opts.perIp ?? PUBLIC_MAX_CONNECTIONS_PER_IP, maxConnections),
  }
}

/** The process's soft limit on open files (Node raises it to the hard limit at start); Infinity when unknown. */
export function openFileLimit(): number {
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'))
    return m && m[1] !== 'unlimited' ? Number(m[1]) : Infinity
  } catch {
    return Infinity // not Linux: no /proc; the caps still hold
  }
}

/** The options http.createServer needs for these timeouts. */
export function serverOptions(limits: HttpLimits): ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: CHECK_INTERVAL_MS,
  }
}

const peers = new WeakMap<Socket, string>()

/**
 * The client's address as it was when the connection opened: once a socket is destroyed
 * Node may no longer know it, and a timed-out attacker's address is exactly what the log needs.
 */
export function peerAddress(socket: Socket): string {
  return peers.get(socket) ?? normaliseIp(socket.remoteAddress ?? '')
}

const normaliseIp = (ip: string) => (ip.startsWith('::ffff:') ? ip.slice(7) : ip)

/** One client for the per-address cap: an IPv4 address, or the /64 an IPv6 host can pick addresses from. */
export function clientKey(ip: string): string {
  if (!ip.includes(':')) return ip
  const [head = '', tail = ''] = ip.split('::')
  const left = head ? head.split(':') : []
  const right = tail ? tail.split(':') : []
  const groups = ip.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left
  return (
    groups
      .slice(0, 4)
      .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''))
      .join(':') + '::/64'
  )
}

export interface ConnectionGuard {
  /** Connections open now. */
  readonly open: number
  /** Connections refused since start, by reason. */
  readonly refused: {perIp: number; total: number}
}

/**
 * Applies the limits to a server created with serverOptions(limits): caps connections in
 * total and per client, remembers each peer's address, and reports refusals through
 * `report` at most once per `reportEveryMs` (counts only: an address is personal data).
 */
export function guardConnections(
  server: Server,
  limits: HttpLimits,
  report: (line: string) => void,
  reportEveryMs = 10_000,
): ConnectionGuard {
  server.maxRequestsPerSocket = limits.maxRequestsPerSocket
  server.timeout = limits.idleTimeoutMs
  // Over the total, Node closes the socket before any HTTP parser is set up for it.
  server.maxConnections = limits.maxConnections
  const perClient = new Map<string, number>()
  const refused = {perIp: 0, total: 0}
  let reported = {perIp: 0, total: 0}
  let open = 0
  server.on('drop', () => refused.total++)
  server.on('connection', (socket: Socket) => {
    const ip = normaliseIp(socket.remoteAddress ?? '')
    peers.set(socket, ip)
    const key = clientKey(ip)
    const count = perClient.get(key) ?? 0
    if (count >= limits.maxConnectionsPerIp) {
      refused.perIp++
      socket.destroy()
      return
    }
    perClient.set(key, count + 1)
    open++
    socket.once('close', () => {
      open--
      const left = (perClient.get(key) ?? 1) - 1
      if (left === 0) perClient.delete(key)
      else perClient.set(key, left)
    })
  })
  const timer = setInterval(() => {
    const perIp = refused.perIp - reported.perIp
    const total = refused.total - reported.total
    if (perIp + total === 0) return
    reported = {...refused}
    report(
      `refused ${perIp + total} connections in the last ${reportEveryMs / 1000} s (${perIp} over the per-address cap of ${limits.maxConnectionsPerIp}, ${total} over the total of ${limits.maxConnections})`,
    )
  }, reportEveryMs)
  timer.unref()
  server.once('close', () => clearInterval(timer))
  return {
    get open() {
      return open
    },
    refused,
  }
}
