import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {renderTable} from '../../cli/text-table.js'
import {UnreachableError} from '../../errors.js'
import {durationFlag} from '../../cli/flags.js'
import {DEFAULT_HEALTH_TIMEOUT_MS, DEFAULT_KEEP_RELEASES, quoteLog} from '../../fleet/ssh/remote-node.js'
import {DEFAULT_DRAIN_TIMEOUT_MS, upgradeNodes} from '../../fleet/ssh/upgrade.js'

export default class NodeUpgrade extends BaseCommand {
  static override summary =
    'Upgrade ssh nodes to the node bundle of this confctl, one at a time, without dropping rooms that can be kept.'
  static override description = `For each node: upload the new bundle (nothing changes if that fails), drain it (no new rooms; the open rooms go on), wait until its rooms are empty or --timeout passes, stop it, switch to the new bundle, start it, check /healthz, undrain. A node that fails the health check is switched back to the bundle it ran and started again. With --all the nodes go one at a time, and the first failure stops the run: the nodes after it are left untouched. A node already running this bundle is left alone.

Exit 3 if a node failed (after its rollback); exit 2 for bad usage.

--json prints: {"version": string, "nodes": [{"name", "action": "upgraded"|"unchanged"|"failed"|"skipped", "from": string|null, "to": string, "roomsClosed": number (rooms still open at the drain timeout), "drainSeconds": number, "rolledBack": boolean, "problem": string|null, "log": {"file", "lines": string[]}|null (the end of the node's log when the new release failed to start)}]}. A failed start's log lines are also printed below the error.`

  static override examples = [
    '<%= config.bin %> node upgrade edge1',
    '<%= config.bin %> node upgrade --all --timeout 30m --json',
  ]

  static override args = {
    name: Args.string({description: 'Node to upgrade (or --all).'}),
  }

  static override flags = {
    all: Flags.boolean({description: 'Every ssh node in fleet.yaml, one at a time.', default: false}),
    timeout: durationFlag({
      description: `How long to wait for rooms to empty after the drain (default ${DEFAULT_DRAIN_TIMEOUT_MS / 60_000}m).`,
    }),
    'health-timeout': durationFlag({
      description: `How long to wait for /healthz after the start (default ${DEFAULT_HEALTH_TIMEOUT_MS / 1000}s).`,
    }),
    'keep-releases': Flags.integer({
      description: `Releases kept on the host besides the running and the previous one, newest first (default ${DEFAULT_KEEP_RELEASES}); the rest are removed after a successful start.`,
      min: 0,
      max: 100,
    }),
    bundle: Flags.string({description: 'Node bundle to install (default: the one built with confctl).'}),
  }

  async run() {
    const {args, flags} = await this.parse(NodeUpgrade)
    const drainTimeoutMs = flags.timeout
    const healthTimeoutMs = flags['health-timeout']
    const showProgress = !flags.json && Boolean(process.stderr.isTTY)
    const report = await upgradeNodes(
      {name: args.name, all: flags.all},
      {
        bundle: flags.bundle,
        keepReleases: flags['keep-releases'],
        drainTimeoutMs,
        healthTimeoutMs,
        onProgress: showProgress ? (m) => process.stderr.write(`upgrade: ${m}\n`) : undefined,
      },
    )
    this.log(
      renderTable(
        ['name', 'result', 'from', 'to', 'drain', 'note'],
        report.nodes.map((n) => [
          n.name,
          n.action,
          n.from ?? '',
          n.to,
          n.action === 'upgraded' ? `${n.drainSeconds}s` : '',
          n.roomsClosed ? `${n.roomsClosed} room(s) closed at the drain timeout` : n.rolledBack ? 'rolled back' : '',
        ]),
      ),
    )
    const failed = report.nodes.find((n) => n.action === 'failed')
    if (failed) {
      const skipped = report.nodes.filter((n) => n.action === 'skipped').length
      // The sentence, then what the node logged when its new release failed to start.
      const log = failed.log?.lines.length ? `\n${quoteLog(failed.log.file, failed.log.lines)}` : ''
      throw new UnreachableError(
        `${failed.problem?.replace(/\.$/, '') ?? `node '${failed.name}' failed`}${skipped ? ` (${skipped} node(s) after it left untouched)` : ''}.${log}`,
      ).withResult(report)
    }
    return report
  }
}
