// The node launcher's normal mode: a node of fleet.yaml in its own node directory
// ($CONFCTL_HOME/nodes/<name>), for `confctl node up` / `node down`. Either detached
// (outlives the `confctl node up` that started it; output appended to <dir>/node.log; pid
// in <dir>/node.pid) or in the foreground (stdio inherited, signals forwarded, its exit
// code returned). Spawning, readiness and startup errors are node-launcher.ts's.
import {closeSync, openSync, statSync} from 'node:fs'
import {mkdir} from 'node:fs/promises'
import {join} from 'node:path'
import {BadInputError, UnavailableError} from '../errors.js'
import type {HealthResponse} from './admin-client.js'
import type {NodeStateFile} from '../api/node-api.js'
import {withFileLock} from './file-lock.js'
import type {LocalNodeEntry} from './inventory.js'
import {readLastLines} from './log-tail.js'
import {nodeArgs, type CoordinationLaunch} from './node-args.js'
import {clearStaleFiles, readStateFile, removePidfile, runningPid, writePidfile} from './node-dir.js'
import {
  assertProgramExists,
  DEFAULT_START_TIMEOUT_MS,
  signalAndWait,
  spawnNode,
  startupError,
  terminate,
  waitUntilReady,
  watchNode,
  type ExitInfo,
  type LaunchSpec,
  type NodeOutput,
  type NodeProcess,
} from './node-launcher.js'
import {nodeFiles, sfuEntryPath} from './paths.js'
import {assertPortFree} from './port-check.js'

export {DEFAULT_START_TIMEOUT_MS}
export const DEFAULT_STOP_TIMEOUT_MS = 10_000
const PORT_HINT = 'choose others with --port, --admin-port or --rtc-ports'

export interface StartOptions {
  /** How long to wait for state.json + a healthy /healthz. */
  timeoutMs?: number
  /** The node program; defaults to the bundled dist/src/sfu/main.js (tests pass a fake). */
  script?: string
  /** Appended to the node's command line. */
  extraArgs?: string[]
  /** The fleet's coordination (fleet.yaml, passed by node-lifecycle): the node's --redis flags. */
  coordination?: CoordinationLaunch
}

export interface StartedNode {
  pid: number
  state: NodeStateFile
  health: HealthResponse
  dir: string
  /** node.log for a detached node; null in the foreground (output goes to the terminal). */
  logFile: string | null
}

/** Refuses a start that cannot work (already running, program missing, port taken) before
 *  anything is spawned or written; node-lifecycle also calls it before touching fleet.yaml. */
export async function checkCanStart(entry: LocalNodeEntry, script: string = sfuEntryPath()): Promise<void> {
  const pid = runningPid(entry.dir)
  if (pid !== undefined) {
    const url = readStateFile(entry.dir)?.adminUrl
    throw new BadInputError(
      `node '${entry.name}' is already running (pid ${pid}${url ? `, admin ${url}` : ''}); stop it first with \`confctl node down ${entry.name}\`.`,
    )
  }
  assertProgramExists(script)
  await assertPortFree(entry.host, entry.port, 'the public port', '--port')
  await assertPortFree(entry.adminHost, entry.adminPort, 'the admin port', '--admin-port')
}

function specOf(entry: LocalNodeEntry, opts: StartOptions, script: string, output: NodeOutput): LaunchSpec {
  const args = [...nodeArgs({...entry, ...opts.coordination}), ...(opts.extraArgs ?? [])]
  return {name: entry.name, dir: entry.dir, args, script, output, portHint: PORT_HINT}
}

/**
 * Check, spawn and write the pidfile under a per-node lock: two `node up` of the same
 * name at once must not both pass the "not running" check and share one directory.
 * Once the pidfile names the new process, the lock is no longer needed.
 */
async function spawnExclusive(
  entry: LocalNodeEntry,
  script: string,
  spec: () => LaunchSpec, // called once the start is known to be possible
): Promise<NodeProcess> {
  await mkdir(entry.dir, {recursive: true, mode: 0o700})
  return withFileLock(join(entry.dir, 'node.start.lock'), async () => {
    await checkCanStart(entry, script)
    // A state.json/pidfile left by a crash must not be taken for the new process's.
    await clearStaleFiles(entry.dir)
    const s = spec()
    const node = await watchNode(s, spawnNode(s))
    await writePidfile(entry.dir, node.pid)
    return node
  })
}

