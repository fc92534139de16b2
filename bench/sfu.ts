// npm run bench:sfu — one publisher (VP8 video ~1 Mbit/s + Opus) to K subscribers, K = 1, 5,
// 10, 20 (or BENCH_SFU_K=1,5), each K on a fresh node. Per K it prints: the node process's
// CPU microseconds per forwarded packet (from /proc/<pid>/stat over the measuring window),
// packets forwarded per second (the node's downlink packet counters), and the subscribers'
// loss and jitter from their own libwebrtc getStats(). Bounded: about 40 s per K.
// Then the publisher's ramp-up (ramp-up.ts): seconds from connect until a 1280x720 libwebrtc
// publisher sends 1 Mbit/s, on a fresh node per run (BENCH_SFU_RAMP_RUNS, default 3; 0 skips);
// with BENCH_SFU_CHROMIUM=1 also a Chromium publisher's (ramp-chromium.ts; root, chromium).
import {spawnSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {AdminClient} from '../src/fleet/admin-client.js'
import {startThrowawayNode} from '../src/fleet/node-launcher-throwaway.js'
import {SyntheticPublisher} from '../src/client/publisher.js'
import {SyntheticSubscription} from '../src/client/subscriber.js'
import {inboundStreams} from '../src/client/stats.js'
import {releaseNativeObjects} from '../src/client/wrtc.js'
import {percentiles} from '../src/qoe/percentiles.js'
import {measureRampUp, type RampUp} from './ramp-up.js'

// BENCH_SFU_K=none runs the ramp-up phase only.
const KS = process.env.BENCH_SFU_K === 'none' ? [] : (process.env.BENCH_SFU_K ?? '1,5,10,20').split(',').map(Number)
// Side by side: BENCH_SFU_BASE=DIR is another checkout's build (e.g. the previous commit in a
// git worktree, `npm ci` run there); each K then runs on that build's node and on this one,
// alternating, BENCH_SFU_ROUNDS times each, so both see the same machine load.
const BASE = process.env.BENCH_SFU_BASE
const ROUNDS = Number(process.env.BENCH_SFU_ROUNDS ?? (BASE ? 2 : 1))
const WINDOW_S = Number(process.env.BENCH_SFU_WINDOW ?? 10)
const WARMUP_MAX_S = 25
const TARGET_BPS = 1_000_000
const CLK_TCK = 100 // Linux USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s

function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLK_TCK // utime + stime
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function downlinkPackets(admin: AdminClient, room: string): Promise<number> {
  const detail = await admin.room(room)
  let n = 0
  for (const p of detail.participantsList) for (const s of p.streams) if (s.direction === 'downlink') n += s.packets
  return n
}

async function uplinkVideoBps(admin: AdminClient, room: string): Promise<number> {
  const detail = await admin.room(room)
  const pub = detail.participantsList.find((p) => p.role === 'publisher')
  return pub?.streams.find((s) => s.kind === 'video')?.bitrateBps ?? 0
}

interface Row {
  build: string
  k: number
  videoKbps: number
  cpuUsPerPacket: number
  packetsPerSecond: number
  nodeCpuPercent: number
  lossPercent: {p50: number; max: number}
  jitterMs: {p50: number; max: number}
}

async function runK(k: number, build: string, script: string | undefined): Promise<Row> {
  const node = await startThrowawayNode({script, name: `bench-${process.pid}`, handleSignals: true})
  const admin = new AdminClient({nodeName: node.name, adminUrl: node.adminUrl, token: node.adminToken})
  const room = `bench-${k}`
  const subs: SyntheticSubscription[] = []
  let pub: SyntheticPublisher | undefined
  try {
    const token = async (id: string) => (await admin.createToken({room, identity: id})).token
    pub = await SyntheticPublisher.publish({
      whipUrl: `${node.publicUrl}/whip/${room}`,
      token: await token('bench-pub'),
      width: 640,
      height: 480,
      fps: 30,
      maxBitrateBps: 1_200_000,
    })
    // libwebrtc's bandwidth estimate starts low and ramps up; measure at ~1 Mbit/s.
    const warmupEnd = Date.now() + WARMUP_MAX_S * 1000
    while (Date.now() < warmupEnd && (await uplinkVideoBps(admin, room)) < TARGET_BPS * 0.8) await sleep(1000)
    const whepUrl = `${node.publicUrl}/whep/${room}/${pub.participantId}`
    for (let i = 0; i < k; i++)
      subs.push(await SyntheticSubscription.subscribe({whepUrl, token: await token(`bench-sub-${i}`)}))
    await sleep(3000) // connect, first keyframe
    const before = await Promise.all(subs.map((s) => s.pc.getStats()))
    const cpu0 = cpuMicros(node.pid)
    const pk0 = await downlinkPackets(admin, room)
    const t0 = performance.now()
    await sleep(WINDOW_S * 1000)
    const cpu1 = cpuMicros(node.pid)
    const pk1 = await downlinkPackets(admin, room)
    const seconds = (performance.now() - t0) / 1000
    const after = await Promise.all(subs.map((s) => s.pc.getStats()))
    const videoKbps = Math.round((await uplinkVideoBps(admin, room)) / 1000)
    // Loss over the window: deltas of the cumulative counters, per subscriber and kind.
    const losses: number[] = []
    const jitters: number[] = []
    after.forEach((report, i) => {
      const b = inboundStreams(before[i]!)
      for (const s of inboundStreams(report)) {
        const prev = b.find((x) => x.kind === s.kind)
        const received = s.packetsReceived - (prev?.packetsReceived ?? 0)
        const lost = Math.max(0, s.packetsLost - (prev?.packetsLost ?? 0))
        losses.push(received + lost > 0 ? (100 * lost) / (received + lost) : 100)
        if (s.jitterMs !== null) jitters.push(s.jitterMs)
      }
    })
    const forwarded = pk1 - pk0
    const l = percentiles(losses)!
    const j = percentiles(jitters)!
    return {
      build,
      k,
      videoKbps,
      cpuUsPerPacket: Math.round(((cpu1 - cpu0) / Math.max(1, forwarded)) * 10) / 10,
      packetsPerSecond: Math.round(forwarded / seconds),
      nodeCpuPercent: Math.round(((cpu1 - cpu0) / 1e6 / seconds) * 1000) / 10,
      lossPercent: {p50: round2(l.p50), max: round2(l.max)},
      jitterMs: {p50: round2(j.p50), max: round2(j.max)},
    }
  } finally {
    await Promise.all(subs.map((s) => s.close()))
    await pub?.close()
    subs.length = 0
    pub = undefined
    await node.stop()
    await releaseNativeObjects()
  }
}

const round2 = (n: number) => Math.round(n * 100) / 100

const builds: Array<{build: string; script: string | undefined}> = [{build: 'this', script: undefined}]
if (BASE) builds.unshift({build: 'base', script: join(resolve(BASE), 'dist', 'src', 'sfu', 'main.js')})

const rows: Row[] = []
for (const k of KS) {
  for (let round = 0; round < ROUNDS; round++) {
    for (const b of builds) {
      process.stderr.write(`K=${k} ${b.build} round ${round + 1} ...\n`)
      rows.push(await runK(k, b.build, b.script))
    }
  }
}
if (rows.length) console.log('\nbench:sfu — one publisher (640x480 VP8 + Opus) to K subscribers, window %d s', WINDOW_S)
if (rows.length)
  console.log('build K   video kb/s  node CPU %  CPU us/packet  packets/s fwd  loss % p50/max  jitter ms p50/max')
for (const r of rows) {
  console.log(
    [
      r.build.padEnd(5),
      String(r.k).padEnd(3),
      String(r.videoKbps).padStart(10),
      String(r.nodeCpuPercent).padStart(10),
      String(r.cpuUsPerPacket).padStart(14),
      String(r.packetsPerSecond).padStart(14),
      `${r.lossPercent.p50}/${r.lossPercent.max}`.padStart(15),
      `${r.jitterMs.p50}/${r.jitterMs.max}`.padStart(18),
    ].join(' '),
  )
}
if (BASE) {
  // The figure the hardening issue asks for: this build's CPU per forwarded packet as a
  // ratio of the base build's, per K, from the median of the rounds.
  console.log('\nCPU us/packet, this build / base build (median of %d rounds each):', ROUNDS)
  for (const k of KS) {
    const median = (build: string) =>
      percentiles(rows.filter((r) => r.k === k && r.build === build).map((r) => r.cpuUsPerPacket))!.p50
    console.log(`K=${k}: ${median('this')} / ${median('base')} = ${(median('this') / median('base')).toFixed(3)}`)
  }
}

const RAMP_RUNS = Number(process.env.BENCH_SFU_RAMP_RUNS ?? 3)
const ramps: Array<RampUp & {build: string}> = []
for (let run = 0; run < RAMP_RUNS; run++) {
  for (const b of builds) {
    process.stderr.write(`ramp-up ${b.build} run ${run + 1} ...\n`)
    ramps.push({build: b.build, ...(await measureRampUp(b.script))})
  }
}
if (ramps.length) {
  console.log('\nramp-up — a 1280x720 VP8 + Opus libwebrtc publisher (max 2.5 Mbit/s), seconds from connect')
  console.log('build  to estimate >= 1 Mbit/s  to sending >= 1 Mbit/s  estimate at 1 s kb/s  sending at 5 s kb/s')
  for (const r of ramps) {
    const s = (v: number | null) => (v === null ? `> ${r.limitS}` : v.toFixed(1))
    console.log(
      [
        r.build.padEnd(5),
        s(r.estimateS).padStart(24),
        s(r.sendingS).padStart(23),
        String(r.estimateAt1sKbps).padStart(21),
        String(r.sendingAt5sKbps).padStart(20),
      ].join(' '),
    )
  }
}
if (process.env.BENCH_SFU_CHROMIUM === '1') {
  // Needs root (a network namespace) and Debian's chromium; this build's node only.
  const child = spawnSync(process.execPath, [join(dirname(fileURLToPath(import.meta.url)), 'ramp-chromium.js')], {
    encoding: 'utf8',
    timeout: 120_000,
  })
  const line = child.stdout.split('\n').find((l) => l.startsWith('{"chromium'))
  console.log(
    '\nramp-up — Chromium (fake camera 640x360), this build:',
    line ?? `no result (exit ${child.status}): ${child.stderr.slice(-400)}`,
  )
}
if (process.env.BENCH_JSON) console.log(JSON.stringify({rows, ramps}))
