// `node up` / `node down` as one operation each: fleet.yaml and the supervisor kept in step.
// The node is recorded before it starts (so a failed start can be inspected with
// `node logs` and retried with `node up`), and its actual URLs are recorded once it runs.
import {mkdir} from 'node:fs/promises'
import {BadInputError} from '../errors.js'
import type {CoordinationSettings} from './coordination-config.js'
import {installFleetKey} from './fleet-key.js'
import {operatorFleetKey} from './operator-fleet-key.js'
import {findNode, readInventory, updateInventory, upsertNode, type LocalNodeEntry} from './inventory.js'
import {
  checkCanStart,
  runLocalNodeForeground,
  startLocalNode,
  stopLocalNode,
  type ForegroundOptions,
  type ForegroundResult,
  type StartedNode,
  type StartOptions,
  type StopResult,
} from './node-launcher-local.js'
import {LOCAL_DEFAULTS, localEntryFromFlags, type LocalNodeFlags} from './local-entry-from-flags.js'
import {inventoryPath} from './paths.js'
import {confctlHome} from '../store/home.js'
import {pickNode} from './resolve-node.js'

export interface UpResult {
  entry: LocalNodeEntry
  node: StartedNode
}

/** Validates flags, refuses a running node, records it, starts it detached. */
export async function bringUpLocalNode(flags: LocalNodeFlags, opts: StartOptions = {}): Promise<UpResult> {
  const entry = await recordLocalNode(flags, opts.script)
  const node = await startLocalNode(entry, {...opts, coordination: await joinFleet(entry)})
  return {entry: await recordUrls(entry, node), node}
}

/** Same, in the foreground: returns when the node exits. */
export async function runUpLocalNode(
  flags: LocalNodeFlags,
  opts: ForegroundOptions = {},
): Promise<ForegroundResult & {entry: LocalNodeEntry}> {
  const entry = await recordLocalNode(flags, opts.script)
  let recorded: Promise<unknown> = Promise.resolve()
  const result = await runLocalNodeForeground(entry, {
    ...opts,
    coordination: await joinFleet(entry),
    onReady: (node) => {
      recorded = recordUrls(entry, node).catch(() => {})
      opts.onReady?.(node)
    },
  })
  await recorded
  return {...result, entry}
}

/** With the node's own --redis, else `coordination:` in fleet.yaml (`confctl fleet init`):
 *  installs the fleet signing key in the node's directory and returns the settings its
 *  command line gets; else undefined. */
async function joinFleet(entry: LocalNodeEntry): Promise<CoordinationSettings | undefined> {
  const coordination = entry.redis
    ? {redis: entry.redis, ...(entry.redisPrefix ? {redisPrefix: entry.redisPrefix} : {})}
    : (await readInventory()).coordination
  if (!coordination) return undefined
  await mkdir(entry.dir, {recursive: true, mode: 0o700})
  await installFleetKey(entry.dir, await operatorFleetKey())
  return coordination
}

async function recordLocalNode(flags: LocalNodeFlags, script?: string): Promise<LocalNodeEntry> {
  const file = inventoryPath()
  const home = confctlHome()
  // Validate and refuse (running already, port taken) *before* writing: a refused start
  // leaves fleet.yaml as it was, and a running node's entry keeps describing that process.
  const preview = localEntryFromFlags(
    flags,
    findNode(await readInventory(file), flags.name ?? LOCAL_DEFAULTS.name),
    home,
  )
  await checkCanStart(preview, script)
  let entry = preview
  await updateInventory((inv) => {
    entry = localEntryFromFlags(flags, findNode(inv, preview.name), home)
    return upsertNode(inv, entry)
  }, file)
  return entry
}

async function recordUrls(entry: LocalNodeEntry, node: StartedNode): Promise<LocalNodeEntry> {
  const updated = {...entry, publicUrl: node.state.publicUrl, adminUrl: node.state.adminUrl}
  await updateInventory((inv) => {
    const current = findNode(inv, entry.name)
    // Someone may have edited the entry meanwhile; only touch the URLs of a local node.
    return current?.kind === 'local'
      ? upsertNode(inv, {...current, publicUrl: updated.publicUrl, adminUrl: updated.adminUrl})
      : inv
  })
  return updated
}

export interface DownResult extends StopResult {
  name: string
}

export async function bringDownNode(name: string, opts: {timeoutMs?: number} = {}): Promise<DownResult> {
  const entry = pickNode(await readInventory(), name)
  if (entry.kind !== 'local') {
    throw new BadInputError(`node '${name}' is an ssh node, and this version of confctl cannot stop ssh nodes yet.`)
  }
  return {name, ...(await stopLocalNode(entry, opts))}
}
