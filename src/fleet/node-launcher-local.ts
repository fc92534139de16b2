// Starts and stops SFU nodes on this machine. A node runs as its own process (DESIGN.md),
// either detached (outlives the `confctl node up` that started it; output appended to
// <dir>/node.log; pid in <dir>/node.pid) or in the foreground (stdio inherited, signals
// forwarded, its exit code returned). "Started" means state.json names the new pid and
// /healthz answers, not merely "spawned", so a node that dies at startup is reported then,
// with the end of its log.
import {closeSync, existsSync, openSync, statSync} from 'node:fs'
import {nodeArgs} from './node-args.js'
import {mkdir} from 'node:fs/promises'
import {join} from 'node:path'
import {execa, type ResultPromise} from 'execa'
import type {NodeStateFile} from '../api/node-api.js'
import {BadInputError, UnavailableError, UnreachableError} from '../errors.js'
import {AdminClient, type HealthResponse} from './admin-client.js'
import {withFileLock} from './file-lock.js'
import type {LocalNodeEntry} from './inventory.js'
import {readLastLines} from './log-tail.js'
import {clearStaleFiles, readAdminToken, readStateFile, removePidfile, runningPid, writePidfile} from './node-dir.js'
import {nodeFiles, sfuEntryPath} from './paths.js'
import {assertPortFree} from './port-check.js'
import {isProcessAlive} from './process-check.js'

export const DEFAULT_START_TIMEOUT_MS = 30_000
export const DEFAULT_STOP_TIMEOUT_MS = 10_000
const LOG_LINES_IN_ERRORS = 15

export interface StartOptions {
  /** How long to wait for state.json + a healthy /healthz. */
  timeoutMs?: number
  /** The node program; defaults to the bundled dist/src/sfu/main.js (tests pass a fake). */
  script?: string
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
  if (!existsSync(script)) {
    throw new UnavailableError(`the SFU node program is missing at ${script}; build it with \`npm run build\`.`)
  }
  await assertPortFree(entry.host, entry.port, 'the public port', '--port')
  await assertPortFree(entry.adminHost, entry.adminPort, 'the admin port', '--admin-port')
}

/**
 * Check, spawn and write the pidfile under a per-node lock: two `node up` of the same
 * name at once must not both pass the "not running" check and share one directory.
 * Once the pidfile names the new process, the lock is no longer needed.
 */
async function spawnExclusive(
  entry: LocalNodeEntry,
  script: string,
  spawn: () => ResultPromise, // synchronous on purpose: awaiting a ResultPromise waits for exit
): Promise<{sub: ResultPromise; pid: number}> {
  await mkdir(entry.dir, {recursive: true, mode: 0o700})
  return withFileLock(join(entry.dir, 'node.start.lock'), async () => {
    await checkCanStart(entry, script)
    // A state.json/pidfile left by a crash must not be taken for the new process's.
    await clearStaleFiles(entry.dir)
    const sub = spawn()
    const pid = sub.pid
    if (pid === undefined) {
      throw new UnavailableError(`could not start node '${entry.name}': ${(await sub).message ?? 'spawn failed'}.`)
    }
    await writePidfile(entry.dir, pid)
    return {sub, pid}
  })
}

