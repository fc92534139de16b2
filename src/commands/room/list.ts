import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {connectNode} from '../../fleet/resolve-node.js'
import {formatTime} from '../../cli/human-units.js'
import {fmtBitrate} from '../../tui/text.js'
import {renderTable} from '../../cli/text-table.js'

export default class RoomList extends BaseCommand {
  static override summary = 'List the rooms open on a node.'
  static override description = `--json prints: {"node": string, "rooms": [{"name": string, "createdAt": string, "participants": number, "publishers": number, "subscribers": number, "bitrateInBps": number, "bitrateOutBps": number, "worstJitterMs": number|null, "worstLossPercent": number|null, "worstRttMs": number|null, "worstMos": number|null, "packets": number}]} (the node's GET /v1/rooms answer; see docs/node-api.md). Exit 3 if the node cannot be reached.`

  static override examples = ['<%= config.bin %> room list', '<%= config.bin %> room list --node edge1 --json']

  static override flags = {
    node: Flags.string({description: 'Node to ask (optional when fleet.yaml has exactly one node).'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(RoomList)
    const {entry, client} = await connectNode(flags.node)
    const rooms = await client.rooms()
    if (flags.json) {
      this.printJson({node: entry.name, rooms})
      return
    }
    if (rooms.length === 0) {
      this.log(`no rooms on node '${entry.name}'.`)
      return
    }
    this.log(
      renderTable(
        ['room', 'created', 'participants', 'publishers', 'subscribers', 'in', 'out'],
        rooms.map((r) => [
          r.name,
          formatTime(r.createdAt),
          r.participants,
          r.publishers,
          r.subscribers,
          fmtBitrate(r.bitrateInBps),
          fmtBitrate(r.bitrateOutBps),
        ]),
      ),
    )
  }
}
