import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {locateRoom} from '../../fleet/room-locator.js'

export default class RoomKick extends BaseCommand {
  static override summary = 'Disconnect one participant from a room.'
  static override description = `PARTICIPANT is a participant (session) id shown by \`confctl room show ROOM\`, or an identity: then every session of that identity in the room is disconnected. Without --node, in a fleet that coordinates through Redis (\`confctl fleet init\`), the node is the one that hosts the room there. Exit 2 if the room or participant does not exist, 3 if the node cannot be reached.

--json prints: {"node": string, "room": string, "participant": string, "kicked": string[] (the session ids disconnected)}.`

  static override examples = [
    '<%= config.bin %> room kick standup 6f1c2a',
    '<%= config.bin %> room kick standup 6f1c2a --node edge1 --json',
  ]

  static override args = {
    room: Args.string({description: 'Room name.', required: true}),
    participant: Args.string({description: 'Participant id (from `room show`) or identity.', required: true}),
  }

  static override flags = {
    node: Flags.string({
      description:
        "Node the room lives on (default: the room's node as the fleet's Redis knows it, see `fleet init`; else the default or only node of fleet.yaml).",
    }),
  }

  async run() {
    const {args, flags} = await this.parse(RoomKick)
    const {entry, client} = await locateRoom(args.room, flags.node)
    const r = await client.kick(args.room, args.participant)
    this.log(
      `kicked ${r.kicked.length} session(s) of '${args.participant}' from room '${args.room}' on node '${entry.name}': ${r.kicked.join(', ') || '-'}.`,
    )
    return {node: entry.name, room: args.room, participant: args.participant, kicked: r.kicked}
  }
}
