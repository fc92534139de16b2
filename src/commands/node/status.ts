import {Args} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {nodeStatus} from '../../fleet/node-probe.js'
import {resolveNode} from '../../fleet/resolve-node.js'
import {formatBytes, formatSeconds, formatTime} from '../../cli/human-units.js'

export default class NodeStatus extends BaseCommand {
  static override summary = "Show a node's health, version, uptime, load and counts."
  static override description = `Exit 3 if the node is down or its admin API does not answer. NAME may be left out when fleet.yaml has one node.

--json prints: {"name": string, "kind": "local"|"ssh", "state": "up", "health": "ok"|"draining", "pid": number|null, "adminUrl": string, "restarts": {"count", "lastAt", "lastExitCode"}|null (an ssh node's restarts after a crash since confctl last started it; null when there were none or systemd supervises it), "info": NodeInfo} where NodeInfo is the node's GET /v1/node answer: {id, name, version, startedAt, uptimeSeconds, draining, publicUrl, load: {cpuPercent, rssBytes, loadavg}, counts: {rooms, participants, publishers, subscribers}, warnings?: string[]}. Warnings (e.g. an admin API served over plain HTTP off loopback with --insecure-admin) are also printed, one per line, after the table.`

  static override examples = ['<%= config.bin %> node status local', '<%= config.bin %> node status --json']

  static override args = {
    name: Args.string({description: 'Node name (optional when fleet.yaml has exactly one node).'}),
  }

  async run() {
    const {args} = await this.parse(NodeStatus)
    const status = await nodeStatus(await resolveNode(args.name))
    const {info} = status
    const rows: [string, string][] = [
      ['node', `${status.name} (${status.kind}${status.pid ? `, pid ${status.pid}` : ''})`],
      ['health', status.health],
      ['id', info.id],
      ['version', info.version],
      ['started', `${formatTime(info.startedAt)} (up ${formatSeconds(info.uptimeSeconds)})`],
      ['public URL', info.publicUrl],
      ['admin URL', status.adminUrl],
      ...(status.restarts
        ? [
            [
              'restarts',
              `${status.restarts.count} (last ${formatTime(status.restarts.lastAt)}, after exit status ${status.restarts.lastExitCode})`,
            ] as [string, string],
          ]
        : []),
      [
        'load',
        `cpu ${info.load.cpuPercent.toFixed(1)}%, rss ${formatBytes(info.load.rssBytes)}, loadavg ${info.load.loadavg.map((n) => n.toFixed(2)).join(' ')}`,
      ],
      ['rooms', String(info.counts.rooms)],
      [
        'participants',
        `${info.counts.participants} (${info.counts.publishers} publishing, ${info.counts.subscribers} subscribing)`,
      ],
    ]
    const w = Math.max(...rows.map(([k]) => k.length))
    for (const [k, v] of rows) this.log(`${k.padEnd(w)}  ${v}`)
    // On stdout with the table: an operator reading the status must not miss them.
    for (const warning of info.warnings ?? []) this.log(`WARNING: ${warning}`)
    return status
  }
}
