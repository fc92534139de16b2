import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {connectNode} from '../../fleet/resolve-node.js'
import {renderRoomText} from '../../cli/room-text.js'

export default class RoomShow extends BaseCommand {
  static override summary = "Show a room's participants and per-stream statistics."
  static override description = `Exit 2 if the room does not exist on the node, 3 if the node cannot be reached.

--json prints: {"node": string, "room": RoomDetail}, RoomDetail being the node's GET /v1/rooms/{room} answer: the room summary fields (name, createdAt, participants, publishers, subscribers, bitrateInBps, bitrateOutBps) plus "participantsList": [{id, identity, name, role: "publisher"|"subscriber", joinedAt, remoteIp, userAgent, state, publisherId?, streams: [{id, kind, codec, direction: "uplink"|"downlink", ssrc, packets, bytes, bitrateBps, packetsLost, fractionLost, jitterMs, rttMs, nackCount, pliCount, mos, sourcePublisherId?}]}].`

  static override examples = [
    '<%= config.bin %> room show standup',
    '<%= config.bin %> room show standup --node edge1 --json',
  ]

  static override args = {
    room: Args.string({description: 'Room name.', required: true}),
  }

  static override flags = {
    node: Flags.string({description: 'Node the room lives on (optional when fleet.yaml has exactly one node).'}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(RoomShow)
    const {entry, client} = await connectNode(flags.node)
    const room = await client.room(args.room)
    if (flags.json) {
      this.printJson({node: entry.name, room})
      return
    }
    this.log(renderRoomText(room, entry.name))
  }
}
