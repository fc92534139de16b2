import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {connectNode} from '../../fleet/resolve-node.js'

export default class RoomClose extends BaseCommand {
  static override summary = 'Close a room: disconnect everyone in it.'
  static override description = `Exit 2 if the room does not exist on the node, 3 if the node cannot be reached.

--json prints: {"node": string, "room": string, "closed": boolean, "participants": number (how many were disconnected)}.`

  static override examples = [
    '<%= config.bin %> room close standup',
    '<%= config.bin %> room close standup --node edge1 --json',
  ]

  static override args = {
    room: Args.string({description: 'Room name.', required: true}),
  }

  static override flags = {
    node: Flags.string({description: 'Node the room lives on (optional when fleet.yaml has exactly one node).'}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(RoomClose)
    const {entry, client} = await connectNode(flags.node)
    const r = await client.closeRoom(args.room)
    if (flags.json) this.printJson({node: entry.name, room: args.room, closed: r.closed, participants: r.participants})
    else
      this.log(
        `room '${args.room}' on node '${entry.name}' ${r.closed ? 'closed' : 'was not closed'}; ${r.participants} participants disconnected.`,
      )
  }
}
