// Benchmark of `confctl top`: a synthetic fleet of 50 nodes, 1,000 rooms and 10,000
// participants (20,000 streams) polled at 1 Hz and rendered by the real dashboard (runTop:
// Ink, the screen painter, a fake terminal that counts bytes) for ~20 s, walking through the
// views (fleet, rooms, room, participant) with keys. As with real nodes, each poll decodes
// every node's GET /v1/node and /v1/rooms, and GET /v1/rooms/{room} only for the room on
// screen (room and participant views). Prints the CPU share of the process
// (process.cpuUsage over wall time) and the time per frame: from a snapshot being published
// to its frame written to the terminal (p50 / p95 / max), per view.
//
// Usage: node dist/bench/top.js [seconds=20] [columns=120] [rows=40]
// Target: under 10 % of one core.
import {EventEmitter} from 'node:events'
import {PassThrough} from 'node:stream'

// As `confctl top` does: React's production build (set before React is loaded).
process.env.NODE_ENV ??= 'production'
const {SnapshotPoller} = await import('../src/fleet/snapshot-poller.js')
const {syntheticTargets} = await import('../test/helpers/synthetic-fleet.js')
const {runTop} = await import('../src/tui/run.js')

const seconds = Math.min(120, Math.max(5, Number(process.argv[2] ?? 20)))
const columns = Number(process.argv[3] ?? 120)
const rows = Number(process.argv[4] ?? 40)
const FLEET = {nodes: 50, rooms: 1000, participants: 10_000}

class NullTty extends EventEmitter {
  isTTY = true
  columns = columns
  rows = rows
  bytes = 0
  writes = 0
  onWrite: (() => void) | undefined
  write(s: string): boolean {
    this.bytes += s.length
    this.writes++
    this.onWrite?.()
    return true
  }
}

function pct(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}
const ms = (v: number) => `${v.toFixed(1)} ms`
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0)
const kib = (bytes: number) =>
  bytes >= 2 ** 20 ? `${(bytes / 2 ** 20).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(0)} KiB`

