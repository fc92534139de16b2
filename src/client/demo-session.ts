// `confctl demo` as one operation: a throwaway node, a room of synthetic participants in it,
// whatever the caller shows meanwhile (the dashboard, or a line per interval), then the
// participants and the node stopped — always, also when showing failed — so a demo leaves
// nothing running and nothing on disk.
import {AdminClient} from '../fleet/admin-client.js'
import {startThrowawayNode, type ThrowawayNode} from '../fleet/node-launcher-throwaway.js'
import {BadInputError} from '../errors.js'
import {joinDemoRoom, type DemoRoom} from './demo-room.js'

export const DEMO_ROOM = 'demo'
export const MAX_DEMO_PARTICIPANTS = 8

export interface DemoSession {
  node: ThrowawayNode
  room: DemoRoom
  admin: AdminClient
}

export interface DemoOptions {
  participants: number
  onProgress?: (message: string) => void
  /** The node program (tests and benchmarks may pass their own). */
  script?: string
}

export async function runDemo<T>(opts: DemoOptions, show: (demo: DemoSession) => Promise<T>): Promise<T> {
  if (!Number.isInteger(opts.participants) || opts.participants < 1 || opts.participants > MAX_DEMO_PARTICIPANTS)
    throw new BadInputError(`--participants must be from 1 to ${MAX_DEMO_PARTICIPANTS}, not ${opts.participants}.`)
  const progress = opts.onProgress ?? (() => undefined)
  progress('starting a local node ...')
  // The demo stops the node itself, after its participants: no signal handling here.
  const node = await startThrowawayNode({name: `demo-${process.pid}`, script: opts.script})
  let room: DemoRoom
  try {
    progress(`node up: public ${node.publicUrl}, admin ${node.adminUrl}; joining ${opts.participants} participants ...`)
    room = await joinDemoRoom(node, DEMO_ROOM, opts.participants)
  } catch (err) {
    await node.stop()
    throw err
  }
  try {
    const admin = new AdminClient({nodeName: node.name, adminUrl: node.adminUrl, token: node.adminToken})
    return await show({node, room, admin})
  } finally {
    progress('stopping participants and the node ...')
    await room.close()
    await node.stop()
    progress('demo stopped; nothing left running.')
  }
}
