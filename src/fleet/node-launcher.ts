// The one way confctl starts an SFU node process on this machine. Both modes build on it:
// the normal mode (node-launcher-local.ts: `node up`, a node of fleet.yaml in its own node
// directory, detached or in the foreground) and the throwaway mode
// (node-launcher-throwaway.ts: smoke, demo, benchmarks and tests; a temporary directory on
// free ports, removed on stop). Here: refusing what cannot work before spawning, spawning,
// waiting until the node is really up ("started" means state.json names the new pid and
// /healthz answers, not merely "spawned"), turning a failed start into one typed sentence,
// and stopping a process.
import {existsSync} from 'node:fs'
import {execa, type ResultPromise} from 'execa'
import type {NodeStateFile} from '../api/node-api.js'
import {BadInputError, UnavailableError, UnreachableError} from '../errors.js'
import {AdminClient, type HealthResponse} from './admin-client.js'
import {readAdminToken, readStateFile} from './node-dir.js'
import {isProcessAlive} from './process-check.js'

export const DEFAULT_START_TIMEOUT_MS = 30_000
const LINES_IN_ERRORS = 15

/** Where the node's stdout and stderr go. */
export type NodeOutput =
  /** Appended to a file through a descriptor of its own, so the node keeps logging after
   *  confctl exits; the node runs in its own session (Ctrl-C in the terminal does not reach it). */
  | {kind: 'log-file'; fd: number}
  /** This terminal's; the node in its own process group, so signals reach it only through us. */
  | {kind: 'inherit'; stdoutToStderr?: boolean}
  /** Kept in memory (the last MAX_CAPTURED characters), for output() and startup errors. */
  | {kind: 'capture'}

export interface LaunchSpec {
  /** The node's name, as sentences show it. */
  name: string
  dir: string
  /** The node program's arguments (see node-args.ts); extra ones such as a future `--redis URL` go here too. */
  args: string[]
  /** The node program; default the bundled dist/src/sfu/main.js (tests pass a fake). */
  script: string
  output: NodeOutput
  env?: Record<string, string>
  /** A command that runs the node in place (e.g. `prlimit --nofile=N:N`), so the pid stays the node's. */
  wrapper?: string[]
  /** What to do when a port is taken, e.g. "choose others with --port, --admin-port or --rtc-ports". */
  portHint: string
}

export interface ExitInfo {
  code?: number
  signal?: string
}

export interface NodeProcess {
  pid: number
  /** The child process (tests watch or kill it directly). */
  child: ResultPromise
  /** Set once the process has exited. */
  exit(): ExitInfo | undefined
  exited: Promise<ExitInfo>
  /** What it printed ('capture' output only; '' otherwise). */
  output(): string
}

export interface ReadyNode {
  state: NodeStateFile
  health: HealthResponse
}

const MAX_CAPTURED = 4 * 1024 * 1024

/** A missing node program is this machine's problem (69), not a failed check. */
export function assertProgramExists(script: string): void {
  if (!existsSync(script)) {
    throw new UnavailableError(`the SFU node program is missing at ${script}; build it with \`npm run build\`.`)
  }
}

/** Spawns the node program. Synchronous on purpose: awaiting execa's result waits for exit. */
export function spawnNode(spec: LaunchSpec): ResultPromise {
  const [file, ...pre] = spec.wrapper?.length ? spec.wrapper : [process.execPath]
  const argv = [...(spec.wrapper?.length ? [process.execPath] : []), spec.script, ...spec.args]
  const env = spec.env ? {...process.env, ...spec.env} : undefined
  const common = {reject: false, cwd: spec.dir, env, stdin: 'ignore'} as const
  switch (spec.output.kind) {
    case 'log-file': {
      // execa passes a lone fd number straight to spawn(); its types only list 3..9, hence the cast.
      const fd = spec.output.fd as 3
      return execa(file!, [...pre, ...argv], {...common, detached: true, cleanup: false, stdout: fd, stderr: fd})
    }
    case 'inherit':
      return execa(file!, [...pre, ...argv], {
        ...common,
        detached: true,
        stdout: spec.output.stdoutToStderr ? process.stderr : 'inherit',
        stderr: 'inherit',
      })
    case 'capture':
      // buffer: false: a node that runs for hours must not grow execa's result in memory.
      return execa(file!, [...pre, ...argv], {...common, stdout: 'pipe', stderr: 'pipe', buffer: false})
  }
}

