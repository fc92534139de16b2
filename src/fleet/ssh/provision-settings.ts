// The node settings `node provision` takes as flags (ports, announce IP, public URL). As with
// `node up`, a flag left out keeps the value recorded on the host (DIR/config.json), so a
// plain re-run restarts the node as it was; only a node provisioned for the first time gets
// the defaults. The flags are checked before anything connects, merged once the host's
// record is known.
import {isIP} from 'node:net'
import {BadInputError} from '../../errors.js'
import {formatPortRange, parsePort, parsePortRange, type PortRange} from '../../units.js'
import type {RemoteNodeConfig} from './remote-layout.js'

export const PROVISION_DEFAULTS = {port: 8080, adminPort: 8081, rtcPorts: [40000, 40199] as PortRange, host: '0.0.0.0'}

/** The flags as typed; undefined when left out. */
export interface SettingFlags {
  port?: string
  adminPort?: string
  rtcPorts?: string
  /** '' clears a recorded announce IP. */
  announceIp?: string
  /** '' goes back to the default URL (derived from the announce IP or host and the port). */
  publicUrl?: string
}

/** Checked flag values; undefined = left out, null = cleared with ''. */
export interface GivenSettings {
  port?: number
  adminPort?: number
  rtcPorts?: PortRange
  announceIp?: string | null
  publicUrl?: string | null
}

export interface Settings {
  host: string
  port: number
  adminPort: number
  rtcPorts: PortRange
  announceIp?: string
  publicUrl: string
}

export function checkSettingFlags(f: SettingFlags): GivenSettings {
  const given: GivenSettings = {}
  if (f.port !== undefined) given.port = parsePort(f.port, '--port', {allowZero: false})
  if (f.adminPort !== undefined) given.adminPort = parsePort(f.adminPort, '--admin-port', {allowZero: false})
  if (f.rtcPorts !== undefined) given.rtcPorts = parsePortRange(f.rtcPorts, '--rtc-ports')
  if (f.announceIp !== undefined) {
    if (f.announceIp !== '' && !isIP(f.announceIp))
      throw new BadInputError(`--announce-ip must be an IPv4 or IPv6 address, got '${f.announceIp}'.`)
    given.announceIp = f.announceIp === '' ? null : f.announceIp
  }
  if (f.publicUrl !== undefined) {
    let ok = f.publicUrl === ''
    try {
      ok ||= ['http:', 'https:'].includes(new URL(f.publicUrl).protocol)
    } catch {}
    if (!ok) throw new BadInputError(`--public-url must be an http:// or https:// URL, got '${f.publicUrl}'.`)
    given.publicUrl = f.publicUrl === '' ? null : f.publicUrl.replace(/\/+$/, '')
  }
  if (given.port !== undefined && given.port === given.adminPort)
    throw new BadInputError(`--port and --admin-port must differ (both are ${given.port}).`)
  return given
}

/** The settings the node gets: the flags given, else the recorded ones, else the defaults.
 *  A recorded public URL that was the default one follows a new port or announce IP; one
 *  that was given explicitly stays. */
export function resolveSettings(
  given: GivenSettings,
  recorded: RemoteNodeConfig | undefined,
  targetHost: string,
): Settings {
  const port = given.port ?? recorded?.port ?? PROVISION_DEFAULTS.port
  const adminPort = given.adminPort ?? recorded?.adminPort ?? PROVISION_DEFAULTS.adminPort
  if (port === adminPort) {
    const which = given.port !== undefined ? '--admin-port' : '--port'
    throw new BadInputError(
      `--port and --admin-port must differ (both would be ${port}); give another ${which} as well.`,
    )
  }
  const rtcPorts = given.rtcPorts ?? recorded?.rtcPorts ?? PROVISION_DEFAULTS.rtcPorts
  const announceIp = given.announceIp === undefined ? recorded?.announceIp : (given.announceIp ?? undefined)
  let publicUrl: string
  if (typeof given.publicUrl === 'string') publicUrl = given.publicUrl
  else if (
    given.publicUrl === undefined &&
    recorded &&
    recorded.publicUrl !== defaultPublicUrl(recorded.announceIp ?? targetHost, recorded.port)
  )
    publicUrl = recorded.publicUrl
  else publicUrl = defaultPublicUrl(announceIp ?? targetHost, port)
  return {host: PROVISION_DEFAULTS.host, port, adminPort, rtcPorts, announceIp, publicUrl}
}

function defaultPublicUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`
}

/** The recorded values that differ from `s`, as flags ("--port 8080, --public-url ..."), or
 *  undefined when they are the same. */
export function settingsDiff(cfg: RemoteNodeConfig, s: Settings): string | undefined {
  const diffs: string[] = []
  if (cfg.port !== s.port) diffs.push(`--port ${cfg.port}`)
  if (cfg.adminPort !== s.adminPort) diffs.push(`--admin-port ${cfg.adminPort}`)
  if (formatPortRange(cfg.rtcPorts) !== formatPortRange(s.rtcPorts))
    diffs.push(`--rtc-ports ${formatPortRange(cfg.rtcPorts)}`)
  if ((cfg.announceIp ?? '') !== (s.announceIp ?? '')) diffs.push(`--announce-ip ${cfg.announceIp ?? '(none)'}`)
  if (cfg.publicUrl !== s.publicUrl) diffs.push(`--public-url ${cfg.publicUrl}`)
  return diffs.length ? diffs.join(', ') : undefined
}
