import {Flags} from '@oclif/core'
import type {RoomDetail} from '../api/node-api.js'
import {BaseCommand} from '../cli/base-command.js'
import {durationFlag} from '../cli/flags.js'
import {renderRoomText} from '../cli/room-text.js'
import {stopOnSignal} from '../cli/stop-signal.js'
import {runDemo, type DemoSession} from '../client/demo-session.js'
import {MAX_DEMO_NODES, runDemoFleet, type DemoFleet} from '../client/demo-fleet.js'
import {checkRedisUrl} from '../fleet/coordination-config.js'
import {readInventory} from '../fleet/inventory.js'
import {BadInputError, PassedOnExit} from '../errors.js'
import {nodeDashboard, nodesDashboard} from '../fleet/dashboard-source.js'
import {watchRoom} from '../fleet/room-watch.js'
import {POLL_INTERVAL_BOUNDS} from '../fleet/snapshot-poller.js'

/** What `demo --json` prints. */
export interface DemoResult {
  node: string
  room: RoomDetail
}

/** What `demo --nodes N --json` prints. */
export interface DemoFleetResult {
  nodes: string[]
  rooms: {node: string; room: RoomDetail}[]
}

export default class Demo extends BaseCommand {
  static override summary =
    'Start a local node, put synthetic participants in a room and show it live in the confctl top dashboard.'
  static override description = `Runs on embedded defaults and touches nothing else: the node lives in a temporary directory that is deleted afterwards, and it is not added to fleet.yaml. Each participant publishes a moving test pattern (VP8) and a tone (Opus) and watches every other participant.

On a terminal (stdin and stdout) it then runs the \`confctl top\` dashboard on the demo node alone, opened on the demo room: its participants x streams with a bitrate sparkline (see docs/top.md; Esc: the node's rooms, Tab: the node, K/C kick and close on the demo node). q or Ctrl-C quits the dashboard (or the end of --duration does), then the participants and the node are stopped; the terminal is restored first. Exit 0; 128 + the signal's number when a SIGTERM, SIGINT or SIGHUP ended it (after the same cleanup).

With --nodes N (2-${MAX_DEMO_NODES}): N local nodes that coordinate through Redis (--redis; default the Redis of fleet.yaml's coordination, else redis://127.0.0.1:6379) under a key prefix of their own, and one room (demo-1 ... demo-N, --participants each) joined through each node; the fleet places each room on its least-loaded node. The dashboard opens on the fleet view; without a terminal one line per room per --interval; --json prints {"nodes": string[], "rooms": [{"node": string, "room": RoomDetail}]} at the end. Exit 3 if that Redis does not answer.

Without a terminal it prints one line per --interval (participants, bitrates) until Ctrl-C or the end of --duration. --json (requires --duration) prints the room at the end: {"node": string, "room": RoomDetail}.`

  static override examples = [
    '<%= config.bin %> demo',
    '<%= config.bin %> demo --participants 4 --duration 30s --json',
    '<%= config.bin %> demo --nodes 3 --participants 2',
  ]

  static override flags = {
    participants: Flags.integer({description: 'How many synthetic participants join (1-8).', default: 3}),
    duration: durationFlag({
      description: 'Stop after this long, e.g. 30s or 5m (a bare number means seconds; 0: run until q / Ctrl-C).',
      default: '0',
      unit: 's',
      bounds: {minMs: 0},
    }),
    nodes: Flags.integer({
      description: `How many local nodes, 1-${MAX_DEMO_NODES}; more than one coordinate through Redis, a room on each.`,
      default: 1,
    }),
    redis: Flags.string({
      description:
        "Redis for --nodes above 1 (default: fleet.yaml's coordination, else redis://127.0.0.1:6379); its keys get a prefix of the demo's own.",
    }),
    interval: durationFlag({
      description:
        'Refresh the view this often, e.g. 500ms or 2s, 100ms to 1h, as for `top --interval` (a bare number means seconds; it used to mean milliseconds).',
      default: '1s',
      bounds: POLL_INTERVAL_BOUNDS,
    }),
  }

