// `confctl fleet rotate-key`: a new fleet signing key, the one it replaces kept as the
// previous key for the overlap window, and both copied into every node of fleet.yaml (local
// node directories directly, ssh nodes over SSH). A node that cannot be reached is reported
// and the others still get the keys; `--distribute-only` copies the current keys again
// without rotating, for the nodes that missed them.
import {fleetKeyPaths, fleetKeys, installFleetKeys, rotateFleetKey, type FleetKeys} from './operator-fleet-key.js'
import {readInventory, type NodeEntry} from './inventory.js'
import {inventoryPath} from './paths.js'
import {installRemoteFleetKeys} from './ssh/remote-fleet-key.js'

export interface KeyDelivery {
  name: string
  kind: NodeEntry['kind']
  delivered: boolean
  problem: string | null
}

export interface RotateKeyResult {
  rotated: boolean
  keyFile: string
  /** Whether a previous key is kept (tokens it signed stay valid until the overlap ends). */
  previousKept: boolean
  overlapEndsAt: string | null
  nodes: KeyDelivery[]
}

export async function rotateKey(opts: {distributeOnly?: boolean; overlapMs: number}): Promise<RotateKeyResult> {
  const inv = await readInventory(inventoryPath())
  let keys: FleetKeys
  let rotatedAt: number | undefined
  if (opts.distributeOnly) keys = await fleetKeys({overlapMs: opts.overlapMs})
  else {
    keys = await rotateFleetKey()
    rotatedAt = Date.now()
  }
  const nodes = await Promise.all(inv.nodes.map((entry) => deliver(entry, keys)))
  return {
    rotated: !opts.distributeOnly,
    keyFile: fleetKeyPaths().current,
    previousKept: keys.previous !== undefined,
    overlapEndsAt: keys.previous && rotatedAt !== undefined ? new Date(rotatedAt + opts.overlapMs).toISOString() : null,
    nodes,
  }
}

async function deliver(entry: NodeEntry, keys: FleetKeys): Promise<KeyDelivery> {
  try {
    if (entry.kind === 'local') await installFleetKeys(entry.dir, keys)
    else await installRemoteFleetKeys(entry, keys)
    return {name: entry.name, kind: entry.kind, delivered: true, problem: null}
  } catch (err) {
    return {name: entry.name, kind: entry.kind, delivered: false, problem: (err as Error).message}
  }
}
