// Where the snapshot poller gets its answers for the nodes of fleet.yaml: one PollTarget per
// node, asking its admin API (GET /v1/node, /v1/rooms, then /v1/rooms/{room} per room, a few
// at a time). Kept apart from the poller so that it can poll anything (tests, the benchmark).
import {BadInputError} from '../errors.js'
import type {RoomDetail} from '../sfu/api-types.js'
import {adminClientFor} from './endpoint.js'
import {readInventory, type NodeEntry} from './inventory.js'
import {inventoryPath} from './paths.js'
import type {NodeAnswer} from './snapshot.js'
import type {PollTarget} from './snapshot-poller.js'

/** Room details fetched at once from one node. */
const ROOM_FETCH_CONCURRENCY = 8

/** The poll target of an inventory node: GET /v1/node and /v1/rooms, then /v1/rooms/{room}
 *  for each room (a few at a time). A room closed between the two calls is left out. */
export function adminTarget(entry: NodeEntry): PollTarget {
  return {
    name: entry.name,
    async fetch(timeoutMs: number): Promise<NodeAnswer> {
      const client = await adminClientFor(entry, {timeoutMs})
      const [info, summaries] = await Promise.all([client.node(), client.rooms()])
      const details = await mapLimit(summaries, ROOM_FETCH_CONCURRENCY, async (s) => {
        try {
          return await client.room(s.name)
        } catch (err) {
          if (err instanceof BadInputError) return null // the room closed meanwhile
          throw err
        }
      })
      return {info, rooms: details.filter((d): d is RoomDetail => d !== null)}
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
