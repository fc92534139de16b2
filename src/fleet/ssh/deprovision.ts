// `confctl node deprovision N [--purge]`: stops the node, removes its unit or pidfile, its
// bundles, config and run script, and its entry in fleet.yaml. Its data stays on the host
// (node.db, access.log, node.log, node.id: personal data under retention, which the
// operator may still have to produce or erase), unless --purge removes the whole directory.
// The secrets (admin.token, join.secret) go either way: no node uses them any more.
import {posix} from 'node:path'
import {BadInputError} from '../../errors.js'
import {readInventory, removeNode, updateInventory} from '../inventory.js'
import {inventoryPath} from '../paths.js'
import {pickNode} from '../resolve-node.js'
import {run} from './remote-files.js'
import {remoteLayout} from './remote-layout.js'
import {DEFAULT_NODE_STOP_TIMEOUT_MS, RemoteNode} from './remote-node.js'
import {supervisorFor} from './remote-supervisor.js'
import {SshSession} from './ssh-session.js'
import {formatSshTarget, sq} from './ssh-target.js'
import {sshOptionsOf} from './tunnel.js'

export interface DeprovisionResult {
  name: string
  host: string
  dir: string
  wasRunning: boolean
  purged: boolean
  /** Files left in dir/data (empty with --purge). */
  kept: string[]
  /** --forget: only the fleet.yaml entry went; nothing on the host was touched. */
  forgotten?: boolean
}

/** `--forget`: removes the node from fleet.yaml without connecting, for a host that is gone for
 *  good (otherwise deprovision stops at "cannot reach", exit 3, and the entry stays for ever).
 *  Whatever is still on the host (the node, its secrets, its personal data) stays there. */
export async function forgetNode(name: string): Promise<DeprovisionResult> {
  const file = inventoryPath()
  const entry = pickNode(await readInventory(file), name, file)
  if (entry.kind !== 'ssh')
    throw new BadInputError(`node '${name}' is a local node; stop it with \`confctl node down ${name}\`.`)
  await updateInventory((inv) => removeNode(inv, name), file)
  const host = formatSshTarget({user: entry.user, host: entry.host, port: entry.sshPort})
  return {name, host, dir: entry.dir, wasRunning: false, purged: false, kept: [], forgotten: true}
}

export async function deprovisionNode(
  name: string,
  opts: {purge?: boolean; onProgress?: (m: string) => void} = {},
): Promise<DeprovisionResult> {
  const progress = opts.onProgress ?? (() => undefined)
  const file = inventoryPath()
  const entry = pickNode(await readInventory(file), name, file)
  if (entry.kind !== 'ssh')
    throw new BadInputError(`node '${name}' is a local node; stop it with \`confctl node down ${name}\`.`)
  const base = posix.normalize(entry.dir)
  if (!posix.isAbsolute(base) || base === '/')
    throw new BadInputError(
      `node '${name}' has the directory '${entry.dir}' in ${file}, which confctl will not remove.`,
    )
  const session = await SshSession.connect(sshOptionsOf(entry))
  try {
    const l = remoteLayout(base)
    const cfg = await RemoteNode.readConfig(session, base)
    if (cfg && cfg.name !== name) {
      throw new BadInputError(
        `${base} on ${session.label} holds node '${cfg.name}', not '${name}'; fix fleet.yaml before removing anything.`,
      )
    }
    progress(`stopping node '${name}' on ${session.label}`)
    // Without config.json (a half-done provision) a pidfile node may still run.
    const stop = await supervisorFor(cfg?.supervisor ?? 'pidfile', session, base, name).uninstall(
      DEFAULT_NODE_STOP_TIMEOUT_MS,
    )
    let kept: string[] = []
    if (opts.purge) {
      progress(`removing ${base} with its data`)
      await run(session, `rm -rf ${sq(base)}`, `remove ${base}`)
    } else {
      progress(`removing the bundles of node '${name}' (its data stays in ${l.data})`)
      await run(
        session,
        `rm -rf ${sq(l.releases)} ${sq(l.current)} ${sq(l.runScript)} ${sq(l.config)} ${sq(l.pidfile)} ${sq(l.state)} ${sq(l.token)} ${sq(posix.join(l.data, 'join.secret'))}`,
        `remove the node's files from ${base}`,
      )
      const r = await session.sh(`ls -A ${sq(l.data)} 2>/dev/null`)
      kept = r.stdout
        .split('\n')
        .map((s) => s.trim())
        .filter(Boolean)
    }
    await updateInventory((inv) => removeNode(inv, name), file)
    return {name, host: session.label, dir: base, wasRunning: stop.wasRunning, purged: !!opts.purge, kept}
  } finally {
    session.close()
  }
}
