// `confctl fleet rotate-key`: a new fleet signing key in $CONFCTL_HOME, installed into every
// node of fleet.yaml (local node directories directly, ssh nodes over SSH); each node keeps
// the key it had as the previous one until the overlap ends, and re-reads its key files while
// running. A node that cannot be reached is reported and the others still get the key;
// `--distribute-only` installs the current key again without a new one, for nodes that missed it.
import {installFleetKey} from './fleet-key.js'
import {readInventory, type NodeEntry} from './inventory.js'
import {operatorFleetKey, operatorFleetKeyPath, replaceOperatorFleetKey} from './operator-fleet-key.js'
import {inventoryPath} from './paths.js'
import {installRemoteFleetKey} from './ssh/remote-fleet-key.js'

export interface KeyDelivery {
  name: string
  kind: NodeEntry['kind']
  /** written: the node had no fleet key; rotated: its key became the previous one; unchanged: it had this key. */
  result: 'written' | 'rotated' | 'unchanged' | 'failed'
  problem: string | null
}

export interface RotateKeyResult {
  rotated: boolean
  keyFile: string
  /** Until when each node that had another key still accepts it (null: no overlap). */
  overlapEndsAt: string | null
  nodes: KeyDelivery[]
}

export async function rotateKey(opts: {distributeOnly?: boolean; overlapMs: number}): Promise<RotateKeyResult> {
  const inv = await readInventory(inventoryPath())
  const key = opts.distributeOnly ? await operatorFleetKey() : await replaceOperatorFleetKey()
  const now = Date.now()
  const nodes = await Promise.all(inv.nodes.map((entry) => deliver(entry, key, opts.overlapMs, now)))
  return {
    rotated: !opts.distributeOnly,
    keyFile: operatorFleetKeyPath(),
    overlapEndsAt: opts.overlapMs > 0 ? new Date(now + opts.overlapMs).toISOString() : null,
    nodes,
  }
}

async function deliver(entry: NodeEntry, key: string, overlapMs: number, now: number): Promise<KeyDelivery> {
  try {
    const result =
      entry.kind === 'local'
        ? await installFleetKey(entry.dir, key, overlapMs, now)
        : await installRemoteFleetKey(entry, key, overlapMs)
    return {name: entry.name, kind: entry.kind, result, problem: null}
  } catch (err) {
    return {name: entry.name, kind: entry.kind, result: 'failed', problem: (err as Error).message}
  }
}
