// Turns `node up` flags into a validated fleet.yaml entry. A flag left out keeps the value
// recorded for that node (so a plain `confctl node up` restarts it as it was), and only a
// node seen for the first time gets the defaults.
import {existsSync} from 'node:fs'
import {isIP} from 'node:net'
import {resolve} from 'node:path'
import {adminExposureProblem} from '../api/admin-exposure.js'
import {IceServerError, parseIceServer} from '../api/ice-servers.js'
import {parseCodecList} from '../api/codec-names.js'
import {BadInputError} from '../errors.js'
import {checkRedisPrefix, checkRedisUrl} from './coordination-config.js'
import {checkNodeName, type LocalNodeEntry, type NodeEntry} from './inventory.js'
import {nodeDir} from './paths.js'
import {normalizeSize as parseSize, parseCount, parseDurationSeconds, parsePort, parsePortRange} from '../units.js'

export const LOCAL_DEFAULTS = {
  name: 'local',
  host: '0.0.0.0',
  port: 8080,
  adminHost: '127.0.0.1',
  adminPort: 8081,
  rtcPorts: [40000, 40199] as [number, number],
}

/** Raw flag values as typed (strings), undefined when not given. */
export interface LocalNodeFlags {
  name?: string
  host?: string
  port?: string
  adminHost?: string
  adminPort?: string
  rtcPorts?: string
  announceIp?: string
  qoeInterval?: string
  qoeRetention?: string
  /** PEM file paths; '' clears a recorded one. */
  adminTlsCert?: string
  adminTlsKey?: string
  /** --insecure-admin / --no-insecure-admin */
  insecureAdmin?: boolean
  /** HTTP caps and access-log rotation; '' clears a recorded value (the node's default again). */
  maxConnections?: string
  maxConnectionsPerIp?: string
  maxSessions?: string
  maxSessionsPerIp?: string
  connectTimeout?: string
  accessLogMaxSize?: string
  accessLogMaxAge?: string
  /** --ice-server values (repeatable); [''] clears the recorded ones. */
  iceServers?: string[]
  /** --codecs opus,vp8,...: what publishers may send; '' clears it (all codecs again). */
  codecs?: string
  /** --redis URL / --redis-prefix P: this node's own coordination; '' clears it (the fleet's again). */
  redis?: string
  redisPrefix?: string
}

