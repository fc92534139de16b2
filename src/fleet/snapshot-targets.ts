// Where the snapshot poller gets its answers for the nodes of fleet.yaml: one PollTarget per
// node, asking its admin API (GET /v1/node and /v1/rooms, and /v1/rooms/{room} for the rooms
// the poller wants in detail). Kept apart from the poller so that it can poll anything
// (tests, the benchmark, the demo's throwaway node).
import {BadInputError} from '../errors.js'
import type {RoomDetail} from '../api/node-api.js'
import type {AdminClient} from './admin-client.js'
import {adminClientFor} from './endpoint.js'
import {readInventory, type NodeEntry} from './inventory.js'
import {inventoryPath} from './paths.js'
import type {NodeAnswer} from './snapshot.js'
import type {DetailRequest, PollTarget} from './snapshot-poller.js'

/** Room details fetched at once from one node. */
const ROOM_FETCH_CONCURRENCY = 8

/** The poll target of an inventory node (see clientTarget). */
export function adminTarget(entry: NodeEntry): PollTarget {
  return clientTarget(entry.name, (timeoutMs) => adminClientFor(entry, {timeoutMs}))
}

/** A poll target asking a node's admin API through the client `connect` gives (with the
 *  tick's deadline): GET /v1/node and /v1/rooms, and GET /v1/rooms/{room} for the rooms asked
 *  for in detail — the named ones at the same time as the rest, or, for 'all', each room of
 *  the list, a few at a time. A room that closed meanwhile is left out of the details. */
export function clientTarget(
  name: string,
  connect: (timeoutMs: number) => AdminClient | Promise<AdminClient>,
): PollTarget {
  return {
    name,
    async fetch(timeoutMs: number, details: DetailRequest): Promise<NodeAnswer> {
      const client = await connect(timeoutMs)
      const detail = async (room: string): Promise<RoomDetail | null> => {
        try {
          return await client.room(room)
        } catch (err) {
          if (err instanceof BadInputError) return null // the room closed meanwhile
          throw err
        }
      }
      if (details === 'all') {
        const [info, rooms] = await Promise.all([client.node(), client.rooms()])
        const all = await mapLimit(rooms, ROOM_FETCH_CONCURRENCY, (s) => detail(s.name))
        return {info, rooms, details: all.filter((d): d is RoomDetail => d !== null)}
      }
      const [info, rooms, some] = await Promise.all([client.node(), client.rooms(), Promise.all(details.map(detail))])
      return {info, rooms, details: some.filter((d): d is RoomDetail => d !== null)}
    },
  }
}

/** A target that is always unreachable, with a fixed reason (e.g. a node no longer listed). */
function missingTarget(name: string, problem: string): PollTarget {
  return {name, fetch: () => Promise.reject(new Error(problem))}
}

/** The targets of fleet.yaml, read at each call: all nodes, or the named ones in that order. */
export function inventoryTargets(names: string[] = [], file: string = inventoryPath()): () => Promise<PollTarget[]> {
  return async () => {
    const inv = await readInventory(file)
    if (names.length === 0) return inv.nodes.map(adminTarget)
    return names.map((name) => {
      const entry = inv.nodes.find((n) => n.name === name)
      return entry ? adminTarget(entry) : missingTarget(name, `node '${name}' is no longer in ${file}.`)
    })
  }
}

export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i])
    }
  }
  await Promise.all(Array.from({length: Math.min(limit, items.length)}, worker))
  return out
}
