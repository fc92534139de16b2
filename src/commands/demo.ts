import {Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base-command.js'
import {renderRoomText} from '../cli/room-text.js'
import {BadInputError, PassedOnExit} from '../errors.js'
import {AdminClient} from '../fleet/admin-client.js'
import {clientActions} from '../fleet/snapshot-actions.js'
import {POLL_INTERVAL_BOUNDS, SnapshotPoller} from '../fleet/snapshot-poller.js'
import {durationFlag} from '../cli/flags.js'
import {clientTarget} from '../fleet/snapshot-targets.js'
import {joinDemoRoom} from '../client/demo-room.js'
import {startThrowawayNode, type ThrowawayNode as LocalNode} from '../fleet/node-launcher-throwaway.js'

export default class Demo extends BaseCommand {
  static override summary =
    'Start a local node, put synthetic participants in a room and show it live in the confctl top dashboard.'
  static override description = `Runs on embedded defaults and touches nothing else: the node lives in a temporary directory that is deleted afterwards, and it is not added to fleet.yaml. Each participant publishes a moving test pattern (VP8) and a tone (Opus) and watches every other participant.

On a terminal (stdin and stdout) it then runs the \`confctl top\` dashboard on the demo node alone, opened on the demo room: its participants x streams with a bitrate sparkline (see docs/top.md; Esc: the node's rooms, Tab: the node, K/C kick and close on the demo node). q or Ctrl-C quits the dashboard (or the end of --duration does), then the participants and the node are stopped; the terminal is restored first. Exit 0; 128 + the signal's number when a SIGTERM, SIGINT or SIGHUP ended it (after the same cleanup).

Without a terminal it prints one line per --interval (participants, bitrates) until Ctrl-C or the end of --duration. --json (requires --duration) prints the room at the end: {"node": string, "room": RoomDetail}.`

  static override examples = ['<%= config.bin %> demo', '<%= config.bin %> demo --participants 4 --duration 30s --json']

  static override flags = {
    participants: Flags.integer({description: 'How many synthetic participants join (1-8).', default: 3}),
    duration: durationFlag({
      description: 'Stop after this long, e.g. 30s or 5m (a bare number means seconds; 0: run until q / Ctrl-C).',
      default: '0',
      unit: 's',
      bounds: {minMs: 0},
    }),
    interval: durationFlag({
      description:
        'Refresh the view this often, e.g. 500ms or 2s, 100ms to 1h, as for `top --interval` (a bare number means seconds; it used to mean milliseconds).',
      default: '1s',
      bounds: POLL_INTERVAL_BOUNDS,
    }),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Demo)
    if (flags.participants < 1 || flags.participants > 8)
      throw new BadInputError(`--participants must be from 1 to 8, not ${flags.participants}.`)
    if (flags.json && flags.duration === 0)
      throw new BadInputError('--json needs --duration, so that the demo ends and prints one document.')

    const dashboard = !flags.json && Boolean(process.stdout.isTTY) && Boolean(process.stdin.isTTY)
    const tty = Boolean(process.stdout.isTTY) && !flags.json
    const say = (text: string) => {
      if (!flags.json) process.stderr.write(`${text}\n`)
    }
    say('starting a local node ...')
    const node = await startThrowawayNode({name: `demo-${process.pid}`})
    let room
    try {
      say(`node up: public ${node.publicUrl}, admin ${node.adminUrl}; joining ${flags.participants} participants ...`)
      room = await joinDemoRoom(node, 'demo', flags.participants)
    } catch (err) {
      await node.stop()
      throw err
    }
    let code = 0
    try {
      if (dashboard) code = await runDashboard(node, room.room, flags.interval, flags.duration)
      else await this.refresh(node, room.room, flags, tty)
    } finally {
      say('stopping participants and the node ...')
      await room.close()
      await node.stop()
      say('demo stopped; nothing left running.')
    }
    if (code !== 0) throw new PassedOnExit(`the demo was ended by a signal (${code}).`, code)
  }

  /** Without a terminal for the dashboard: a line (or, on a terminal without stdin, the room
   *  as text) per interval, until Ctrl-C / SIGTERM or the end of --duration. */
  private async refresh(
    node: LocalNode,
    roomName: string,
    flags: {json: boolean; duration: number; interval: number},
    tty: boolean,
  ): Promise<void> {
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
    while (!stopped) {
      const detail = await admin.room(roomName)
      if (tty)
        process.stdout.write(
          `\x1b[H\x1b[2J${renderRoomText(detail, node.name)}\n\n(Ctrl-C stops the demo and the node)\n`,
        )
      else if (!flags.json)
        process.stdout.write(
          `${new Date().toISOString()} ${detail.participants} participants, in ${detail.bitrateInBps} b/s, out ${detail.bitrateOutBps} b/s\n`,
        )
      await Promise.race([finished, new Promise((r) => setTimeout(r, flags.interval))])
    }
    if (flags.json) this.printJson({node: node.name, room: await admin.room(roomName)})
  }
}

/** The `confctl top` dashboard on the throwaway node alone (it is not in fleet.yaml: polled
 *  through its own admin URL and token), opened on the demo room. Resolves with the exit code
 *  once the dashboard has ended and the terminal is restored; a signal ends it too (no exit:
 *  the caller still has participants and a node to stop). */
async function runDashboard(node: LocalNode, room: string, intervalMs: number, durationS: number): Promise<number> {
  // React's production build, as `confctl top` does (set before React is first loaded).
  process.env.NODE_ENV ??= 'production'
  const {runTop} = await import('../tui/run.js')
  const client = (timeoutMs?: number) =>
    new AdminClient({nodeName: node.name, adminUrl: node.adminUrl, token: node.adminToken, timeoutMs})
  const poller = new SnapshotPoller({
    targets: () => [clientTarget(node.name, client)],
    intervalMs,
    timeoutMs: Math.min(5000, Math.max(1000, intervalMs)),
  })
  poller.focus({node: node.name, room})
  poller.start()
  const end = new AbortController()
  const timer = durationS > 0 ? setTimeout(() => end.abort(), durationS * 1000) : undefined
  try {
    return await runTop({
      source: poller,
      actions: clientActions(() => client()),
      initialView: [
        {kind: 'rooms', node: node.name},
        {kind: 'room', node: node.name, room},
      ],
      exitOnSignal: false,
      signal: end.signal,
    })
  } finally {
    clearTimeout(timer)
    await poller.stop()
  }
}
