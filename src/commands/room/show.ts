import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {locateRoom} from '../../fleet/room-locator.js'
import {renderRoomText} from '../../cli/room-text.js'

export default class RoomShow extends BaseCommand {
  static override summary = "Show a room's participants and per-stream statistics."
  static override description = `Without --node, in a fleet that coordinates through Redis (\`confctl fleet init\`), the node is the one that hosts the room there. Exit 2 if the room does not exist on the node, 3 if the node cannot be reached (or hosts the room but is not in this fleet.yaml).

--json prints: {"node": string, "room": RoomDetail}, RoomDetail being the node's GET /v1/rooms/{room} answer: the room summary fields (name, createdAt, participants, publishers, subscribers, bitrateInBps, bitrateOutBps) plus "participantsList": [{id, identity, name, role: "publisher"|"subscriber", joinedAt, remoteIp, userAgent, state, publisherId?, streams: [{id, kind, codec, direction: "uplink"|"downlink", ssrc, packets, bytes, bitrateBps, packetsLost, fractionLost, jitterMs, rttMs, nackCount, pliCount, mos, sourcePublisherId?}]}].`

  static override examples = [
    '<%= config.bin %> room show standup',
    '<%= config.bin %> room show standup --node edge1 --json',
  ]

  static override args = {
    room: Args.string({description: 'Room name.', required: true}),
  }

  static override flags = {
    node: Flags.string({
      description:
        "Node the room lives on (default: the room's node as the fleet's Redis knows it, see `fleet init`; else the default or only node of fleet.yaml).",
    }),
  }

  async run() {
    const {args, flags} = await this.parse(RoomShow)
    const {entry, client} = await locateRoom(args.room, flags.node)
    const room = await client.room(args.room)
    this.log(renderRoomText(room, entry.name))
    return {node: entry.name, room}
  }
}
