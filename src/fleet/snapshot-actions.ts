// The two changes the dashboard can make, after the operator confirmed them: kick a
// participant and close a room, through the node's admin API. Each answers one sentence for
// the status line, and never throws: a failure is a sentence too.
import {BadInputError} from '../errors.js'
import type {AdminClient} from './admin-client.js'
import {adminClientFor} from './endpoint.js'
import {findNode, readInventory} from './inventory.js'
import {inventoryPath} from './paths.js'

export interface ActionResult {
  ok: boolean
  message: string
}

export interface FleetActions {
  kick(node: string, room: string, participantId: string): Promise<ActionResult>
  closeRoom(node: string, room: string): Promise<ActionResult>
}

/** The actions on the nodes of fleet.yaml (read at each action). */
export function adminActions(file: string = inventoryPath()): FleetActions {
  return clientActions(async (node: string) => {
    const entry = findNode(await readInventory(file), node)
    if (!entry) throw new BadInputError(`node '${node}' is no longer in ${file}.`)
    return adminClientFor(entry)
  })
}

/** The actions through the admin client `client` gives for a node name (e.g. the demo's
 *  throwaway node, which is not in fleet.yaml). */
export function clientActions(client: (node: string) => AdminClient | Promise<AdminClient>): FleetActions {
  return {
    async kick(node, room, participantId) {
      try {
        const r = await (await client(node)).kick(room, participantId)
        return {
          ok: true,
          message: `kicked ${r.kicked.join(', ') || participantId} from room '${room}' on node '${node}'.`,
        }
      } catch (err) {
        return {ok: false, message: messageOf(err)}
      }
    },
    async closeRoom(node, room) {
      try {
        const r = await (await client(node)).closeRoom(room)
        return {ok: true, message: `closed room '${room}' on node '${node}' (${r.participants} disconnected).`}
      } catch (err) {
        return {ok: false, message: messageOf(err)}
      }
    },
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
