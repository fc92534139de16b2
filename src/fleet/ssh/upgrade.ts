// `confctl node upgrade N|--all`: one node at a time, without dropping a room that can be
// kept: upload the new bundle first (nothing changes if that fails), drain (no new rooms;
// the rooms there go on), wait until they are empty or the drain timeout passes, stop,
// switch dir/current to the new release, start, health check, undrain. A node that fails
// its health check is switched back to the release it ran and started again. With --all,
// the first failure stops the run and the nodes after it are left untouched.
import {BadInputError, UnreachableError} from '../../errors.js'
import {readInventory, type NodeEntry, type SshNodeEntry} from '../inventory.js'
import {inventoryPath} from '../paths.js'
import {pickNode} from '../resolve-node.js'
import {findBundle, type NodeBundle} from './bundle.js'
import {hostBasics, hostFacts, requireDisk, requireNode, requireNodeVersion} from './remote-checks.js'
import {uploadBundle} from './remote-files.js'
import {releaseId} from './remote-layout.js'
import {DEFAULT_HEALTH_TIMEOUT_MS, DEFAULT_NODE_STOP_TIMEOUT_MS, RemoteNode, StartupError} from './remote-node.js'
import {SshSession} from './ssh-session.js'
import {sshOptionsOf} from './tunnel.js'

export const DEFAULT_DRAIN_TIMEOUT_MS = 10 * 60_000

export interface UpgradeOptions {
  bundle?: string
  /** How long to wait for rooms to empty after the drain. */
  drainTimeoutMs?: number
  healthTimeoutMs?: number
  /** Releases kept besides the running and the previous one (default 2). */
  keepReleases?: number
  onProgress?: (message: string) => void
}

export interface UpgradeOutcome {
  name: string
  action: 'upgraded' | 'unchanged' | 'failed' | 'skipped'
  from: string | null
  to: string
  /** Rooms still open when the drain timeout passed (closed by the restart). */
  roomsClosed: number
  drainSeconds: number
  rolledBack: boolean
  problem: string | null
  /** The end of the node's log when the new release failed to start (before the rollback). */
  log: {file: string; lines: string[]} | null
}

export interface UpgradeReport {
  version: string
  nodes: UpgradeOutcome[]
}

/** Upgrades one node (name) or every ssh node (all); never throws for a node's failure:
 *  the report says it, and the caller turns it into exit 3. */
export async function upgradeNodes(
  which: {name?: string; all?: boolean},
  opts: UpgradeOptions = {},
): Promise<UpgradeReport> {
  const file = inventoryPath()
  const inv = await readInventory(file)
  let targets: NodeEntry[]
  if (which.all) {
    if (which.name) throw new BadInputError('give a node name or --all, not both.')
    targets = inv.nodes.filter((n) => n.kind === 'ssh')
    if (targets.length === 0)
      throw new BadInputError(`${file} has no ssh nodes to upgrade; provision one with \`confctl node provision\`.`)
  } else {
    if (!which.name) throw new BadInputError('name the node to upgrade, or pass --all.')
    const entry = pickNode(inv, which.name, file)
    if (entry.kind !== 'ssh') {
      throw new BadInputError(
        `node '${entry.name}' is a local node, which runs from this package: upgrade confctl itself and restart it with \`confctl node up\`.`,
      )
    }
    targets = [entry]
  }
  const bundle = findBundle(opts.bundle)
  const nodes: UpgradeOutcome[] = []
  let failed = false
  for (const entry of targets as SshNodeEntry[]) {
    if (failed) {
      nodes.push({
        name: entry.name,
        action: 'skipped',
        from: null,
        to: bundle.version,
        roomsClosed: 0,
        drainSeconds: 0,
        rolledBack: false,
        problem: null,
        log: null,
      })
      continue
    }
    const outcome = await upgradeOne(entry, bundle, opts)
    nodes.push(outcome)
    failed = outcome.action === 'failed'
  }
  return {version: bundle.version, nodes}
}