  async run(): Promise<DemoResult | DemoFleetResult | undefined> {
    const {flags} = await this.parse(Demo)
    if (flags.json && flags.duration === 0)
      throw new BadInputError('--json needs --duration, so that the demo ends and prints one document.')
    if (flags.nodes < 1 || flags.nodes > MAX_DEMO_NODES)
      throw new BadInputError(`--nodes must be from 1 to ${MAX_DEMO_NODES}, not ${flags.nodes}.`)
    if (flags.redis !== undefined && flags.nodes === 1) throw new BadInputError('--redis goes with --nodes 2 or more.')
    const dashboard = !flags.json && Boolean(process.stdout.isTTY) && Boolean(process.stdin.isTTY)
    const onProgress = flags.json ? undefined : (text: string) => process.stderr.write(`${text}\n`)
    if (flags.nodes > 1) {
      const redis = checkRedisUrl(
        flags.redis ?? (await readInventory()).coordination?.redis ?? 'redis://127.0.0.1:6379',
        '--redis',
      )
      const outcome = await runDemoFleet<number | DemoFleetResult>(
        {nodes: flags.nodes, participants: flags.participants, redis, onProgress},
        (fleet) =>
          dashboard ? showFleetDashboard(fleet, flags.interval, flags.duration) : this.showFleetLines(fleet, flags),
      )
      if (typeof outcome === 'number') {
        if (outcome !== 0) throw new PassedOnExit(`the demo was ended by a signal (${outcome}).`, outcome)
        return undefined
      }
      return outcome
    }
    const outcome = await runDemo<number | DemoResult>({participants: flags.participants, onProgress}, (demo) =>
      dashboard ? showDashboard(demo, flags.interval, flags.duration) : this.showLines(demo, flags),
    )
    if (typeof outcome === 'number') {
      if (outcome !== 0) throw new PassedOnExit(`the demo was ended by a signal (${outcome}).`, outcome)
      return undefined
    }
    return outcome
  }

  /** --nodes N without a terminal for the dashboard: a line per room per interval, until
   *  Ctrl-C / SIGTERM or the end of --duration; the rooms at the end. */
  private async showFleetLines(
    fleet: DemoFleet,
    flags: {json: boolean; duration: number; interval: number},
  ): Promise<DemoFleetResult> {
    const stop = stopOnSignal({durationMs: flags.duration * 1000})
    try {
      while (!stop.signal.aborted) {
        if (!flags.json)
          for (const {node, room} of await fleet.roomsNow())
            process.stdout.write(
              `${new Date().toISOString()} ${room.name} on ${node}: ${room.people ?? room.participants} people in ${room.participants} sessions, in ${room.bitrateInBps} b/s, out ${room.bitrateOutBps} b/s\n`,
            )
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, flags.interval)
          stop.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), {once: true})
        })
      }
      return {nodes: fleet.nodes.map((n) => n.name), rooms: await fleet.roomsNow()}
    } finally {
      stop.dispose()
    }
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
              `${new Date().toISOString()} ${detail.people ?? detail.participants} people in ${detail.participants} sessions, in ${detail.bitrateInBps} b/s, out ${detail.bitrateOutBps} b/s\n`,
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

/** The dashboard over the demo fleet's nodes, on the fleet view. */
async function showFleetDashboard(fleet: DemoFleet, intervalMs: number, durationS: number): Promise<number> {
  process.env.NODE_ENV ??= 'production'
  const {runTop} = await import('../tui/run.js')
  const {poller, actions} = nodesDashboard(fleet.nodes, {intervalMs})
  poller.start()
  const end = new AbortController()
  const timer = durationS > 0 ? setTimeout(() => end.abort(), durationS * 1000) : undefined
  try {
    return await runTop({source: poller, actions, exitOnSignal: false, signal: end.signal})
  } finally {
    clearTimeout(timer)
    await poller.stop()
  }
}