async function main(): Promise<void> {
  const setupStart = performance.now()
  // The synthetic nodes' own work (advancing counters, serialising their answers to JSON) is
  // timed and left out of the CPU figure: on a real fleet the nodes do it. Decoding the JSON
  // is the dashboard's work and stays in.
  let nodeWorkMs = 0
  let decodeMs = 0
  let tickBytes = 0
  let measuring = false
  const targets = syntheticTargets({
    ...FLEET,
    seed: 42,
    onNodeWork: (t) => measuring && (nodeWorkMs += t),
    onDecode: (t, bytes) => {
      tickBytes += bytes
      if (measuring) decodeMs += t
    },
  })
  const poller = new SnapshotPoller({targets: () => targets, intervalMs: 1000, timeoutMs: 2000})
  const stdout = new NullTty()
  const stdin = new PassThrough() as unknown as NodeJS.ReadStream & PassThrough
  Object.assign(stdin, {isTTY: true, setRawMode: () => stdin, ref: () => stdin, unref: () => stdin})
  const stderr = {write: () => true} as unknown as NodeJS.WriteStream

  // Frame time: from the tick's publication to the first write to the terminal after it.
  let view = 'fleet'
  let published: number | undefined
  const frames: Record<string, number[]> = {}
  const tickBuild: number[] = []
  const bytesPerTick: Record<string, number[]> = {}
  let tickStart = 0
  stdout.onWrite = () => {
    if (published === undefined) return
    ;(frames[view] ??= []).push(performance.now() - published)
    published = undefined
  }
  poller.subscribe(() => {
    published = performance.now()
  })
  // How long building each snapshot takes: decoding the answers, the poller's own work.
  const tick = poller.tick.bind(poller)
  poller.tick = async () => {
    tickStart = performance.now()
    const before = nodeWorkMs
    tickBytes = 0
    const t = await tick()
    tickBuild.push(performance.now() - tickStart - (nodeWorkMs - before))
    ;(bytesPerTick[view] ??= []).push(tickBytes)
    return t
  }
  await poller.tick() // first snapshot outside the measurement (JIT warm-up, first counters)
  tickBuild.length = 0
  delete bytesPerTick[view]
  const setupMs = performance.now() - setupStart

  const done = runTop({
    source: poller,
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin,
    stderr,
    colorLevel: 3,
    handleProcessEvents: false,
  })
  poller.start()
  const cpu0 = process.cpuUsage()
  const wall0 = performance.now()
  measuring = true
  const steps: [number, string, string][] = [
    [0.25, '\t', 'rooms'],
    [0.5, '\r', 'room'],
    [0.75, '\r', 'participant'],
  ]
  for (const [at, key, next] of steps) {
    await new Promise((r) => setTimeout(r, seconds * 1000 * at - (performance.now() - wall0)))
    view = next
    stdin.write(key)
  }
  await new Promise((r) => setTimeout(r, Math.max(0, seconds * 1000 - (performance.now() - wall0))))
  const cpu = process.cpuUsage(cpu0)
  const wall = performance.now() - wall0
  measuring = false
  stdin.write('q')
  await done
  await poller.stop()

  const cpuMs = (cpu.user + cpu.system) / 1000
  const ownMs = cpuMs - nodeWorkMs
  const all = Object.values(frames).flat()
  const lines = [
    `confctl top benchmark: ${FLEET.nodes} nodes, ${FLEET.rooms} rooms, ${FLEET.participants} participants (${FLEET.participants * 2} streams), 1 Hz, ${columns}x${rows}, ${(wall / 1000).toFixed(1)} s`,
    `setup (fleet + first snapshot): ${ms(setupMs)}`,
    `CPU of the dashboard: ${(ownMs / 1000).toFixed(2)} s in ${(wall / 1000).toFixed(1)} s = ${((ownMs / wall) * 100).toFixed(1)} % of one core (target < 10 %)`,
    `  of which decoding the nodes' JSON answers ${((decodeMs / wall) * 100).toFixed(1)} %; everything else (snapshot, history, rendering, GC) ${(((ownMs - decodeMs) / wall) * 100).toFixed(1)} %`,
    `  wall-clock shares: building snapshots without decoding ${(((sum(tickBuild) - decodeMs) / wall) * 100).toFixed(1)} %, rendering frames ${((sum(all) / wall) * 100).toFixed(1)} % (both include GC pauses)`,
    `  (whole process ${((cpuMs / wall) * 100).toFixed(1)} %, including the synthetic nodes making their answers: ${((nodeWorkMs / wall) * 100).toFixed(1)} %)`,
    `snapshot per tick (decode 50 nodes' answers; rooms, totals, history): ${tickBuild.length} ticks, p50 ${ms(pct(tickBuild, 50))}, p95 ${ms(pct(tickBuild, 95))}, max ${ms(Math.max(...tickBuild))}`,
    `  JSON decoded per tick: ${Object.entries(bytesPerTick)
      .map(([v, b]) => `${v} ${kib(sum(b) / b.length)}`)
      .join(', ')}`,
    `frame (snapshot published -> written to the terminal), ${all.length} frames: p50 ${ms(pct(all, 50))}, p95 ${ms(pct(all, 95))}, max ${ms(Math.max(...all))}`,
    ...Object.entries(frames).map(
      ([v, f]) =>
        `  ${v.padEnd(12)} ${String(f.length).padStart(3)} frames: p50 ${ms(pct(f, 50))}, p95 ${ms(pct(f, 95))}, max ${ms(Math.max(...f))}`,
    ),
    `terminal output: ${stdout.writes} writes, ${(stdout.bytes / 1024).toFixed(1)} KiB (${(stdout.bytes / 1024 / (wall / 1000)).toFixed(1)} KiB/s)`,
    `memory: rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB, heap used ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB`,
  ]
  process.stdout.write(lines.join('\n') + '\n')
}

await main()
