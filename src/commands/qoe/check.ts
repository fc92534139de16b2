import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {durationFlag} from '../../cli/flags.js'
import {renderTable} from '../../cli/text-table.js'
import {BadInputError} from '../../errors.js'
import {checkNode, nodeScopes, type NodeCheck} from '../../fleet/node-qoe-check.js'
import {checkDump, checkFailure, dumpScopes, type DumpCheck} from '../../qoe/qoe-check.js'
import {SUMMARY_TABLE_HEADERS, summaryRow} from '../../qoe/summary.js'
import {DEFAULT_THRESHOLDS, parseThresholds, type SummaryScope} from '../../qoe/thresholds.js'

export default class QoeCheck extends BaseCommand {
  static override summary = 'Check the call quality in a stats dump against thresholds; exit 1 if a stream breaks one.'
  static override description = `Imports the dump as \`confctl qoe import\` does and compares every stream's p95 figures with the thresholds: p95 jitter, loss and RTT above the maximum, or p95 MOS (the MOS that 95 % of samples reach) below the minimum, is a violation. p95 rather than the worst sample, so that one bad second does not fail a call while more than one second in twenty does. A figure a stream has no samples for is not checked. Exit 0 if every stream is within the thresholds (also when the dump has no streams), 1 if any breaks one (each is named), 2 for a bad threshold or a bad file.

--json prints (and exits 1 afterwards on violations): {"file": string, "format": string, "thresholds": {"maxJitterMs": number, "maxLossPercent": number, "maxRttMs": number, "minMos": number}, "passed": boolean, "streamsChecked": number, "violations": [{"source": string, "stream": string, "streamId": string, "figure": "jitter"|"loss"|"rtt"|"mos", "statistic": "p95", "value": number, "limit": number, "message": string}], "peerConnections": [...as in \`qoe import --json\`]}. With --node the object has "node", "mode", "windowSeconds" and "streams" (as in \`qoe inspect --json\`) instead of "file", "format" and "peerConnections"; each participant stream is checked the same way.`

  static override examples = [
    '<%= config.bin %> qoe check --node edge1 --live --duration 10s --max-loss 1',
    '<%= config.bin %> qoe check --file webrtc_internals_dump.txt',
    '<%= config.bin %> qoe check --file dump.gz --max-loss 1 --min-mos 4 --json',
  ]

  static override flags = {
    file: Flags.string({
      description: 'A webrtc-internals dump or RTCStatsDump (plain or gzipped) to check.',
      exclusive: ['node'],
    }),
    node: Flags.string({description: "Check a node's streams instead (its stored samples for --since, or --live)."}),
    room: Flags.string({description: 'With --node: only this room.'}),
    since: durationFlag({
      description: 'With --node: window of stored samples (30s, 15m, 1h).',
      default: '15m',
      unit: 's',
    }),
    live: Flags.boolean({description: 'With --node: poll current counters for --duration instead.', default: false}),
    duration: durationFlag({description: 'With --node --live: how long to poll.', default: '10s', unit: 's'}),
    'max-jitter': Flags.string({
      description: `Highest acceptable p95 jitter, ms [default: ${DEFAULT_THRESHOLDS.maxJitterMs}]`,
    }),
    'max-loss': Flags.string({
      description: `Highest acceptable p95 packet loss per interval, percent [default: ${DEFAULT_THRESHOLDS.maxLossPercent}]`,
    }),
    'max-rtt': Flags.string({
      description: `Highest acceptable p95 round-trip time, ms [default: ${DEFAULT_THRESHOLDS.maxRttMs}]`,
    }),
    'min-mos': Flags.string({description: `Lowest acceptable p95 MOS, 1..4.5 [default: ${DEFAULT_THRESHOLDS.minMos}]`}),
  }

  async run(): Promise<DumpCheck | NodeCheck> {
    const {flags} = await this.parse(QoeCheck)
    const thresholds = parseThresholds(flags)
    if (!flags.node && !flags.file)
      throw new BadInputError('qoe check needs --file FILE (a stats dump) or --node N (a live node).')
    const request = {node: flags.node, room: flags.room, sinceSeconds: flags.since}
    const result = flags.node
      ? await checkNode({...request, liveSeconds: flags.live ? flags.duration : undefined}, thresholds)
      : await checkDump(flags.file!, thresholds)
    if ('file' in result)
      this.render(dumpScopes(result), result, {
        header: true,
        noStreams: `${result.file} has no media streams to check.`,
      })
    else this.render(nodeScopes(result), result, {header: false})
    const failure = checkFailure(result, flags.json ? 'in the JSON' : 'above')
    if (failure) throw failure.withResult(result)
    return result
  }

  /** The streams as a table, then the violations (under a heading for a dump), or why there were none. */
  private render(
    scopes: SummaryScope[],
    result: DumpCheck | NodeCheck,
    {header, noStreams}: {header: boolean; noStreams?: string},
  ): void {
    const rows = scopes.flatMap((scope) => scope.streams.map((s) => summaryRow(scope.source, s)))
    if (rows.length) this.log(renderTable(SUMMARY_TABLE_HEADERS, rows))
    if (result.violations.length) {
      if (header) this.log(`\n${result.violations.length} threshold violation(s):`)
      for (const v of result.violations) this.log(`  ${v.message}`)
    } else if (result.streamsChecked === 0 && noStreams) {
      this.logToStderr(noStreams)
    } else {
      this.log(`\nall ${result.streamsChecked} stream(s) within the thresholds.`)
    }
  }
}
