import {Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base-command.js'
import {renderRoomText} from '../cli/room-text.js'
import {BadInputError} from '../errors.js'
import {AdminClient} from '../fleet/admin-client.js'
import {joinDemoRoom} from '../client/demo-room.js'
import {startThrowawayNode} from '../client/local-node.js'

export default class Demo extends BaseCommand {
  static override summary = 'Start a local node, put synthetic participants in a room and show the room live.'
  static override description = `Runs on embedded defaults and touches nothing else: the node lives in a temporary directory that is deleted afterwards, and it is not added to fleet.yaml. Each participant publishes a moving test pattern (VP8) and a tone (Opus) and watches every other participant. Ctrl-C (or the end of --duration) stops the participants and the node.

--json (requires --duration) prints the room at the end: {"node": string, "room": RoomDetail}.`

  static override examples = ['<%= config.bin %> demo', '<%= config.bin %> demo --participants 4 --duration 30 --json']

  static override flags = {
    participants: Flags.integer({description: 'How many synthetic participants join (1-8).', default: 3}),
    duration: Flags.integer({description: 'Stop after this many seconds (0: run until Ctrl-C).', default: 0}),
    interval: Flags.integer({description: 'Refresh the view every this many milliseconds.', default: 1000}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Demo)
    if (flags.participants < 1 || flags.participants > 8) throw new BadInputError(`--participants must be from 1 to 8, not ${flags.participants}.`)
    if (flags.duration < 0) throw new BadInputError(`--duration must be 0 or more seconds, not ${flags.duration}.`)
    if (flags.interval < 100) throw new BadInputError(`--interval must be at least 100 ms, not ${flags.interval}.`)
    if (flags.json && flags.duration === 0) throw new BadInputError('--json needs --duration, so that the demo ends and prints one document.')

    const tty = Boolean(process.stdout.isTTY) && !flags.json
    const say = (text: string) => {
      if (!flags.json) process.stderr.write(`${text}\n`)
    }
    say('starting a local node ...')
    const node = await startThrowawayNode({handleSignals: false})
    let room
    try {
      say(`node up: public ${node.publicUrl}, admin ${node.adminUrl}; joining ${flags.participants} participants ...`)
      room = await joinDemoRoom(node, 'demo', flags.participants)
    } catch (err) {
      await node.stop()
      throw err
    }
    const admin = new AdminClient({nodeName: node.name, adminUrl: node.adminUrl, token: node.adminToken})
    let stopped = false
    const finished = new Promise<void>((resolve) => {
      const stop = () => {
        stopped = true
        resolve()
      }
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
      if (flags.duration > 0) setTimeout(stop, flags.duration * 1000).unref()
    })
    try {
      while (!stopped) {
        const detail = await admin.room(room.room)
        if (tty) process.stdout.write(`\x1b[H\x1b[2J${renderRoomText(detail, node.name)}\n\n(Ctrl-C stops the demo and the node)\n`)
        else if (!flags.json) process.stdout.write(`${new Date().toISOString()} ${detail.participants} participants, in ${detail.bitrateInBps} b/s, out ${detail.bitrateOutBps} b/s\n`)
        await Promise.race([finished, new Promise((r) => setTimeout(r, flags.interval))])
      }
      if (flags.json) this.printJson({node: node.name, room: await admin.room(room.room)})
    } finally {
      say('stopping participants and the node ...')
      await room.close()
      await node.stop()
      say('demo stopped; nothing left running.')
    }
  }
}
