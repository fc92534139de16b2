// `confctl node provision USER@HOST --name N`: puts the single-file node bundle on a host
// over SSH and starts it there, in this order, each step checked before the next:
// connect (host key, auth) -> Node.js and disk -> what is there already -> ports ->
// upload + remote checksum -> config, token, run script -> supervisor -> /healthz through
// the tunnel -> fleet.yaml. Running it again is safe: a healthy node with the same bundle
// and settings is left alone ("nothing to do"), and a failed attempt is resumed.
import {randomBytes} from 'node:crypto'
import {posix, resolve as resolvePath} from 'node:path'
import type {HealthResponse} from '../admin-client.js'
import {BadInputError, UnreachableError} from '../../errors.js'
import {operatorFleetKey} from '../operator-fleet-key.js'
import {checkNodeName, findNode, readInventory, updateInventory, upsertNode, type SshNodeEntry} from '../inventory.js'
import {inventoryPath} from '../paths.js'
import {findBundle, type NodeBundle} from './bundle.js'
import {hostBasics, hostFacts, requireDisk, requireNode, requireNodeVersion} from './remote-checks.js'
import {installFleetKeyOver} from './remote-fleet-key.js'
import {run, uploadBundle, writeRemoteFile} from './remote-files.js'
import {remoteLayout, type RemoteNodeConfig, type SupervisorKind} from './remote-layout.js'
import {DEFAULT_HEALTH_TIMEOUT_MS, DEFAULT_NODE_STOP_TIMEOUT_MS, RemoteNode} from './remote-node.js'
import {chooseSupervisor, runScript} from './remote-supervisor.js'
import {chooseRelease} from './release-choice.js'
import {checkSettingFlags, resolveSettings, settingsDiff, type SettingFlags} from './provision-settings.js'
import {SshSession} from './ssh-session.js'
import {formatSshTarget, parseSshTarget, sq} from './ssh-target.js'

/** Node settings left out (undefined) keep the values recorded on the host. */
export interface ProvisionRequest extends SettingFlags {
  /** USER@HOST[:PORT] */
  target: string
  name: string
  identityFile?: string
  knownHosts?: string
  acceptNew?: boolean
  remoteDir?: string
  /** Bundle dir, manifest or .mjs; default: this package's dist/node-bundle. */
  bundle?: string
  /** Install a bundle older than the one installed on the host. */
  allowDowngrade?: boolean
  /** Releases kept on the host besides the running and the previous one (default 2). */
  keepReleases?: number
  supervisor?: 'auto' | SupervisorKind
  healthTimeoutMs?: number
  /** Free disk the host must have under the node directory (default: 2x the bundle + 64 MiB). */
  minFreeBytes?: number
  onProgress?: (message: string) => void
}

export interface ProvisionResult {
  name: string
  action: 'provisioned' | 'unchanged'
  host: string
  dir: string
  version: string
  sha256: string
  supervisor: SupervisorKind
  publicUrl: string
  adminUrl: string
  uploaded: boolean
  health: HealthResponse['status']
}

