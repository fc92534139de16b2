// `confctl demo --nodes N`: a throwaway fleet on this machine. N local nodes (temporary
// directories, deleted afterwards) coordinate through Redis under a key prefix of their own, so
// nothing of a real fleet is touched, and share a fleet signing key generated for the run;
// one room is joined through each node. The fleet places each new room on its least-loaded node,
// so the rooms spread over the nodes (where each landed is read back from the nodes).
import {randomBytes} from 'node:crypto'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {RoomDetail} from '../api/node-api.js'
import {BadInputError} from '../errors.js'
import {AdminClient} from '../fleet/admin-client.js'
import {withFleetRegistry} from '../fleet/fleet-registry.js'
import {installFleetKey, newFleetKey} from '../fleet/fleet-key.js'
import {startThrowawayNode, type ThrowawayNode} from '../fleet/node-launcher-throwaway.js'
import {joinDemoRoom, type DemoRoom} from './demo-room.js'

type LocalNode = ThrowawayNode

export const MAX_DEMO_NODES = 5

export interface DemoFleet {
  nodes: LocalNode[]
  rooms: DemoRoom[]
  prefix: string
  /** Each demo room's node and detail, as the nodes report them now. */
  roomsNow(): Promise<{node: string; room: RoomDetail}[]>
  admin(node: LocalNode, timeoutMs?: number): AdminClient
  stop(): Promise<void>
}

export interface DemoFleetOptions {
  nodes: number
  participants: number
  redis: string
  onProgress?: (text: string) => void
}

/** Starts the demo fleet, runs `show` with it, and stops participants and nodes whatever
 *  happened (as runDemo does for one node). */
export async function runDemoFleet<T>(opts: DemoFleetOptions, show: (fleet: DemoFleet) => Promise<T>): Promise<T> {
  if (!Number.isInteger(opts.nodes) || opts.nodes < 2 || opts.nodes > MAX_DEMO_NODES)
    throw new BadInputError(`--nodes must be from 2 to ${MAX_DEMO_NODES} for a demo fleet, not ${opts.nodes}.`)
  const progress = opts.onProgress ?? (() => undefined)
  const fleet = await startDemoFleet(opts.nodes, opts.participants, opts.redis, progress)
  try {
    progress(
      `fleet up (Redis ${opts.redis}, prefix ${fleet.prefix}): ${fleet.nodes.map((n) => `${n.name} ${n.publicUrl}`).join(', ')}`,
    )
    return await show(fleet)
  } finally {
    progress('stopping participants and nodes ...')
    await fleet.stop()
    progress('demo stopped; nothing left running.')
  }
}

async function startDemoFleet(
  count: number,
  participants: number,
  redis: string,
  say: (text: string) => void,
): Promise<DemoFleet> {
  const opts = {nodes: count, participants, redis, say}
  const prefix = `confctl-demo:${process.pid}:${randomBytes(3).toString('hex')}:`
  // Redis that does not answer is exit 3 now, before any node starts.
  await withFleetRegistry({redis: opts.redis, redisPrefix: prefix}, async () => undefined)
  const key = newFleetKey()
  const nodes: LocalNode[] = []
  // Directories of our own: the fleet key must be there before a node's first start (a node
  // given a directory keeps it at stop, so they are removed here).
  const dirs: string[] = []
  const rooms: DemoRoom[] = []
  const admin = (node: LocalNode, timeoutMs?: number) =>
    new AdminClient({nodeName: node.name, adminUrl: node.adminUrl, token: node.adminToken, timeoutMs})
  const stop = async () => {
    await Promise.allSettled(rooms.map((r) => r.close()))
    await Promise.allSettled(nodes.map((n) => n.stop()))
    await Promise.allSettled(dirs.map((d) => rm(d, {recursive: true, force: true, maxRetries: 3})))
  }
  try {
    for (let i = 1; i <= opts.nodes; i++) {
      opts.say(`starting node ${i} of ${opts.nodes} ...`)
      const dir = await mkdtemp(join(tmpdir(), 'confctl-demo-'))
      dirs.push(dir)
      await installFleetKey(dir, key)
      nodes.push(
        await startThrowawayNode({
          name: `demo${i}-${process.pid}`,
          dir,
          handleSignals: false,
          nodeArgs: ['--redis', opts.redis, '--redis-prefix', prefix],
        }),
      )
    }
    for (const [i, node] of nodes.entries()) {
      opts.say(`joining ${opts.participants} participant(s) to room demo-${i + 1} through ${node.name} ...`)
      rooms.push(await joinDemoRoom(node, `demo-${i + 1}`, opts.participants))
    }
  } catch (err) {
    await stop()
    throw err
  }
  const names = new Set(rooms.map((r) => r.room))
  return {
    nodes,
    rooms,
    prefix,
    admin,
    stop,
    async roomsNow() {
      const found = await Promise.all(
        nodes.map(async (node) => {
          const client = admin(node)
          const here = (await client.rooms()).filter((r) => names.has(r.name))
          return Promise.all(here.map(async (r) => ({node: node.name, room: await client.room(r.name)})))
        }),
      )
      return found.flat().sort((a, b) => a.room.name.localeCompare(b.room.name))
    },
  }
}