/** Follows a spawned node: its pid (or the reason it has none), its exit, its output. */
export async function watchNode(spec: LaunchSpec, child: ResultPromise): Promise<NodeProcess> {
  let exit: ExitInfo | undefined
  const exited = child.then((r) => (exit = {code: r.exitCode, signal: r.signal}))
  let output = ''
  const keep = (chunk: Buffer) => {
    output += chunk.toString()
    if (output.length > MAX_CAPTURED) output = output.slice(-MAX_CAPTURED / 2)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const pid = child.pid
  if (pid === undefined) {
    const r = await child
    throw new UnavailableError(
      `could not start node '${spec.name}': ${r.message ?? 'spawn failed'} (${[process.execPath, spec.script].join(' ')}).`,
    )
  }
  return {pid, child, exit: () => exit, exited, output: () => output}
}

/** Polls until state.json names the node's pid and /healthz answers. A node that exits
 *  or does not get there in time is reported as one typed sentence (see startupError). */
export async function waitUntilReady(
  spec: LaunchSpec,
  node: NodeProcess,
  timeoutMs = DEFAULT_START_TIMEOUT_MS,
): Promise<ReadyNode> {
  const deadline = Date.now() + timeoutMs
  let lastProblem = 'it has not written state.json yet'
  for (;;) {
    if (node.exit() !== undefined) throw new StartupDied()
    const state = readStateFile(spec.dir)
    if (state && state.pid === node.pid) {
      try {
        const token = await readAdminToken(spec.dir, spec.name)
        const client = new AdminClient({
          nodeName: spec.name,
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
    await new Promise((r) => setTimeout(r, 50))
  }
}

export class StartupDied extends Error {}
export class StartupTimeout extends Error {
  constructor(
    readonly timeoutMs: number,
    readonly lastProblem: string,
  ) {
    super('timeout')
  }
}

export interface OutputTail {
  /** The node's last lines, or null when they are already on the terminal. */
  lines: string[] | null
  /** Where they come from, e.g. the log file (default: "its output"). */
  source?: string
}

/**
 * The sentence a failed start ends in: a port taken (the node lost the race for one, or a
 * --rtc-ports block is busy) is bad input (2) naming the flags to change; a node that died
 * or never became healthy is unreachable (3); both quote the node's last lines.
 */
export function startupError(spec: LaunchSpec, err: unknown, exit: ExitInfo | undefined, tail: OutputTail): Error {
  const source = tail.source ?? 'its output'
  const lines = (tail.lines ?? []).slice(-LINES_IN_ERRORS)
  const quoted =
    tail.lines === null
      ? ' (see its output above)'
      : lines.length
        ? `; last lines of ${source}:\n${lines.map((l) => `  | ${l}`).join('\n')}`
        : ` (${source} is empty)`
  // The node says "port already in use (host:port)"; other programs say EADDRINUSE.
  const inUse = lines.map((l) => /port already in use \(([^)]*)\)|EADDRINUSE\S*\s+(\S+)?/.exec(l)).find(Boolean)
  if (inUse) {
    const where = inUse[1] ?? inUse[2]
    return new BadInputError(
      `node '${spec.name}' could not listen because a port${where ? ` (${where})` : ''} is already in use; ${spec.portHint}${quoted}`,
    )
  }
  if (err instanceof StartupTimeout) {
    return new UnreachableError(
      `node '${spec.name}' did not become healthy within ${err.timeoutMs / 1000}s (${err.lastProblem}) and was stopped${quoted}`,
    )
  }
  if (err instanceof StartupDied || exit !== undefined) {
    const how = exit?.signal ? `was killed by ${exit.signal}` : `exited with code ${exit?.code ?? '?'}`
    return new UnreachableError(`node '${spec.name}' ${how} during startup${quoted}`)
  }
  return err as Error
}

/** Sends `signal` and waits up to `timeoutMs` for the process to be gone; true if it is. */
export async function signalAndWait(pid: number, signal: NodeJS.Signals, timeoutMs: number): Promise<boolean> {
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

/** SIGTERM (the node's graceful stop), SIGKILL after `graceMs`; true if SIGKILL was needed. */
export async function terminate(pid: number, graceMs: number): Promise<boolean> {
  if (await signalAndWait(pid, 'SIGTERM', graceMs)) return false
  await signalAndWait(pid, 'SIGKILL', 5000)
  return true
}