export async function provisionNode(req: ProvisionRequest): Promise<ProvisionResult> {
  const progress = req.onProgress ?? (() => undefined)
  const name = checkNodeName(req.name, '--name')
  const target = parseSshTarget(req.target)
  const label = formatSshTarget(target)
  const given = checkSettingFlags(req)
  if (req.remoteDir !== undefined && (!posix.isAbsolute(req.remoteDir) || posix.normalize(req.remoteDir) === '/')) {
    throw new BadInputError(`--remote-dir must be an absolute directory path other than /, got '${req.remoteDir}'.`)
  }
  const file = inventoryPath()
  const inv = await readInventory(file)
  const existing = findNode(inv, name)
  if (existing && existing.kind !== 'ssh') {
    throw new BadInputError(`node '${name}' is recorded in ${file} as a ${existing.kind} node; choose another --name.`)
  }
  if (
    existing &&
    (existing.host !== target.host || existing.user !== target.user || existing.sshPort !== target.port)
  ) {
    throw new BadInputError(
      `node '${name}' is already recorded for ${formatSshTarget({user: existing.user, host: existing.host, port: existing.sshPort})}; choose another --name or deprovision it first.`,
    )
  }
  const identityFile = req.identityFile !== undefined ? resolvePath(req.identityFile) : existing?.identityFile
  const knownHosts = req.knownHosts !== undefined ? resolvePath(req.knownHosts) : existing?.knownHosts
  const bundle: NodeBundle = findBundle(req.bundle)

  progress(`connecting to ${label}`)
  const session = await SshSession.connect({target, identityFile, knownHostsFile: knownHosts, acceptNew: req.acceptNew})
  let node: RemoteNode | undefined
  try {
    const basics = await hostBasics(session)
    const nodeBin = requireNode(session, basics)
    const base = posix.normalize(
      req.remoteDir ??
        existing?.dir ??
        (basics.uid === 0 ? `/var/lib/confctl/${name}` : `${basics.home || '/tmp'}/.local/share/confctl/${name}`),
    )
    if (!posix.isAbsolute(base)) throw new UnreachableError(`${label} reports no home directory; pass --remote-dir.`)
    if (existing && existing.dir !== base) {
      throw new BadInputError(
        `node '${name}' is recorded with the directory ${existing.dir} on ${label}, not ${base}; leave out --remote-dir or deprovision it first.`,
      )
    }
    const other = inv.nodes.find(
      (n) =>
        n.kind === 'ssh' && n.name !== name && n.host === target.host && n.sshPort === target.port && n.dir === base,
    )
    if (other)
      throw new BadInputError(
        `${base} on ${label} already belongs to node '${other.name}'; choose another --remote-dir.`,
      )

    progress(`checking Node.js, disk and ports on ${label}`)
    // Ports are probed only when no node of ours runs there (its own ports are busy then).
    let facts = await hostFacts(session, nodeBin, base, [])
    requireNodeVersion(session, nodeBin, facts.nodeVersion)
    requireDisk(session, facts, req.minFreeBytes ?? bundle.bytes * 2 + 64 * 1024 * 1024)
    const prev = facts.config
    if (prev && prev.name !== name) {
      throw new BadInputError(
        `${base} on ${label} holds node '${prev.name}', not '${name}'; choose another --remote-dir.`,
      )
    }
    const settings = resolveSettings(given, prev, target.host)
    const supervisorKind =
      prev?.supervisor ?? chooseSupervisor(req.supervisor ?? 'auto', {systemd: facts.systemd, uid: basics.uid})
    if (req.supervisor && req.supervisor !== 'auto' && prev && prev.supervisor !== req.supervisor) {
      throw new BadInputError(
        `node '${name}' on ${label} runs under ${prev.supervisor}; deprovision it first to change the supervisor.`,
      )
    }
    if (supervisorKind === 'systemd' && basics.uid !== 0) {
      throw new BadInputError(
        `--supervisor systemd needs to log in as root (${label} is uid ${basics.uid}); use --supervisor pidfile or log in as root.`,
      )
    }
    // Before anything changes: a restart keeps the installed release, a downgrade is refused.
    const want = await chooseRelease(session, nodeBin, base, prev, {
      bundle,
      explicit: req.bundle !== undefined,
      allowDowngrade: req.allowDowngrade ?? false,
    })
    const sameRelease = prev?.release === want.release
    const cfg: RemoteNodeConfig = {
      format: 1,
      name,
      version: want.version,
      sha256: want.sha256,
      release: want.release,
      // The release it ran before stays on record (upgrade rolls back to it); a provision
      // that switches releases makes the old one the previous.
      ...(sameRelease
        ? {previousRelease: prev.previousRelease, previousVersion: prev.previousVersion}
        : prev
          ? {previousRelease: prev.release, previousVersion: prev.version}
          : {}),
      nodeBin,
      supervisor: supervisorKind,
      host: settings.host,
      port: settings.port,
      adminHost: '127.0.0.1',
      adminPort: settings.adminPort,
      rtcPorts: settings.rtcPorts,
      announceIp: settings.announceIp,
      publicUrl: settings.publicUrl,
      ...(inv.coordination ? {coordination: inv.coordination} : {}),
      provisionedAt: prev?.provisionedAt ?? new Date().toISOString(),
      ...(sameRelease && prev.upgradedAt ? {upgradedAt: prev.upgradedAt} : {}),
      ...(prev && !sameRelease ? {upgradedAt: new Date().toISOString()} : {}),
    }
    node = new RemoteNode(session, name, base, prev ?? cfg)
    const entry: SshNodeEntry = {
      name,
      kind: 'ssh',
      host: target.host,
      user: target.user,
      sshPort: target.port,
      dir: base,
      publicUrl: settings.publicUrl,
      adminUrl: `http://127.0.0.1:${settings.adminPort}`,
      ...(existing?.tunnel ? {tunnel: existing.tunnel} : {}),
      ...(identityFile ? {identityFile} : {}),
      ...(knownHosts ? {knownHosts} : {}),
    }

    if (prev) {
      const status = await node.supervisor.status()
      const health = status.running ? await node.health() : undefined
      // Coordination from fleet.yaml (`fleet init`) changed: restart the node below with it.
      // Only a restart: an upgrade or other settings are refused below as before.
      const joinsFleet =
        JSON.stringify(prev.coordination ?? null) !== JSON.stringify(cfg.coordination ?? null) &&
        prev.sha256 === want.sha256 &&
        !settingsDiff(prev, settings)
      if (health && joinsFleet) {
        progress(`restarting node '${name}' with the fleet's coordination settings`)
        await node.supervisor.stop(DEFAULT_NODE_STOP_TIMEOUT_MS)
      } else if (health) {
        const diff = settingsDiff(prev, settings)
        if (prev.sha256 !== want.sha256) {
          throw new BadInputError(
            `node '${name}' on ${label} already runs version ${prev.version}; upgrade it with \`confctl node upgrade ${name}\`.`,
          )
        }
        if (diff)
          throw new BadInputError(
            `node '${name}' on ${label} already runs with other settings (${diff}); keep them, or deprovision it first.`,
          )
        await record(entry, file)
        return {...result(entry, prev, 'unchanged', false), health}
      } else if (status.running) {
        progress(`node '${name}' runs but does not answer; restarting it`)
        await node.supervisor.stop(DEFAULT_NODE_STOP_TIMEOUT_MS)
      }
    }

    facts = await hostFacts(session, nodeBin, base, [
      {host: settings.host, port: settings.port},
      {host: '127.0.0.1', port: settings.adminPort},
    ])
    const busy = facts.busyPorts[0]
    if (busy) {
      const flag = busy.port === settings.adminPort ? '--admin-port' : '--port'
      throw new UnreachableError(
        `port ${busy.port} on ${label} is already in use (${busy.code}); choose another with ${flag}.`,
      )
    }

    const layout = remoteLayout(base)
    await run(
      session,
      `umask 077; mkdir -p ${sq(layout.releases)} ${sq(layout.data)} && chmod 700 ${sq(base)} ${sq(layout.data)}`,
      `create ${base}`,
    )
    let uploaded = false
    if (want.bundle) {
      progress(`uploading the node bundle ${want.version} (${(want.bundle.bytes / 1024 / 1024).toFixed(1)} MiB)`)
      uploaded = await uploadBundle(session, nodeBin, want.bundle, posix.join(layout.releases, want.release))
    }
    // The admin token is confctl's: written here (0600) before the node's first start,
    // which keeps it. An existing one is kept, so a resumed provision changes nothing.
    const tokenExists = (await session.sh(`test -s ${sq(layout.token)} && echo yes`)).stdout.includes('yes')
    if (!tokenExists) await writeRemoteFile(session, layout.token, randomBytes(32).toString('base64url') + '\n', 0o600)
    if (cfg.coordination) await installFleetKeyOver(session, base, await operatorFleetKey())
    node.cfg = cfg
    node.closeTunnel() // the admin port may differ from the one probed above
    await node.writeConfig()
    await writeRemoteFile(session, layout.runScript, runScript(base, cfg), 0o700)
    await node.switchTo(want.release)
    const sup = node.supervisor
    progress(`starting the node (${sup.kind} supervisor)`)
    await sup.install(cfg)
    await sup.start()
    progress('waiting for /healthz through the SSH tunnel')
    try {
      await node.waitHealthy(req.healthTimeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS)
    } catch (err) {
      await sup.stop(5000).catch(() => undefined)
      throw err
    }
    await node.pruneReleases(req.keepReleases)
    await record(entry, file)
    return {...result(entry, cfg, 'provisioned', uploaded), health: (await node.health()) ?? 'ok'}
  } finally {
    node?.closeTunnel()
    session.close()
  }
}

function result(
  entry: SshNodeEntry,
  cfg: RemoteNodeConfig,
  action: ProvisionResult['action'],
  uploaded: boolean,
): Omit<ProvisionResult, 'health'> {
  return {
    name: entry.name,
    action,
    host: formatSshTarget({user: entry.user, host: entry.host, port: entry.sshPort}),
    dir: entry.dir,
    version: cfg.version,
    sha256: cfg.sha256,
    supervisor: cfg.supervisor,
    publicUrl: entry.publicUrl,
    adminUrl: entry.adminUrl,
    uploaded,
  }
}

async function record(entry: SshNodeEntry, file: string): Promise<void> {
  await updateInventory((inv) => upsertNode(inv, entry), file)
}
