import {Flags} from '@oclif/core'
import type {RoomDetail} from '../api/node-api.js'
import {BaseCommand} from '../cli/base-command.js'
import {durationFlag} from '../cli/flags.js'
import {renderRoomText} from '../cli/room-text.js'
import {stopOnSignal} from '../cli/stop-signal.js'
import {runDemo, type DemoSession} from '../client/demo-session.js'
import {BadInputError, PassedOnExit} from '../errors.js'
import {nodeDashboard} from '../fleet/dashboard-source.js'
import {watchRoom} from '../fleet/room-watch.js'
import {POLL_INTERVAL_BOUNDS} from '../fleet/snapshot-poller.js'

/** What `demo --json` prints. */
export interface DemoResult {
  node: string
  room: RoomDetail
}

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

  async run(): Promise<DemoResult | undefined> {
    const {flags} = await this.parse(Demo)
    if (flags.json && flags.duration === 0)
      throw new BadInputError('--json needs --duration, so that the demo ends and prints one document.')
    const dashboard = !flags.json && Boolean(process.stdout.isTTY) && Boolean(process.stdin.isTTY)
    const onProgress = flags.json ? undefined : (text: string) => process.stderr.write(`${text}\n`)
    const outcome = await runDemo<number | DemoResult>({participants: flags.participants, onProgress}, (demo) =>
      dashboard ? showDashboard(demo, flags.interval, flags.duration) : this.showLines(demo, flags),
    )
    if (typeof outcome === 'number') {
      if (outcome !== 0) throw new PassedOnExit(`the demo was ended by a signal (${outcome}).`, outcome)
      return undefined
    }
    if (flags.json) this.printJson(outcome)
    return outcome
  }

  /** Without a terminal for the dashboard: a line (or, on a terminal without stdin, the room
   *  as text) per interval, until Ctrl-C / SIGTERM or the end of --duration. */
  private async showLines(
    {node, admin, room}: DemoSession,
    flags: {json: boolean; duration: number; interval: number},
  ): Promise<DemoResult> {
    const tty = Boolean(process.stdout.isTTY) && !flags.json
    const stop = stopOnSignal({durationMs: flags.duration * 1000})
    try {
      const last = await watchRoom(admin, room.room, {
        intervalMs: flags.interval,
        signal: stop.signal,
        onDetail: (detail) => {
          if (tty)
            process.stdout.write(
              `\x1b[H\x1b[2J${renderRoomText(detail, node.name)}\n\n(Ctrl-C stops the demo and the node)\n`,
            )
          else if (!flags.json)
            process.stdout.write(
              `${new Date().toISOString()} ${detail.participants} participants, in ${detail.bitrateInBps} b/s, out ${detail.bitrateOutBps} b/s\n`,
            )
        },
      })
      return {node: node.name, room: last}
    } finally {
      stop.dispose()
    }
  }
}

/** The `confctl top` dashboard on the demo node alone, opened on the demo room. Resolves with
 *  the exit code once the dashboard has ended and the terminal is restored; a signal ends it
 *  too (no exit: the participants and the node are still to be stopped). */
async function showDashboard({node, room}: DemoSession, intervalMs: number, durationS: number): Promise<number> {
  // React's production build, as `confctl top` does (set before React is first loaded).
  process.env.NODE_ENV ??= 'production'
  const {runTop} = await import('../tui/run.js')
  const {poller, actions} = nodeDashboard(node, {intervalMs, room: room.room})
  poller.start()
  const end = new AbortController()
  const timer = durationS > 0 ? setTimeout(() => end.abort(), durationS * 1000) : undefined
  try {
    return await runTop({
      source: poller,
      actions,
      initialView: [
        {kind: 'rooms', node: node.name},
        {kind: 'room', node: node.name, room: room.room},
      ],
      exitOnSignal: false,
      signal: end.signal,
    })
  } finally {
    clearTimeout(timer)
    await poller.stop()
  }
}