/** Starts the node detached and waits until it is healthy. */
export async function startLocalNode(entry: LocalNodeEntry, opts: StartOptions = {}): Promise<StartedNode> {
  const script = opts.script ?? sfuEntryPath()
  const logFile = nodeFiles(entry.dir).log
  let logOffset = 0
  const {sub, pid} = await spawnExclusive(entry, script, () => {
    logOffset = fileSizeSync(logFile)
    // A file descriptor (not execa's {file} target, which pipes through this process) so the
    // node keeps writing its log after confctl exits.
    const logFd = openSync(logFile, 'a', 0o600)
    // execa passes a lone fd number straight to spawn(); its types only list 3..9, hence the cast.
    const logTarget = logFd as 3
    try {
      return execa(process.execPath, [script, ...nodeArgs(entry)], {
        detached: true, // own session: not killed by the terminal's Ctrl-C or hang-up
        cleanup: false,
        stdin: 'ignore',
        stdout: logTarget,
        stderr: logTarget,
        reject: false,
        cwd: entry.dir,
      })
    } finally {
      closeSync(logFd)
    }
  })
  let exit: {code?: number; signal?: string} | undefined
  void sub.then((r) => (exit = {code: r.exitCode, signal: r.signal}))
  sub.unref()
  try {
    const ready = await waitUntilReady(entry, pid, () => exit, opts.timeoutMs ?? DEFAULT_START_TIMEOUT_MS)
    return {pid, ...ready, dir: entry.dir, logFile}
  } catch (err) {
    const exitedByItself = exit // before our own kill below sets it
    await killAndWait(pid, 3000)
    await clearStaleFiles(entry.dir)
    throw await startupError(entry, err, exitedByItself, logFile, logOffset)
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
  const {sub, pid} = await spawnExclusive(entry, script, () =>
    execa(process.execPath, [script, ...nodeArgs(entry)], {
      detached: true,
      stdin: 'ignore',
      stdout: opts.stdoutToStderr ? process.stderr : 'inherit',
      stderr: 'inherit',
      reject: false,
      cwd: entry.dir,
    }),
  )
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
  let exit: {code?: number; signal?: string} | undefined
  let ready = false
  const done = sub.then((r) => (exit = {code: r.exitCode, signal: r.signal}))
  try {
    try {
      const started: StartedNode = {
        pid,
        ...(await waitUntilReady(entry, pid, () => exit, opts.timeoutMs ?? DEFAULT_START_TIMEOUT_MS)),
        dir: entry.dir,
        logFile: null,
      }
      ready = true
      opts.onReady?.(started)
    } catch (err) {
      // Died by itself: its output is already on the terminal; report its exit code below.
      // Hung or unhealthy: stop it, and say why.
      if (exit === undefined) {
        forward()
        await done
        throw await startupError(entry, err, undefined, null, 0)
      }
    }
    await done
  } finally {
    process.off('SIGINT', forward)
    process.off('SIGTERM', forward)
    process.off('exit', onExit)
    await clearStaleFiles(entry.dir)
    await removePidfile(entry.dir)
  }
  const e = exit as {code?: number; signal?: string} | undefined
  // Stopped by our own forwarded SIGTERM/SIGKILL counts as a clean stop.
  const exitCode = e?.code ?? (signals > 0 ? 0 : 1)
  return {exitCode, signal: e?.signal, ready}
}

/** Polls until state.json names `pid` and /healthz answers; throws the reason otherwise. */
async function waitUntilReady(
  entry: LocalNodeEntry,
  pid: number,
  exited: () => {code?: number; signal?: string} | undefined,
  timeoutMs: number,
): Promise<{state: NodeStateFile; health: HealthResponse}> {
  const deadline = Date.now() + timeoutMs
  let lastProblem = 'it has not written state.json yet'
  for (;;) {
    if (exited() !== undefined) throw new StartupDied()
    const state = readStateFile(entry.dir)
    if (state && state.pid === pid) {
      try {
        const token = await readAdminToken(entry.dir, entry.name)
        const client = new AdminClient({
          nodeName: entry.name,
          adminUrl: state.adminUrl,
          token,
          timeoutMs: 2000,
          caFile: state.adminTlsCert,
        })
        const health = await client.health()
        if (health.status) return {state, health} // ok, draining, or degraded: it answers
        lastProblem = `/healthz answered ${JSON.stringify(health)}`
      } catch (err) {
        lastProblem = (err as Error).message.replace(/\.$/, '')
      }
    }
    if (Date.now() > deadline) throw new StartupTimeout(timeoutMs, lastProblem)
    await new Promise((r) => setTimeout(r, 100))
  }
}

function fileSizeSync(file: string): number {
  try {
    return statSync(file).size
  } catch {
    return 0
  }
}

class StartupDied extends Error {}
class StartupTimeout extends Error {
  constructor(
    readonly timeoutMs: number,
    readonly lastProblem: string,
  ) {
    super('timeout')
  }
}

async function startupError(
  entry: LocalNodeEntry,
  err: unknown,
  exit: {code?: number; signal?: string} | undefined,
  logFile: string | null, // null in the foreground: the output is already on the terminal
  logOffset: number,
): Promise<Error> {
  const lines = logFile ? await readLastLines(logFile, LOG_LINES_IN_ERRORS, logOffset) : []
  const tail = !logFile
    ? ' (see its output above)'
    : lines.length
      ? `; last lines of ${logFile}:\n${lines.map((l) => `  | ${l}`).join('\n')}`
      : ` (${logFile} is empty)`
  if (lines.some((l) => l.includes('EADDRINUSE'))) {
    return new BadInputError(
      `node '${entry.name}' could not listen because a port is already in use; choose others with --port, --admin-port or --rtc-ports${tail}`,
    )
  }
  if (err instanceof StartupTimeout) {
    return new UnreachableError(
      `node '${entry.name}' did not become healthy within ${err.timeoutMs / 1000}s (${err.lastProblem}) and was stopped${tail}`,
    )
  }
  if (err instanceof StartupDied || exit !== undefined) {
    const how = exit?.signal ? `was killed by ${exit.signal}` : `exited with code ${exit?.code ?? '?'}`
    return new UnreachableError(`node '${entry.name}' ${how} during startup${tail}`)
  }
  return err as Error
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

async function signalAndWait(pid: number, signal: NodeJS.Signals, timeoutMs: number): Promise<boolean> {
  try {
    process.kill(pid, signal)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return true
    throw err
  }
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (!isProcessAlive(pid)) return true
    await new Promise((r) => setTimeout(r, 50))
  }
  return !isProcessAlive(pid)
}

async function killAndWait(pid: number, graceMs: number): Promise<void> {
  if (!(await signalAndWait(pid, 'SIGTERM', graceMs))) await signalAndWait(pid, 'SIGKILL', 2000)
}
