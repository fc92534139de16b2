import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {locateRoom} from '../../fleet/room-locator.js'

export default class RoomClose extends BaseCommand {
  static override summary = 'Close a room: disconnect everyone in it.'
  static override description = `Without --node, in a fleet that coordinates through Redis (\`confctl fleet init\`), the node is the one that hosts the room there. Exit 2 if the room does not exist on the node, 3 if the node cannot be reached (or hosts the room but is not in this fleet.yaml).

--json prints: {"node": string, "room": string, "closed": boolean, "participants": number (how many were disconnected)}.`

  static override examples = [
    '<%= config.bin %> room close standup',
    '<%= config.bin %> room close standup --node edge1 --json',
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
    const {args, flags} = await this.parse(RoomClose)
    const {entry, client} = await locateRoom(args.room, flags.node)
    const r = await client.closeRoom(args.room)
    this.log(
      `room '${args.room}' on node '${entry.name}' ${r.closed ? 'closed' : 'was not closed'}; ${r.participants} participants disconnected.`,
    )
    return {node: entry.name, room: args.room, closed: r.closed, participants: r.participants}
  }
}
