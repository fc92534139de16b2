import {Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base-command.js'
import {durationFlag} from '../cli/flags.js'
import {snapshotProblems, snapshotText} from '../cli/snapshot-text.js'
import {PassedOnExit, UnreachableError} from '../errors.js'
import {inventoryDashboard} from '../fleet/dashboard-source.js'
import {POLL_INTERVAL_BOUNDS} from '../fleet/snapshot-poller.js'
import type {FleetSnapshot} from '../fleet/snapshot.js'

export default class Top extends BaseCommand {
  static override summary = 'Live dashboard of nodes, rooms and participants (full screen), or one snapshot of them.'
  static override description = `On a terminal: a full-screen dashboard polling every node of fleet.yaml (or the --node ones) at --interval. Views: fleet (one row per node), rooms, room (participants x streams with a 60 s bitrate sparkline), participant. Keys: arrows or j/k, Enter, Esc, Tab, / (filter), s/S (sort), p (pause), K (kick, asks y/N), C (close room, asks y/N), ? (help), q or Ctrl-C (quit). See docs/top.md.

Without a terminal, or with --once, prints one snapshot as tables and exits; --json prints it as JSON: {"version": 2, "time", "intervalMs", "nodes": [{"name", "state": "up"|"draining"|"unreachable", "lastSeen": string|null, "problem": string|null, "info": NodeInfo|null, "totals": {"rooms", "people", "participants", "publishers", "subscribers", "bitrateInBps", "bitrateOutBps", "packetsPerSecond": number|null, "cpuPercent", "worstLossPercent": number|null}|null, "rooms": [RoomSummary (GET /v1/rooms: people, participants, worstJitterMs, worstLossPercent, worstRttMs, worstMos, ...) + "participantsList" (GET /v1/rooms/{room}: with --json every room is fetched in detail)]}]} (docs/top.md describes each field once); participants' "remoteIp" only with --show-ip.

In a fleet that coordinates through Redis (\`confctl fleet init\`), top without --node also shows the nodes registered there that fleet.yaml does not list (another operator's): state "no access" (this machine has no admin access to them; "managed": false in JSON), with what Redis says about them (URL, version, load) as the problem line.

Exit 0; 3 when --once/--json found a node of fleet.yaml unreachable or the fleet's Redis not answering (the snapshot is printed all the same); 2 for an unknown --node or an empty fleet.yaml without coordination.`

  static override examples = [
    '<%= config.bin %> top',
    '<%= config.bin %> top --interval 500ms --node edge1 --node edge2',
    '<%= config.bin %> top --once',
    '<%= config.bin %> top --once --json',
  ]

  static override flags = {
    interval: durationFlag({
      description: 'Time between polls, e.g. 500ms, 1s, 5s (100ms to 1h).',
      default: '1s',
      bounds: POLL_INTERVAL_BOUNDS,
    }),
    node: Flags.string({
      description: 'Only this node (repeatable); default: every node in fleet.yaml.',
      multiple: true,
    }),
    timeout: durationFlag({
      description:
        'How long one node may take to answer a poll before it shows as unreachable (default: the interval, at least 1s).',
      bounds: POLL_INTERVAL_BOUNDS,
    }),
    once: Flags.boolean({description: 'Print one snapshot as tables and exit.', default: false}),
    'show-ip': Flags.boolean({
      description: "Show participants' IP addresses (hidden by default: personal data).",
      default: false,
    }),
  }

  async run(): Promise<FleetSnapshot | undefined> {
    const {flags} = await this.parse(Top)
    const interactive = !flags.once && !flags.json && Boolean(process.stdout.isTTY) && Boolean(process.stdin.isTTY)
    // The dashboard fetches the participants of the room it shows only; the JSON snapshot
    // carries every room's participants (it is taken once).
    const {poller, actions, fleet} = await inventoryDashboard({
      nodes: flags.node,
      intervalMs: flags.interval,
      timeoutMs: flags.timeout,
      showIp: flags['show-ip'],
      details: flags.json ? 'all' : 'focused',
    })

    if (!interactive) {
      const {snapshot} = await poller.tick().finally(() => fleet.close())
      this.log(snapshotText(snapshot))
      for (const line of snapshotProblems(snapshot)) this.logToStderr(line)
      const degraded = fleet.problem()
      if (degraded) this.logToStderr(`confctl: ${degraded}`)
      // The snapshot above shows which nodes (and the problems on stderr); the base class only sets the exit code.
      // Nodes known through Redis alone are unreachable from here by design: not a failure.
      if (snapshot.nodes.some((n) => n.state === 'unreachable' && n.managed !== false) || degraded)
        throw new UnreachableError('a node is unreachable.', {reported: true}).withResult(snapshot)
      return snapshot
    }

    // React's production build (much less work per frame); set before React is first loaded.
    process.env.NODE_ENV ??= 'production'
    const {runTop} = await import('../tui/run.js')
    poller.start()
    const code = await runTop({source: poller, actions, showIp: flags['show-ip']})
    await poller.stop()
    await fleet.close()
    if (code !== 0) throw new PassedOnExit(`the dashboard ended with ${code}.`, code)
    return undefined
  }
}
