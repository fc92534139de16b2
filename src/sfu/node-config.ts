// Parses the node program's own command line. The node is started by `confctl node up`
// (or a systemd unit), never by hand, so errors here are one line and exit code 2.

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
}

export class ConfigError extends Error {}

const DURATION = /^(\d+)(s|m|h|d)$/
const UNIT: Record<string, number> = {s: 1, m: 60, h: 3600, d: 86400}

export function parseDurationSeconds(value: string, flag: string): number {
  const m = DURATION.exec(value)
  if (!m) throw new ConfigError(`${flag} must be a duration like 30s, 15m, 1h or 7d, not '${value}'`)
  return Number(m[1]) * UNIT[m[2]!]!
}

export function parsePort(value: string, flag: string): number {
  const n = Number(value)
  if (!/^\d+$/.test(value) || n > 65535) throw new ConfigError(`${flag} must be a port number 0-65535, not '${value}'`)
  return n
}

export function parsePortRange(value: string, flag: string): [number, number] {
  const m = /^(\d+)-(\d+)$/.exec(value)
  if (!m) throw new ConfigError(`${flag} must be a range like 40000-40199, not '${value}'`)
  const lo = Number(m[1])
  const hi = Number(m[2])
  if (lo < 1024 || hi > 65535 || lo > hi) throw new ConfigError(`${flag} must lie within 1024-65535 with the lower port first, not '${value}'`)
  return [lo, hi]
}

export function parseNodeArgs(argv: string[]): NodeConfig {
  const values = new Map<string, string>()
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i]!
    if (!key.startsWith('--')) throw new ConfigError(`unexpected argument '${key}'`)
    const value = argv[i + 1]
    if (value === undefined || value.startsWith('--')) throw new ConfigError(`${key} needs a value`)
    values.set(key, value)
    i++
  }
  const known = ['--dir', '--name', '--host', '--port', '--admin-host', '--admin-port', '--rtc-ports', '--announce-ip', '--qoe-interval', '--qoe-retention']
  for (const key of values.keys()) if (!known.includes(key)) throw new ConfigError(`unknown option ${key}`)
  const dir = values.get('--dir')
  if (!dir) throw new ConfigError('--dir is required (the node directory)')
  return {
    dir,
    name: values.get('--name') ?? 'local',
    host: values.get('--host') ?? '0.0.0.0',
    port: parsePort(values.get('--port') ?? '8080', '--port'),
    adminHost: values.get('--admin-host') ?? '127.0.0.1',
    adminPort: parsePort(values.get('--admin-port') ?? '8081', '--admin-port'),
    rtcPorts: parsePortRange(values.get('--rtc-ports') ?? '40000-40199', '--rtc-ports'),
    announceIp: values.get('--announce-ip'),
    qoeIntervalSeconds: parseDurationSeconds(values.get('--qoe-interval') ?? '10s', '--qoe-interval'),
    qoeRetentionSeconds: parseDurationSeconds(values.get('--qoe-retention') ?? '7d', '--qoe-retention'),
  }
}
