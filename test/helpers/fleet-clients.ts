// libwebrtc publishers and subscribers for fleet tests, sent to a chosen node (which may
// relay them to the room's owner), and the admin-side views the tests check.
import {SyntheticPublisher} from '../../src/client/publisher.js'
import {SyntheticSubscription} from '../../src/client/subscriber.js'
import {waitForConnection} from '../../src/client/peer-state.js'
import type {RoomSummary} from '../../src/api/node-api.js'
import {tokenFor, type TestNode} from './sfu-process.js'
import {framesKeepComing, sessionAddress} from './live-room.js'

const CONNECT_TIMEOUT_MS = 15_000

export async function publishVia(node: TestNode, room: string, identity: string): Promise<SyntheticPublisher> {
  const pub = await SyntheticPublisher.publish({
    whipUrl: `${node.state.publicUrl}/whip/${room}`,
    token: await tokenFor(node, room, identity),
  })
  if (!(await waitForConnection(pub.pc, CONNECT_TIMEOUT_MS))) {
    await pub.close()
    throw new Error(`publisher ${identity} via ${node.state.name} not connected (${pub.pc.connectionState})`)
  }
  return pub
}

export async function subscribeVia(
  node: TestNode,
  room: string,
  publisherId: string,
  identity: string,
): Promise<SyntheticSubscription> {
  const sub = await SyntheticSubscription.subscribe({
    whepUrl: `${node.state.publicUrl}/whep/${room}/${publisherId}`,
    token: await tokenFor(node, room, identity),
  })
  if (!(await waitForConnection(sub.pc, CONNECT_TIMEOUT_MS))) {
    await sub.close()
    throw new Error(`subscriber ${identity} via ${node.state.name} not connected (${sub.pc.connectionState})`)
  }
  return sub
}

/** Video frames keep arriving at the subscriber (at least `more` within the deadline). */
export const mediaFlows = (sub: SyntheticSubscription, more = 20, timeoutMs = 15_000) =>
  framesKeepComing(sub, 0, more, timeoutMs)

/** The node's side of the session is on `node`: its ICE candidate's port lies in the node's RTC range. */
export function servedBy(pc: RTCPeerConnection, node: TestNode): boolean {
  const port = sessionAddress(pc).port
  const [from, to] = node.state.rtcPorts
  return port >= from && port <= to
}

export async function roomsOn(node: TestNode): Promise<RoomSummary[]> {
  const res = await fetch(`${node.state.adminUrl}/v1/rooms`, {headers: {authorization: `Bearer ${node.adminToken}`}})
  return ((await res.json()) as {rooms: RoomSummary[]}).rooms
}

export async function adminGet<T>(node: TestNode, path: string): Promise<T> {
  const res = await fetch(`${node.state.adminUrl}${path}`, {headers: {authorization: `Bearer ${node.adminToken}`}})
  return (await res.json()) as T
}

export async function adminPost(node: TestNode, path: string): Promise<number> {
  const res = await fetch(`${node.state.adminUrl}${path}`, {
    method: 'POST',
    headers: {authorization: `Bearer ${node.adminToken}`},
  })
  await res.text()
  return res.status
}
