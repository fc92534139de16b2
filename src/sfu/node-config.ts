// Parses the node program's own command line. The node is started by `confctl node up`
// (or a systemd unit), never by hand, so errors here are one line and exit code 2.
import {adminExposureProblem} from '../api/admin-exposure.js'
import {IceServerError, parseIceServer, type IceServer} from '../api/ice-servers.js'
import {ALL_CODECS, parseCodecList, type CodecName} from '../api/codec-names.js'
import * as units from '../units.js'
import {redisUrlProblem} from '../coord/fleet-view.js'
import {DEFAULT_PREFIX, DEFAULT_TTL_MS, prefixProblem} from '../coord/keys.js'
import {
  DEFAULT_PLACEMENT,
  parsePlacementPolicy,
  PlacementPolicyError,
  type PlacementPolicy,
} from '../coord/placement-policy.js'

/** How a node answers a request for a room another node hosts (docs/fleet.md). */
export type RedirectMode = 'relay' | '307'

/** --redis and friends: the node registers in Redis and rooms are placed across the fleet. */
export interface CoordinationConfig {
  redisUrl: string
  prefix: string
  placement: PlacementPolicy
  redirectMode: RedirectMode
  /** URL other nodes relay signalling to (default: the public URL). */
  relayUrl?: string
  /** Milliseconds a registration and a room claim live without a heartbeat. */
  ttlMs: number
}

export interface NodeConfig {
  dir: string
  name: string
  host: string
  port: number
  adminHost: string
  adminPort: number
  rtcPorts: [number, number]
  announceIp?: string
  /** Seconds between QoE samples written to the store. */
  qoeIntervalSeconds: number
  /** Seconds QoE samples are kept. */
  qoeRetentionSeconds: number
  /** PEM files: serve the admin API over HTTPS (required off loopback unless insecureAdmin). */
  adminTlsCert?: string
  adminTlsKey?: string
  /** --insecure-admin: plain HTTP off loopback, announced as a warning (admin-exposure.ts). */
  insecureAdmin: boolean
  /** Seconds a session may take to connect (ICE + DTLS) before it is closed and its port freed. */
  connectTimeoutSeconds: number
  /** Media sessions on the node at once (default: the number of ports in the RTC range). */
  maxSessions: number
  /** Media sessions from one client address at once (default: half of maxSessions). */
  maxSessionsPerIp: number
  /** HTTP connections open at once on the public port (default: 4096, lowered to fit the open-file limit; see http/connection-guard.ts). */
  maxConnections?: number
  /** HTTP connections open at once on the public port from one client address (IPv6: one /64); default 256. */
  maxConnectionsPerIp: number
  /** Bytes access.log may reach before it is rotated; default 10 MB. */
  accessLogMaxBytes: number
  /** Seconds after its first line that access.log is rotated; default 1 day. */
  accessLogMaxAgeSeconds: number
  /** --ice-server (repeatable): STUN/TURN servers announced to clients in Link headers. */
  iceServers: IceServer[]
  /** --codecs: the codecs publishers may send (default all: opus, VP8, VP9, H264, AV1). */
  codecs: CodecName[]
  /** Fleet coordination through Redis; absent without --redis. */
  coordination?: CoordinationConfig
}

export class ConfigError extends Error {}

// The value syntaxes are shared with the CLI and fleet.yaml (src/units.ts), so whatever
// `confctl node up` accepts the node accepts too; their UnitError becomes a ConfigError here.
function shared<T>(parse: () => T): T {
  try {
    return parse()
  } catch (err) {
    if (err instanceof units.UnitError) throw new ConfigError(err.message)
    throw err
  }
}

const parseDurationSeconds = (value: string, flag: string): number =>
  shared(() => units.parseDurationSeconds(value, flag))
const parsePort = (value: string, flag: string): number => shared(() => units.parsePort(value, flag))
const parsePortRange = (value: string, flag: string): [number, number] =>
  shared(() => units.parsePortRange(value, flag))
const parseSizeBytes = (value: string, flag: string): number => shared(() => units.parseSizeBytes(value, flag))

/** A whole number from 1 to 1000000, or `fallback` when the flag is absent. */
function parseCount(value: string | undefined, flag: string, fallback: number): number {
  return value === undefined ? fallback : shared(() => units.parseCount(value, flag))
}

/** Options that take no value. */
const BOOLEAN_OPTIONS = ['--insecure-admin']

