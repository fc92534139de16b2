// The node launcher's throwaway mode: a node for smoke (without --node), the demo,
// benchmarks and tests. It runs in a fresh temporary directory on free ports (the node picks
// its public and admin ports, rtc-port-block.ts a free --rtc-ports block), is not in
// fleet.yaml, and is stopped and its directory removed on stop() — also when confctl exits
// without calling it (last resort on 'exit'), and by the node itself if confctl is killed
// (CONFCTL_EXIT_WITH_PARENT). startThrowawayNodes starts several at once (a local fleet).
import {mkdtemp, rm} from 'node:fs/promises'
import {rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {NodeStateFile} from '../api/node-api.js'
import {clearStaleFiles, readAdminToken} from './node-dir.js'
import {
  assertProgramExists,
  DEFAULT_START_TIMEOUT_MS,
  spawnNode,
  startupError,
  waitUntilReady,
  watchNode,
  type LaunchSpec,
  type NodeProcess,
} from './node-launcher.js'
import {sfuEntryPath} from './paths.js'
import {assertPortFree} from './port-check.js'
import {freeRtcPortBlock, releaseRtcPortBlock} from './rtc-port-block.js'

const STOP_TIMEOUT_MS = 5000

export interface ThrowawayOptions {
  /** The node's name (default `throwaway-<pid>`). */
  name?: string
  /** More node arguments, e.g. `['--codecs', 'opus,vp8']` or a coordination `--redis URL`. */
  nodeArgs?: string[]
  /** e.g. "40000-40199"; default a free block of 200. */
  rtcPorts?: string
  /** Public and admin ports; default 0 (the node picks free ones). A taken one is refused before spawning. */
  port?: number
  adminPort?: number
  /** Use this existing node directory (a restart keeps its secrets and node.db); stop() keeps it. */
  dir?: string
  /** The node program; default the bundled dist/src/sfu/main.js. */
  script?: string
  startTimeoutMs?: number
  /** Stop the node (and exit 128 + n) on Ctrl-C / SIGTERM. A caller with its own shutdown
   *  (the demo, which first closes its participants) leaves it off and calls stop(). */
  handleSignals?: boolean
  /** Runs the node through this command, which must exec it in place (tests: `prlimit --nofile=N:N`). */
  wrapper?: string[]
}

export interface ThrowawayNode {
  name: string
  publicUrl: string
  adminUrl: string
  adminToken: string
  state: NodeStateFile
  dir: string
  pid: number
  /** The node process (tests watch or kill it). */
  child: NodeProcess['child']
  /** What the node printed so far (stdout and stderr). */
  output(): string
  /** Stops the node (SIGTERM, SIGKILL after 5 s), removes its directory unless it was given;
   *  resolves with the node's exit code (null when a signal ended it). Safe to call twice. */
  stop(): Promise<number | null>
}

export async function startThrowawayNode(opts: ThrowawayOptions = {}): Promise<ThrowawayNode> {
  const script = opts.script ?? sfuEntryPath()
  assertProgramExists(script)
  const port = opts.port ?? 0
  const adminPort = opts.adminPort ?? 0
  await assertPortFree('0.0.0.0', port, 'the public port', '--port')
  await assertPortFree('127.0.0.1', adminPort, 'the admin port', '--admin-port')
  const ownDir = opts.dir === undefined
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), 'confctl-throwaway-')))
  const rtcPorts = opts.rtcPorts ?? (await freeRtcPortBlock())
  const releasePorts = () => {
    if (opts.rtcPorts === undefined) releaseRtcPortBlock(rtcPorts)
  }
  const name = opts.name ?? `throwaway-${process.pid}`
  const spec: LaunchSpec = {
    name,
    dir,
    script,
    args: [
      ...['--dir', dir, '--name', name, '--port', String(port), '--admin-port', String(adminPort)],
      ...['--rtc-ports', rtcPorts, ...(opts.nodeArgs ?? [])],
    ],
    output: {kind: 'capture'},
    // If this process dies without a chance to clean up (SIGKILL), the node notices and stops.
    env: {CONFCTL_EXIT_WITH_PARENT: String(process.pid)},
    wrapper: opts.wrapper,
    portHint:
      opts.rtcPorts === undefined && port === 0 && adminPort === 0
        ? 'try again (a throwaway node picks its ports anew each time)'
        : `choose others than ${[port && `port ${port}`, adminPort && `admin port ${adminPort}`, `rtc ports ${rtcPorts}`].filter(Boolean).join(', ')}`,
  }
  let node: NodeProcess
  try {
    await clearStaleFiles(dir) // a state.json left by a killed node of this directory is not the new one's
    node = await watchNode(spec, spawnNode(spec))
  } catch (err) {
    releasePorts()
    if (ownDir) await rm(dir, {recursive: true, force: true})
    throw err
  }
  let stopping: Promise<number | null> | undefined
  const stop = () =>
    (stopping ??= (async () => {
      live.delete(entry)
      listenForSignals()
      if (node.exit() === undefined) {
        const timer = setTimeout(() => node.child.kill('SIGKILL'), STOP_TIMEOUT_MS)
        node.child.kill('SIGTERM')
        await node.exited
        clearTimeout(timer)
      }
      releasePorts()
      if (ownDir) await rm(dir, {recursive: true, force: true, maxRetries: 3})
      return node.exit()?.code ?? null
    })())
  const entry: LiveNode = {
    kill: () => {
      node.child.kill('SIGKILL')
      if (ownDir) rmSync(dir, {recursive: true, force: true}) // only sync work is possible in 'exit'
    },
    stop,
    handleSignals: opts.handleSignals ?? false,
  }
  live.add(entry)
  watchProcess()
  listenForSignals()
  try {
    const {state} = await waitUntilReady(spec, node, opts.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS)
    return {
      name,
      publicUrl: state.publicUrl,
      adminUrl: state.adminUrl,
      adminToken: await readAdminToken(dir, name),
      state,
      dir,
      pid: node.pid,
      child: node.child,
      output: node.output,
      stop,
    }
  } catch (err) {
    const exitedByItself = node.exit()
    await stop()
    throw startupError(spec, err, exitedByItself, {lines: node.output().trimEnd().split('\n').filter(Boolean)})
  }
}

