// The node program's command line (src/sfu/node-config.ts parses it), built in one place for
// the local supervisor and the remote (systemd / pidfile) supervisor alike.
import type {LocalNodeEntry} from './inventory.js'
import {formatPortRange} from '../units.js'

/** What the node program needs to start: a local entry's settings with its directory
 *  (for a remote node, the directory on the host). */
export type NodeLaunch = Pick<
  LocalNodeEntry,
  | 'name'
  | 'host'
  | 'port'
  | 'adminHost'
  | 'adminPort'
  | 'rtcPorts'
  | 'announceIp'
  | 'qoeInterval'
  | 'qoeRetention'
  | 'adminTlsCert'
  | 'adminTlsKey'
  | 'insecureAdmin'
  | 'maxConnections'
  | 'maxConnectionsPerIp'
  | 'maxSessions'
  | 'maxSessionsPerIp'
  | 'connectTimeout'
  | 'accessLogMaxSize'
  | 'accessLogMaxAge'
  | 'iceServers'
  | 'codecs'
> & {dir: string} & CoordinationLaunch

/** A node in a coordinated fleet (docs/fleet.md): fleet.yaml `coordination`, or `node up --redis`. */
export interface CoordinationLaunch {
  /** redis://host:port/db; without it the node runs alone and the other fields are ignored. */
  redis?: string
  redisPrefix?: string
  /** least-participants (default), least-cpu or stay-here-below:N. */
  placement?: string
  redirectMode?: 'relay' | '307'
  /** URL other nodes relay to, when it differs from the public URL. */
  relayUrl?: string
}

export function nodeArgs(n: NodeLaunch): string[] {
  return [
    '--dir',
    n.dir,
    '--name',
    n.name,
    '--host',
    n.host,
    '--port',
    String(n.port),
    '--admin-host',
    n.adminHost,
    '--admin-port',
    String(n.adminPort),
    '--rtc-ports',
    formatPortRange(n.rtcPorts),
    ...(n.announceIp ? ['--announce-ip', n.announceIp] : []),
    ...(n.qoeInterval ? ['--qoe-interval', n.qoeInterval] : []),
    ...(n.qoeRetention ? ['--qoe-retention', n.qoeRetention] : []),
    ...(n.adminTlsCert && n.adminTlsKey ? ['--admin-tls-cert', n.adminTlsCert, '--admin-tls-key', n.adminTlsKey] : []),
    ...(n.insecureAdmin ? ['--insecure-admin'] : []),
    ...(n.maxConnections ? ['--max-connections', String(n.maxConnections)] : []),
    ...(n.maxConnectionsPerIp ? ['--max-connections-per-ip', String(n.maxConnectionsPerIp)] : []),
    ...(n.maxSessions ? ['--max-sessions', String(n.maxSessions)] : []),
    ...(n.maxSessionsPerIp ? ['--max-sessions-per-ip', String(n.maxSessionsPerIp)] : []),
    ...(n.connectTimeout ? ['--connect-timeout', n.connectTimeout] : []),
    ...(n.accessLogMaxSize ? ['--access-log-max-size', n.accessLogMaxSize] : []),
    ...(n.accessLogMaxAge ? ['--access-log-max-age', n.accessLogMaxAge] : []),
    ...(n.iceServers ?? []).flatMap((server) => ['--ice-server', server]),
    ...(n.codecs ? ['--codecs', n.codecs] : []),
    ...coordinationArgs(n),
  ]
}

function coordinationArgs(n: CoordinationLaunch): string[] {
  if (!n.redis) return []
  return [
    '--redis',
    n.redis,
    ...(n.redisPrefix ? ['--redis-prefix', n.redisPrefix] : []),
    ...(n.placement ? ['--placement', n.placement] : []),
    ...(n.redirectMode ? ['--redirect-mode', n.redirectMode] : []),
    ...(n.relayUrl ? ['--relay-url', n.relayUrl] : []),
  ]
}