export function parseNodeArgs(argv: string[]): NodeConfig {
  const values = new Map<string, string>()
  const iceServers: IceServer[] = [] // --ice-server is the one repeatable option
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i]!
    if (!key.startsWith('--')) throw new ConfigError(`unexpected argument '${key}'`)
    if (BOOLEAN_OPTIONS.includes(key)) {
      values.set(key, 'true')
      continue
    }
    const value = argv[i + 1]
    if (value === undefined || value.startsWith('--')) throw new ConfigError(`${key} needs a value`)
    if (key === '--ice-server') iceServers.push(parseIceServerOption(value))
    values.set(key, value)
    i++
  }
  const known = [
    '--codecs',
    '--max-connections',
    '--max-connections-per-ip',
    '--access-log-max-size',
    '--access-log-max-age',
    '--ice-server',
    '--connect-timeout',
    '--max-sessions',
    '--max-sessions-per-ip',
    '--dir',
    '--name',
    '--host',
    '--port',
    '--admin-host',
    '--admin-port',
    '--rtc-ports',
    '--announce-ip',
    '--qoe-interval',
    '--qoe-retention',
    '--admin-tls-cert',
    '--admin-tls-key',
    '--redis',
    '--redis-prefix',
    '--placement',
    '--redirect-mode',
    '--relay-url',
    '--coordination-ttl',
    ...BOOLEAN_OPTIONS,
  ]
  for (const key of values.keys()) if (!known.includes(key)) throw new ConfigError(`unknown option ${key}`)
  const dir = values.get('--dir')
  if (!dir) throw new ConfigError('--dir is required (the node directory)')
  const rtcPorts = parsePortRange(values.get('--rtc-ports') ?? '40000-40199', '--rtc-ports')
  const maxSessions = parseCount(values.get('--max-sessions'), '--max-sessions', rtcPorts[1] - rtcPorts[0] + 1)
  const config: NodeConfig = {
    maxConnections: values.has('--max-connections')
      ? parseCount(values.get('--max-connections'), '--max-connections', 0)
      : undefined,
    maxConnectionsPerIp: parseCount(values.get('--max-connections-per-ip'), '--max-connections-per-ip', 256),
    accessLogMaxBytes: parseSizeBytes(values.get('--access-log-max-size') ?? '10MB', '--access-log-max-size'),
    accessLogMaxAgeSeconds: parseDurationSeconds(values.get('--access-log-max-age') ?? '1d', '--access-log-max-age'),
    connectTimeoutSeconds: parseDurationSeconds(values.get('--connect-timeout') ?? '30s', '--connect-timeout'),
    maxSessions,
    maxSessionsPerIp: parseCount(
      values.get('--max-sessions-per-ip'),
      '--max-sessions-per-ip',
      Math.max(1, Math.floor(maxSessions / 2)),
    ),
    dir,
    name: values.get('--name') ?? 'local',
    host: values.get('--host') ?? '0.0.0.0',
    port: parsePort(values.get('--port') ?? '8080', '--port'),
    adminHost: values.get('--admin-host') ?? '127.0.0.1',
    adminPort: parsePort(values.get('--admin-port') ?? '8081', '--admin-port'),
    rtcPorts,
    announceIp: values.get('--announce-ip'),
    qoeIntervalSeconds: parseDurationSeconds(values.get('--qoe-interval') ?? '10s', '--qoe-interval'),
    qoeRetentionSeconds: parseDurationSeconds(values.get('--qoe-retention') ?? '7d', '--qoe-retention'),
    adminTlsCert: values.get('--admin-tls-cert'),
    adminTlsKey: values.get('--admin-tls-key'),
    insecureAdmin: values.has('--insecure-admin'),
    iceServers,
    codecs: parseCodecsOption(values.get('--codecs')),
    coordination: parseCoordination(values),
  }
  const exposureProblem = adminExposureProblem(config)
  if (exposureProblem) throw new ConfigError(exposureProblem)
  return config
}

function parseIceServerOption(value: string): IceServer {
  try {
    return parseIceServer(value)
  } catch (err) {
    if (err instanceof IceServerError) throw new ConfigError(err.message)
    throw err
  }
}

function parseCodecsOption(value: string | undefined): CodecName[] {
  if (value === undefined) return [...ALL_CODECS]
  try {
    return parseCodecList(value, '--codecs')
  } catch (err) {
    throw new ConfigError((err as Error).message)
  }
}

const COORDINATION_ONLY = ['--redis-prefix', '--placement', '--redirect-mode', '--relay-url', '--coordination-ttl']

function parseCoordination(values: Map<string, string>): CoordinationConfig | undefined {
  const redisUrl = values.get('--redis')
  if (redisUrl === undefined) {
    const stray = COORDINATION_ONLY.find((k) => values.has(k))
    if (stray) throw new ConfigError(`${stray} needs --redis (the fleet's coordination)`)
    return undefined
  }
  const urlProblem = redisUrlProblem(redisUrl)
  if (urlProblem) throw new ConfigError(`--redis: ${urlProblem}`)
  const prefix = values.get('--redis-prefix') ?? DEFAULT_PREFIX
  const badPrefix = prefixProblem(prefix)
  if (badPrefix) throw new ConfigError(`--redis-prefix: ${badPrefix}`)
  let placement = DEFAULT_PLACEMENT
  try {
    if (values.has('--placement')) placement = parsePlacementPolicy(values.get('--placement')!)
  } catch (err) {
    if (err instanceof PlacementPolicyError) throw new ConfigError(err.message)
    throw err
  }
  const mode = values.get('--redirect-mode') ?? 'relay'
  if (mode !== 'relay' && mode !== '307') throw new ConfigError(`--redirect-mode must be relay or 307, not '${mode}'`)
  const relayUrl = values.get('--relay-url')
  if (relayUrl !== undefined && !/^https?:\/\/[^/]+\/?$/.test(relayUrl))
    throw new ConfigError(
      `--relay-url must be an http(s) URL of the node's public port without a path, not '${relayUrl}'`,
    )
  // At least three heartbeats: one late beat must not make the node look dead.
  const ttlMs = values.has('--coordination-ttl')
    ? shared(() =>
        units.parseDurationMs(values.get('--coordination-ttl')!, '--coordination-ttl', {minMs: 3000, maxMs: 60_000}),
      )
    : DEFAULT_TTL_MS
  return {redisUrl, prefix, placement, redirectMode: mode, relayUrl: relayUrl?.replace(/\/$/, ''), ttlMs}
}
