// Where a provisioned node lives on its host. `dir` (fleet.yaml's `dir` of an ssh node) is
// the node's base directory:
//
//   dir/releases/<version>-<sha12>/confctl-node.mjs (+ .sha256)   one per uploaded bundle
//   dir/current -> releases/...                                   the bundle that runs
//   dir/config.json   (0600)  what confctl provisioned: version, ports, supervisor, node binary
//   dir/run.sh        (0700)  the node's command line, started by systemd or the pidfile supervisor
//   dir/data/         (0700)  the node directory (--dir): admin.token, join.secret, node.id,
//                             node.db, access.log, node.log, node.pid, state.json
//
// data/ holds the personal data (node.db, access.log, node.log); deprovision keeps it
// unless --purge.
import {posix} from 'node:path'
import type {PortRange} from '../../units.js'
import type {CoordinationSettings} from '../coordination-config.js'

export interface RemoteLayout {
  base: string
  releases: string
  current: string
  config: string
  runScript: string
  data: string
  token: string
  pidfile: string
  log: string
  state: string
}

export const BUNDLE_NAME = 'confctl-node.mjs'

export function remoteLayout(base: string): RemoteLayout {
  const j = posix.join
  const data = j(base, 'data')
  return {
    base,
    releases: j(base, 'releases'),
    current: j(base, 'current'),
    config: j(base, 'config.json'),
    runScript: j(base, 'run.sh'),
    data,
    token: j(data, 'admin.token'),
    pidfile: j(data, 'node.pid'),
    log: j(data, 'node.log'),
    state: j(data, 'state.json'),
  }
}

/** The release directory name of a bundle: its version and the start of its checksum, so
 *  two builds of one version never share a directory. */
export function releaseId(version: string, sha256: string): string {
  return `${version}-${sha256.slice(0, 12)}`
}

export type SupervisorKind = 'systemd' | 'pidfile'

/** dir/config.json: the remote record of what runs there (the source of truth for upgrade
 *  and deprovision; fleet.yaml only says how to reach it). */
export interface RemoteNodeConfig {
  format: 1
  name: string
  version: string
  sha256: string
  release: string
  previousRelease?: string
  previousVersion?: string
  nodeBin: string
  supervisor: SupervisorKind
  host: string
  port: number
  adminHost: string
  adminPort: number
  rtcPorts: PortRange
  announceIp?: string
  publicUrl: string
  /** The fleet's Redis (fleet.yaml `coordination:` when it was provisioned); absent = on its own. */
  coordination?: CoordinationSettings
  provisionedAt: string
  upgradedAt?: string
}

/** The systemd unit of a node. */
export function unitName(nodeName: string): string {
  return `confctl-node-${nodeName}.service`
}