/** Starts the node detached and waits until it is healthy. */
export async function startLocalNode(entry: LocalNodeEntry, opts: StartOptions = {}): Promise<StartedNode> {
  const script = opts.script ?? sfuEntryPath()
  const logFile = nodeFiles(entry.dir).log
  let logOffset = 0
  let spec: LaunchSpec | undefined
  let fd: number | undefined
  let node: NodeProcess
  try {
    node = await spawnExclusive(entry, script, () => {
      logOffset = fileSizeSync(logFile)
      fd = openSync(logFile, 'a', 0o600)
      return (spec = specOf(entry, opts, script, {kind: 'log-file', fd}))
    })
  } finally {
    if (fd !== undefined) closeSync(fd) // the node holds its own copy
  }
  node.child.unref()
  try {
    const ready = await waitUntilReady(spec!, node, opts.timeoutMs ?? DEFAULT_START_TIMEOUT_MS)
    return {pid: node.pid, ...ready, dir: entry.dir, logFile}
  } catch (err) {
    const exitedByItself = node.exit() // before our own kill below sets it
    await terminate(node.pid, 3000)
    await clearStaleFiles(entry.dir)
    const lines = await readLastLines(logFile, 15, logOffset)
    throw startupError(spec!, err, exitedByItself, {lines, source: logFile})
  }
}

export interface ForegroundOptions extends StartOptions {
  /** Called once the node is healthy (print its URLs). */
  onReady?: (node: StartedNode) => void
  /** Send the node's stdout to our stderr, to keep stdout for JSON. */
  stdoutToStderr?: boolean
}

export interface ForegroundResult {
  exitCode: number
  signal?: string
  ready: boolean
}

/**
 * Runs the node attached to this terminal until it exits. Ctrl-C / SIGTERM to confctl are
 * forwarded to the node as SIGTERM (its graceful stop); a second one sends SIGKILL. The node
 * runs in its own process group so the terminal's SIGINT reaches it only through us, once.
 */
export async function runLocalNodeForeground(
  entry: LocalNodeEntry,
  opts: ForegroundOptions = {},
): Promise<ForegroundResult> {
  const script = opts.script ?? sfuEntryPath()
  const spec = specOf(entry, opts, script, {kind: 'inherit', stdoutToStderr: opts.stdoutToStderr})
  const node = await spawnExclusive(entry, script, () => spec)
  const pid = node.pid
  let signals = 0
  const forward = () => {
    signals++
    try {
      process.kill(pid, signals === 1 ? 'SIGTERM' : 'SIGKILL')
    } catch {}
  }
  // If confctl itself dies (uncaught error), do not leave the node behind.
  const onExit = () => {
    try {
      process.kill(pid, 'SIGTERM')
    } catch {}
  }
  process.on('SIGINT', forward)
  process.on('SIGTERM', forward)
  process.on('exit', onExit)
  let ready = false
  try {
    try {
      const started: StartedNode = {
        pid,
        ...(await waitUntilReady(spec, node, opts.timeoutMs ?? DEFAULT_START_TIMEOUT_MS)),
        dir: entry.dir,
        logFile: null,
      }
      ready = true
      opts.onReady?.(started)
    } catch (err) {
      // Died by itself: its output is already on the terminal; report its exit code below.
      // Hung or unhealthy: stop it, and say why.
      if (node.exit() === undefined) {
        forward()
        await node.exited
        throw startupError(spec, err, undefined, {lines: null})
      }
    }
    await node.exited
  } finally {
    process.off('SIGINT', forward)
    process.off('SIGTERM', forward)
    process.off('exit', onExit)
    await clearStaleFiles(entry.dir)
    await removePidfile(entry.dir)
  }
  const e = node.exit() as ExitInfo | undefined
  // Stopped by our own forwarded SIGTERM/SIGKILL counts as a clean stop.
  const exitCode = e?.code ?? (signals > 0 ? 0 : 1)
  return {exitCode, signal: e?.signal, ready}
}

function fileSizeSync(file: string): number {
  try {
    return statSync(file).size
  } catch {
    return 0
  }
}

export interface StopResult {
  wasRunning: boolean
  pid?: number
  /** SIGTERM was not enough within the timeout; SIGKILL was sent. */
  forced: boolean
  /** A pidfile/state.json of a dead process was cleaned up. */
  staleFilesRemoved: boolean
}

/** SIGTERM, wait, SIGKILL after `timeoutMs`; then remove the pidfile. Stopping a node that
 *  is not running is not an error (scripts can call it unconditionally). */
export async function stopLocalNode(
  entry: LocalNodeEntry,
  {timeoutMs = DEFAULT_STOP_TIMEOUT_MS} = {},
): Promise<StopResult> {
  const pid = runningPid(entry.dir)
  if (pid === undefined) {
    const removed = await clearStaleFiles(entry.dir)
    return {wasRunning: false, forced: false, staleFilesRemoved: removed.length > 0}
  }
  const forced = !(await signalAndWait(pid, 'SIGTERM', timeoutMs))
  if (forced && !(await signalAndWait(pid, 'SIGKILL', 5000))) {
    throw new UnavailableError(`node '${entry.name}' (pid ${pid}) is still running after SIGKILL.`)
  }
  // After a SIGKILL the node could not remove its state.json; do it for it.
  await clearStaleFiles(entry.dir)
  return {wasRunning: true, pid, forced, staleFilesRemoved: false}
}