export function localEntryFromFlags(
  flags: LocalNodeFlags,
  existing: NodeEntry | undefined,
  home?: string,
): LocalNodeEntry {
  const name = checkNodeName(flags.name ?? LOCAL_DEFAULTS.name, '--name')
  if (existing && existing.kind !== 'local') {
    throw new BadInputError(
      `node '${name}' is recorded in fleet.yaml as a ${existing.kind} node; choose another --name.`,
    )
  }
  const prev = existing as LocalNodeEntry | undefined
  const entry: LocalNodeEntry = {
    name,
    kind: 'local',
    dir: prev?.dir ?? nodeDir(name, home),
    host: flags.host === undefined ? (prev?.host ?? LOCAL_DEFAULTS.host) : checkIp(flags.host, '--host'),
    port: flags.port === undefined ? (prev?.port ?? LOCAL_DEFAULTS.port) : parsePort(flags.port, '--port'),
    adminHost:
      flags.adminHost === undefined
        ? (prev?.adminHost ?? LOCAL_DEFAULTS.adminHost)
        : checkIp(flags.adminHost, '--admin-host'),
    adminPort:
      flags.adminPort === undefined
        ? (prev?.adminPort ?? LOCAL_DEFAULTS.adminPort)
        : parsePort(flags.adminPort, '--admin-port'),
    rtcPorts:
      flags.rtcPorts === undefined
        ? (prev?.rtcPorts ?? LOCAL_DEFAULTS.rtcPorts)
        : parsePortRange(flags.rtcPorts, '--rtc-ports'),
    // '' clears a recorded announce IP.
    announceIp:
      flags.announceIp === undefined
        ? prev?.announceIp
        : flags.announceIp === ''
          ? undefined
          : checkIp(flags.announceIp, '--announce-ip'),
    qoeInterval:
      flags.qoeInterval === undefined ? prev?.qoeInterval : checkDuration(flags.qoeInterval, '--qoe-interval'),
    qoeRetention:
      flags.qoeRetention === undefined ? prev?.qoeRetention : checkDuration(flags.qoeRetention, '--qoe-retention'),
    adminTlsCert:
      flags.adminTlsCert === undefined ? prev?.adminTlsCert : checkPemFile(flags.adminTlsCert, '--admin-tls-cert'),
    adminTlsKey:
      flags.adminTlsKey === undefined ? prev?.adminTlsKey : checkPemFile(flags.adminTlsKey, '--admin-tls-key'),
    insecureAdmin: (flags.insecureAdmin ?? prev?.insecureAdmin) || undefined,
    maxConnections: optional(flags.maxConnections, prev?.maxConnections, (v) => parseCount(v, '--max-connections')),
    maxConnectionsPerIp: optional(flags.maxConnectionsPerIp, prev?.maxConnectionsPerIp, (v) =>
      parseCount(v, '--max-connections-per-ip'),
    ),
    maxSessions: optional(flags.maxSessions, prev?.maxSessions, (v) => parseCount(v, '--max-sessions')),
    maxSessionsPerIp: optional(flags.maxSessionsPerIp, prev?.maxSessionsPerIp, (v) =>
      parseCount(v, '--max-sessions-per-ip'),
    ),
    connectTimeout: optional(flags.connectTimeout, prev?.connectTimeout, (v) => checkDuration(v, '--connect-timeout')),
    accessLogMaxSize: optional(flags.accessLogMaxSize, prev?.accessLogMaxSize, (v) =>
      parseSize(v, '--access-log-max-size'),
    ),
    accessLogMaxAge: optional(flags.accessLogMaxAge, prev?.accessLogMaxAge, (v) =>
      checkDuration(v, '--access-log-max-age'),
    ),
    iceServers: flags.iceServers === undefined ? prev?.iceServers : checkIceServers(flags.iceServers),
    codecs: optional(flags.codecs, prev?.codecs, checkCodecs),
    redis: optional(flags.redis, prev?.redis, (v) => checkRedisUrl(v, '--redis')),
    redisPrefix: optional(flags.redisPrefix, prev?.redisPrefix, (v) => checkRedisPrefix(v, '--redis-prefix')),
    publicUrl: prev?.publicUrl,
    adminUrl: prev?.adminUrl,
  }
  if (entry.redisPrefix !== undefined && entry.redis === undefined)
    throw new BadInputError('--redis-prefix goes with --redis (a fleet-wide prefix is set with `confctl fleet init`).')
  if (entry.port !== 0 && entry.port === entry.adminPort) {
    throw new BadInputError(`--port and --admin-port must differ (both are ${entry.port}).`)
  }
  // The node refuses the same (exit 2); saying it here keeps a bad entry out of fleet.yaml.
  const exposureProblem = adminExposureProblem({...entry, insecureAdmin: entry.insecureAdmin ?? false})
  if (exposureProblem) throw new BadInputError(`${exposureProblem}.`)
  if (flags.port !== undefined || flags.host !== undefined) entry.publicUrl = undefined
  if (flags.adminPort !== undefined || flags.adminHost !== undefined || flags.adminTlsCert !== undefined)
    entry.adminUrl = undefined
  return entry
}

/** --codecs checked as the node checks it, recorded in the node's spelling ("opus,VP8"). */
function checkCodecs(value: string): string {
  try {
    return parseCodecList(value, '--codecs').join(',')
  } catch (err) {
    throw new BadInputError(`${(err as Error).message}.`)
  }
}

/** Every --ice-server value checked as the node checks it; a lone '' clears the list. */
function checkIceServers(values: string[]): string[] | undefined {
  if (values.length === 1 && values[0] === '') return undefined
  for (const v of values) {
    try {
      parseIceServer(v)
    } catch (err) {
      if (err instanceof IceServerError) throw new BadInputError(`${err.message}.`)
      throw err
    }
  }
  return values
}

/** A flag left out keeps the recorded value, '' clears it, anything else is checked. */
function optional<T>(flag: string | undefined, recorded: T | undefined, check: (v: string) => T): T | undefined {
  if (flag === undefined) return recorded
  return flag === '' ? undefined : check(flag)
}

/** The node takes whole seconds (10s, 15m, 1h, 7d); normalised so fleet.yaml shows one form. */
function checkDuration(value: string, what: string): string {
  return `${parseDurationSeconds(value, what)}s`
}

/** An absolute path to an existing file, or undefined for '' (which clears the setting). */
function checkPemFile(value: string, what: string): string | undefined {
  if (value === '') return undefined
  const path = resolve(value)
  if (!existsSync(path)) throw new BadInputError(`${what} ${path} does not exist.`)
  return path
}

function checkIp(value: string, what: string): string {
  if (!isIP(value)) throw new BadInputError(`${what} must be an IPv4 or IPv6 address, got '${value}'.`)
  return value
}