async function upgradeOne(entry: SshNodeEntry, bundle: NodeBundle, opts: UpgradeOptions): Promise<UpgradeOutcome> {
  const progress = (m: string) => opts.onProgress?.(`${entry.name}: ${m}`)
  const out: UpgradeOutcome = {
    name: entry.name,
    action: 'failed',
    from: null,
    to: bundle.version,
    roomsClosed: 0,
    drainSeconds: 0,
    rolledBack: false,
    problem: null,
    log: null,
  }
  let session: SshSession | undefined
  let node: RemoteNode | undefined
  let drained = false
  try {
    progress('connecting')
    session = await SshSession.connect(sshOptionsOf(entry))
    const cfg = await RemoteNode.readConfig(session, entry.dir)
    if (!cfg)
      throw new UnreachableError(
        `node '${entry.name}' is not provisioned on ${session.label} (no ${entry.dir}/config.json); run \`confctl node provision\`.`,
      )
    out.from = cfg.version
    node = new RemoteNode(session, entry.name, entry.dir, cfg)
    const healthBefore = await node.health()
    if (cfg.sha256 === bundle.sha256 && healthBefore) {
      out.action = 'unchanged'
      return out
    }
    const nodeBin = requireNode(session, await hostBasics(session))
    const facts = await hostFacts(session, nodeBin, entry.dir, [])
    requireNodeVersion(session, nodeBin, facts.nodeVersion)
    requireDisk(session, facts, bundle.bytes * 2 + 16 * 1024 * 1024)
    const release = releaseId(bundle.version, bundle.sha256)
    progress(`uploading the node bundle ${bundle.version}`)
    await uploadBundle(session, nodeBin, bundle, `${node.layout.releases}/${release}`)

    if (healthBefore) {
      const admin = await node.admin()
      progress('draining: no new rooms; the open rooms go on')
      await admin.drain()
      drained = true
      const started = Date.now()
      const deadline = started + (opts.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS)
      let open = await openRooms(node)
      while (open > 0 && Date.now() < deadline) {
        progress(`waiting for ${open} room(s) to empty`)
        await new Promise((r) => setTimeout(r, 1000))
        open = await openRooms(node)
      }
      out.drainSeconds = Math.round((Date.now() - started) / 1000)
      out.roomsClosed = open
      if (open > 0) progress(`drain timeout passed with ${open} room(s) open; they close with the restart`)
    }

    progress('stopping')
    await node.supervisor.stop(DEFAULT_NODE_STOP_TIMEOUT_MS)
    node.closeTunnel()
    const previous = {release: cfg.release, version: cfg.version}
    await node.switchTo(release)
    node.cfg = {
      ...cfg,
      version: bundle.version,
      sha256: bundle.sha256,
      release,
      previousRelease: previous.release,
      previousVersion: previous.version,
      nodeBin,
      upgradedAt: new Date().toISOString(),
    }
    await node.writeConfig()
    progress(`starting version ${bundle.version}`)
    try {
      await node.supervisor.start()
      await node.waitHealthy(opts.healthTimeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS)
    } catch (err) {
      const why = sentence(err)
      if (err instanceof StartupError) out.log = {file: err.logFile, lines: err.logLines}
      progress(`health check failed; rolling back to ${previous.version}`)
      await node.supervisor.stop(5000).catch(() => undefined)
      node.closeTunnel()
      await node.switchTo(previous.release)
      node.cfg = cfg
      await node.writeConfig()
      out.rolledBack = true
      try {
        await node.supervisor.start()
        await node.waitHealthy(opts.healthTimeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS)
      } catch (err2) {
        throw new UnreachableError(`${why}; the rollback to version ${previous.version} failed too: ${sentence(err2)}.`)
      }
      throw new UnreachableError(`${why}; it was rolled back to version ${previous.version} and is healthy again.`)
    }
    drained = false // a new process starts undrained; say so explicitly anyway
    await (await node.admin()).undrain()
    await node.pruneReleases(opts.keepReleases)
    out.action = 'upgraded'
    return out
  } catch (err) {
    out.problem = `${sentence(err)}.`
    if (drained && node) await (await node.admin()).undrain().catch(() => undefined)
    return out
  } finally {
    node?.closeTunnel()
    session?.close()
  }
}

function sentence(err: unknown): string {
  return (err instanceof StartupError ? err.short : (err as Error).message.split('\n')[0]!).replace(/[.:]$/, '')
}

async function openRooms(node: RemoteNode): Promise<number> {
  const rooms = await (await node.admin()).rooms()
  return rooms.filter((r) => r.participants > 0).length
}
