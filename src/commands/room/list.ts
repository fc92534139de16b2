import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {connectNode} from '../../fleet/resolve-node.js'
import {formatTime} from '../../cli/human-units.js'
import {fmtBitrate} from '../../tui/text.js'
import {renderTable} from '../../cli/text-table.js'
import {readInventory} from '../../fleet/inventory.js'
import {withFleetRegistry} from '../../fleet/fleet-registry.js'
import {listFleetRooms, type FleetRoom} from '../../fleet/fleet-rooms.js'
import type {RoomSummary} from '../../api/node-api.js'

export default class RoomList extends BaseCommand {
  static override summary = 'List the rooms open on a node, or on every node of the fleet.'
  static override description = `With --node, or without coordination in fleet.yaml: the rooms of that node (the default or only node when --node is left out). --json prints: {"node": string, "rooms": [{"name": string, "createdAt": string, "participants": number, "publishers": number, "subscribers": number, "bitrateInBps": number, "bitrateOutBps": number, "worstJitterMs": number|null, "worstLossPercent": number|null, "worstRttMs": number|null, "worstMos": number|null, "packets": number}]} (the node's GET /v1/rooms answer; see docs/node-api.md).

Without --node in a fleet that coordinates through Redis (\`confctl fleet init\`): the rooms of every node registered there and of every node of fleet.yaml. --json prints: {"node": null, "rooms": [the same fields + "node": string], "unreached": [{"node": string, "rooms": string[] (room names the fleet's Redis lists), "problem": string}]}; nodes that are registered but not in this fleet.yaml, or that do not answer, are listed under "unreached" (and on stderr).

Exit 3 if the node (with --node) or the fleet's Redis cannot be reached.`

  static override examples = ['<%= config.bin %> room list', '<%= config.bin %> room list --node edge1 --json']

  static override flags = {
    node: Flags.string({
      description: 'Node to ask (default: every node of the fleet with coordination, else the default or only node).',
    }),
  }

  async run(): Promise<{node: string | null; rooms: (RoomSummary | FleetRoom)[]}> {
    const {flags} = await this.parse(RoomList)
    const inv = await readInventory()
    if (flags.node === undefined && inv.coordination) {
      const fleet = await withFleetRegistry(inv.coordination, (r) => listFleetRooms(r, inv))
      this.log(fleet.rooms.length ? this.table(fleet.rooms, true) : 'no rooms on the nodes this machine can reach.')
      for (const u of fleet.unreached)
        this.logToStderr(`${u.node}: ${u.problem}${u.rooms.length ? ` (rooms: ${u.rooms.join(', ')})` : ''}.`)
      return {node: null, ...fleet}
    }
    const {entry, client} = await connectNode(flags.node)
    const rooms = await client.rooms()
    this.log(rooms.length ? this.table(rooms, false) : `no rooms on node '${entry.name}'.`)
    return {node: entry.name, rooms}
  }

  private table(rooms: (RoomSummary | FleetRoom)[], withNode: boolean): string {
    const headers = ['room', 'created', 'participants', 'publishers', 'subscribers', 'in', 'out']
    return renderTable(
      withNode ? ['node', ...headers] : headers,
      rooms.map((r) => [
        ...(withNode ? [(r as FleetRoom).node] : []),
        r.name,
        formatTime(r.createdAt),
        r.participants,
        r.publishers,
        r.subscribers,
        fmtBitrate(r.bitrateInBps),
        fmtBitrate(r.bitrateOutBps),
      ]),
    )
  }
}
