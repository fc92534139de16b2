// A throwaway SFU node for a smoke check that was given no node: started as a child process
// in a fresh temp directory, and always stopped and deleted afterwards (also when the check
// fails, and on process exit as a last resort), so a smoke run leaves nothing behind.
import {spawn, type ChildProcess} from 'node:child_process'
import {existsSync, readFileSync, rmSync} from 'node:fs'
import {mkdtemp, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {NodeStateFile} from '../api/node-api.js'
import {UnreachableError} from '../errors.js'
import {sfuEntryPath} from '../fleet/paths.js'
import type {SmokeTarget} from './node-target.js'

export interface LocalNode extends SmokeTarget {
  dir: string
  pid: number
  stop(): Promise<void>
}

export interface LocalNodeOptions {
  startTimeoutMs?: number
  /** e.g. "40000-40199"; default: a random 200-port block, so parallel runs do not collide. */
  rtcPorts?: string
  script?: string
  /** Stop the node and exit on Ctrl-C/SIGTERM (default). A caller with its own shutdown
   *  (the demo, which first closes its participants) passes false and calls stop(). */
  handleSignals?: boolean
  /** Prefix of the node's name as commands show it (default "smoke"). */
  name?: string
}

const STOP_TIMEOUT_MS = 5000

export async function startThrowawayNode(opts: LocalNodeOptions = {}): Promise<LocalNode> {
  const script = opts.script ?? sfuEntryPath()
  if (!existsSync(script))
    throw new UnreachableError(`cannot start a local node: ${script} does not exist (run \`npm run build\`).`)
  const dir = await mkdtemp(join(tmpdir(), 'confctl-smoke-'))
  const name = `${opts.name ?? 'smoke'}-${process.pid}`
  const rtcPorts = opts.rtcPorts ?? randomPortBlock()
  const child = spawn(
    process.execPath,
    [script, '--dir', dir, '--name', name, '--port', '0', '--admin-port', '0', '--rtc-ports', rtcPorts],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      // If this process dies without a chance to clean up (SIGKILL), the node notices and stops.
      env: {...process.env, CONFCTL_EXIT_WITH_PARENT: String(process.pid)},
    },
  )
  let stderr = ''
  child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2000)))
  // Last resorts: an exit without stop() (a crash, process.exit) still kills the node and
  // removes its directory; Ctrl-C / SIGTERM stop it properly first (Node's default signal
  // exit would skip both).
  const killOnExit = () => {
    child.kill('SIGKILL')
    rmSync(dir, {recursive: true, force: true}) // only sync work is possible in 'exit'
  }
  const onSignal = (signal: NodeJS.Signals) => {
    void stop().finally(() => process.exit(128 + (signal === 'SIGINT' ? 2 : 15)))
  }
  process.once('exit', killOnExit)
  const handleSignals = opts.handleSignals ?? true
  if (handleSignals) {
    process.once('SIGINT', onSignal)
    process.once('SIGTERM', onSignal)
  }
  let stopping: Promise<void> | undefined
  const stop = () =>
    (stopping ??= (async () => {
      process.removeListener('exit', killOnExit)
      process.removeListener('SIGINT', onSignal)
      process.removeListener('SIGTERM', onSignal)
      await stopChild(child)
      await rm(dir, {recursive: true, force: true, maxRetries: 3})
    })())
  try {
    const state = await waitForState(dir, child, opts.startTimeoutMs ?? 20_000, () => stderr)
    const adminToken = (await readFile(join(dir, 'admin.token'), 'utf8')).trim()
    return {
      name: state.name,
      publicUrl: state.publicUrl,
      adminUrl: state.adminUrl,
      adminToken,
      dir,
      pid: child.pid!,
      stop,
    }
  } catch (err) {
    await stop()
    throw err
  }
}

async function waitForState(
  dir: string,
  child: ChildProcess,
  timeoutMs: number,
  stderr: () => string,
): Promise<NodeStateFile> {
  const file = join(dir, 'state.json')
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new UnreachableError(
        `the local node exited during startup (${child.exitCode ?? child.signalCode})${tail(stderr())}`,
      )
    }
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as NodeStateFile // written atomically by the node
    } catch {}
    if (Date.now() > deadline)
      throw new UnreachableError(`the local node did not start within ${timeoutMs / 1000} s${tail(stderr())}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve()
    })
    child.kill('SIGTERM')
  })
}

function randomPortBlock(): string {
  const lo = 40_000 + 200 * Math.floor(Math.random() * 100)
  return `${lo}-${lo + 199}`
}

const tail = (s: string) => (s.trim() ? `: ${s.trim().split('\n').slice(-3).join(' / ')}` : '')
