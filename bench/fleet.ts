// npm run bench:fleet — room placement across a coordinated fleet, against a real Redis
// (CONFCTL_BENCH_REDIS, default redis://127.0.0.1:6379/9, under a key prefix of its own that
// is removed afterwards). Ten nodes are registered by the nodes' own heartbeat code, each
// beating every second and hosting the rooms placed on it (so every claim is refreshed, as
// on real nodes); no node processes are needed for placement. Then:
//   1. 10,000 rooms placed one after another through random nodes (least-participants):
//      latency p50 / p95 / p99 / max, and the spread of rooms per node;
//   2. the same with 32 placements in flight at once (throughput);
//   3. one node stops heartbeating (as after kill -9, no deregistration): the time until its
//      rooms can be placed on another node, and until all of them have been.
import {randomBytes} from 'node:crypto'
import {Redis} from 'ioredis'
import {claimRoom} from '../src/coord/claim-room.js'
import {DEFAULT_TTL_MS, HEARTBEAT_INTERVAL_MS} from '../src/coord/keys.js'
import {heartbeat} from '../src/coord/node-registration.js'
import type {RegisteredNode} from '../src/coord/registered-node.js'
import {nearestRank} from '../src/qoe/percentiles.js'

const URL = process.env.CONFCTL_BENCH_REDIS ?? 'redis://127.0.0.1:6379/9'
const NODES = 10
const ROOMS = 10_000
const IN_FLIGHT = 32
const policy = {kind: 'least-participants'} as const
const prefix = `confctl-bench:${randomBytes(4).toString('hex')}:`

interface SimNode {
  record: RegisteredNode
  rooms: Map<string, number> // room -> claimedAt
  alive: boolean
  timer?: NodeJS.Timeout
}

const redis = new Redis(URL)
const beats = new Redis(URL) // heartbeats on their own connection, as each node has its own

const nodes: SimNode[] = Array.from({length: NODES}, (_, i) => ({
  record: {
    id: `bench-node-${String(i).padStart(2, '0')}`,
    name: `bench-${i}`,
    publicUrl: `http://10.0.0.${i + 1}:8080`,
    relayUrl: `http://10.0.0.${i + 1}:8080`,
    version: 'bench',
    state: 'up',
    startedAt: Date.now(),
    heartbeatAt: Date.now(),
    load: {cpuPercent: 0, rooms: 0, participants: 0, packetsPerSecond: 0},
  },
  rooms: new Map(),
  alive: true,
}))
const byId = new Map(nodes.map((n) => [n.record.id, n]))

async function beat(n: SimNode): Promise<void> {
  if (!n.alive) return
  const rooms = n.rooms.size
  const record = {...n.record, heartbeatAt: Date.now(), load: {...n.record.load, rooms, participants: rooms}}
  const hosted = [...n.rooms].map(([room, claimedAt]) => ({room, claimedAt}))
  await heartbeat(beats, prefix, record, hosted, DEFAULT_TTL_MS)
}

/** Each node beats every second, as the node program does. */
function startBeating(): void {
  for (const n of nodes) {
    n.timer = setInterval(
      () => void beat(n).catch((e: Error) => console.error(`heartbeat: ${e.message}`)),
      HEARTBEAT_INTERVAL_MS,
    )
  }
}

async function place(room: string, via: SimNode): Promise<{ms: number; owner: string}> {
  const t0 = performance.now()
  const p = await claimRoom(redis, prefix, {room, selfId: via.record.id, policy, ttlMs: DEFAULT_TTL_MS})
  const ms = performance.now() - t0
  if (p.kind === 'none') throw new Error(`no node for ${room}`)
  // The owner now hosts it (a relayed WHIP would arrive there): its heartbeats refresh the claim.
  byId.get(p.node.id)!.rooms.set(room, p.claim.claimedAt)
  return {ms, owner: p.node.id}
}

const randomNode = (alive = true) => {
  const pool = nodes.filter((n) => n.alive || !alive)
  return pool[Math.floor(Math.random() * pool.length)]!
}
const f = (ms: number) => `${ms.toFixed(2)} ms`
const stats = (times: number[]) => {
  const s = [...times].sort((a, b) => a - b)
  return `p50 ${f(nearestRank(s, 50))}, p95 ${f(nearestRank(s, 95))}, p99 ${f(nearestRank(s, 99))}, max ${f(s[s.length - 1]!)}`
}

async function dropPrefix(): Promise<void> {
  let cursor = '0'
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000)
    if (found.length) await redis.del(...found)
    cursor = next
  } while (cursor !== '0')
}

async function main(): Promise<void> {
  for (const n of nodes) await beat(n)
  startBeating()

  // 1. Sequential placement.
  const seq: number[] = []
  for (let i = 0; i < ROOMS; i++) seq.push((await place(`seq-${i}`, randomNode())).ms)
  const perNode = nodes.map((n) => n.rooms.size)
  console.log(`placement, one at a time, ${ROOMS} rooms over ${NODES} nodes: ${stats(seq)}`)
  console.log(
    `rooms per node: min ${Math.min(...perNode)}, max ${Math.max(...perNode)} (ideal ${ROOMS / NODES}): ${perNode.join(' ')}`,
  )

  // 2. Concurrent placement.
  const conc: number[] = []
  let next = 0
  const t0 = performance.now()
  await Promise.all(
    Array.from({length: IN_FLIGHT}, async () => {
      while (next < ROOMS) {
        const i = next++
        conc.push((await place(`conc-${i}`, randomNode())).ms)
      }
    }),
  )
  const seconds = (performance.now() - t0) / 1000
  console.log(
    `placement, ${IN_FLIGHT} in flight, ${ROOMS} more rooms: ${stats(conc)}; ${Math.round(ROOMS / seconds)} placements/s`,
  )
  const perNode2 = nodes.map((n) => n.rooms.size)
  console.log(`rooms per node after both runs: min ${Math.min(...perNode2)}, max ${Math.max(...perNode2)}`)

  // 3. A node dies: no more heartbeats, no deregistration.
  const victim = nodes[0]!
  const orphans = [...victim.rooms.keys()]
  await beat(victim) // its last beat: the worst case, a full TTL left
  victim.alive = false
  clearInterval(victim.timer)
  const diedAt = performance.now()
  let firstMs = 0
  for (;;) {
    const p = await claimRoom(redis, prefix, {
      room: orphans[0]!,
      selfId: randomNode().record.id,
      policy,
      ttlMs: DEFAULT_TTL_MS,
    })
    if (p.kind !== 'none' && p.node.id !== victim.record.id) {
      firstMs = performance.now() - diedAt
      byId.get(p.node.id)!.rooms.set(orphans[0]!, p.claim.claimedAt)
      break
    }
    await new Promise((r) => setTimeout(r, 20))
  }
  for (const room of orphans.slice(1)) {
    const p = await place(room, randomNode())
    if (p.owner === victim.record.id) throw new Error(`room ${room} placed on the dead node`)
  }
  const allMs = performance.now() - diedAt
  console.log(
    `node death (last heartbeat just before, TTL ${DEFAULT_TTL_MS} ms): its rooms placeable elsewhere after ${(firstMs / 1000).toFixed(2)} s; all ${orphans.length} re-placed after ${(allMs / 1000).toFixed(2)} s`,
  )
}

try {
  await main()
} finally {
  for (const n of nodes) clearInterval(n.timer)
  await dropPrefix()
  redis.disconnect()
  beats.disconnect()
}