export interface ThrowawayFleet {
  nodes: ThrowawayNode[]
  /** Stops every node (in parallel) and removes their directories. */
  stop(): Promise<void>
}

/**
 * `count` throwaway nodes started side by side, named `<name>-1` .. `<name>-N`, each with
 * its own directory and ports; all or none: if one fails to start, the others are stopped
 * and its error is thrown. `nodeArgs` may differ per node (a function of the index from 0).
 */
export async function startThrowawayNodes(
  count: number,
  opts: Omit<ThrowawayOptions, 'nodeArgs' | 'dir' | 'rtcPorts' | 'port' | 'adminPort'> & {
    nodeArgs?: string[] | ((index: number) => string[])
  } = {},
): Promise<ThrowawayFleet> {
  const base = opts.name ?? `throwaway-${process.pid}`
  const started = await Promise.allSettled(
    Array.from({length: count}, (_, i) =>
      startThrowawayNode({
        ...opts,
        name: `${base}-${i + 1}`,
        nodeArgs: typeof opts.nodeArgs === 'function' ? opts.nodeArgs(i) : opts.nodeArgs,
      }),
    ),
  )
  const nodes = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))
  const stop = async () => {
    await Promise.all(nodes.map((n) => n.stop()))
  }
  const failed = started.find((r) => r.status === 'rejected')
  if (failed) {
    await stop()
    throw failed.reason
  }
  return {nodes, stop}
}

// Every throwaway node of this process, for the last resorts: one 'exit' listener and at
// most one pair of signal listeners for all of them (not one per node: a fleet would exceed
// Node's listener warning).
interface LiveNode {
  kill(): void
  stop(): Promise<unknown>
  handleSignals: boolean
}
const live = new Set<LiveNode>()
let watching = false

function watchProcess(): void {
  if (watching) return
  watching = true
  // An exit without stop() (a crash, process.exit) still kills the nodes and removes their directories.
  process.on('exit', () => {
    for (const n of live) n.kill()
  })
}

/** Ctrl-C / SIGTERM stop the nodes that asked for it properly, then exit 128 + n (Node's
 *  default signal exit would skip both). Listening only while such a node runs: otherwise
 *  the signal keeps its default meaning or the caller's. */
let listening = false
function listenForSignals(): void {
  const wanted = [...live].some((n) => n.handleSignals)
  if (wanted === listening) return
  listening = wanted
  if (wanted) {
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
  } else {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}

function onSignal(signal: NodeJS.Signals): void {
  const mine = [...live].filter((n) => n.handleSignals)
  void Promise.all(mine.map((n) => n.stop())).finally(() => process.exit(128 + (signal === 'SIGINT' ? 2 : 15)))
}
