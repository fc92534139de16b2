// The node program's command line (src/sfu/node-config.ts parses it), built in one place for
// the local supervisor and the remote (systemd / pidfile) supervisor alike.
import {formatPortRange, type PortRange} from './units.js'

export interface NodeLaunch {
  dir: string
  name: string
  host: string
  port: number
  adminHost: string
  adminPort: number
  rtcPorts: PortRange
  announceIp?: string
  qoeInterval?: string
  qoeRetention?: string
}

export function nodeArgs(n: NodeLaunch): string[] {
  return [
    '--dir', n.dir,
    '--name', n.name,
    '--host', n.host,
    '--port', String(n.port),
    '--admin-host', n.adminHost,
    '--admin-port', String(n.adminPort),
    '--rtc-ports', formatPortRange(n.rtcPorts),
    ...(n.announceIp ? ['--announce-ip', n.announceIp] : []),
    ...(n.qoeInterval ? ['--qoe-interval', n.qoeInterval] : []),
    ...(n.qoeRetention ? ['--qoe-retention', n.qoeRetention] : []),
  ]
}
