import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {BadInputError, CheckFailedError} from '../../errors.js'
import {renderTable} from '../../cli/text-table.js'
import {importDump} from '../../qoe/import/index.js'
import {SUMMARY_TABLE_HEADERS, summaryRow} from '../../qoe/summary.js'
import {
  DEFAULT_THRESHOLDS,
  evaluate,
  parseThresholds,
  type SummaryScope,
  type Thresholds,
  type Violation,
} from '../../qoe/thresholds.js'
import {nodeQoe} from '../../fleet/node-qoe.js'
import {durationFlag} from '../../cli/flags.js'

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

  async run(): Promise<void> {
    const {flags} = await this.parse(QoeCheck)
    const thresholds = parseThresholds(flags)
    if (flags.node) return this.checkNode(flags, thresholds)
    if (!flags.file) throw new BadInputError('qoe check needs --file FILE (a stats dump) or --node N (a live node).')
    const result = await importDump(flags.file)
    const scopes = result.peerConnections.map((pc) => ({source: `pc ${pc.id}`, streams: pc.streams}))
    const violations = evaluate(scopes, thresholds)
    const streamsChecked = scopes.reduce((n, s) => n + s.streams.length, 0)
    if (flags.json) {
      this.printJson({
        file: result.file,
        format: result.format,
        thresholds,
        passed: violations.length === 0,
        streamsChecked,
        violations,
        peerConnections: result.peerConnections,
      })
    } else {
      const rows = scopes.flatMap((scope) => scope.streams.map((s) => summaryRow(scope.source, s)))
      if (rows.length) this.log(renderTable(SUMMARY_TABLE_HEADERS, rows))
      if (violations.length) {
        this.log(`\n${violations.length} threshold violation(s):`)
        for (const v of violations) this.log(`  ${v.message}`)
      } else if (streamsChecked === 0) {
        this.logToStderr(`${result.file} has no media streams to check.`)
      } else {
        this.log(`\nall ${streamsChecked} stream(s) within the thresholds.`)
      }
    }
    this.failOn(violations, streamsChecked, flags.json)
  }

  /** --node: the node's streams, one scope per participant. */
  private async checkNode(
    flags: {node?: string; room?: string; since: number; live: boolean; duration: number; json: boolean},
    thresholds: Thresholds,
  ): Promise<void> {
    const result = await nodeQoe({
      node: flags.node,
      room: flags.room,
      sinceSeconds: flags.since,
      liveSeconds: flags.live ? flags.duration : undefined,
    })
    const scopes: SummaryScope[] = result.streams.map((s) => ({
      source: `${s.room} / ${s.identity}`,
      streams: [s.summary],
    }))
    const violations = evaluate(scopes, thresholds)
    if (flags.json) {
      this.printJson({
        node: result.node,
        mode: result.mode,
        windowSeconds: result.windowSeconds,
        thresholds,
        passed: violations.length === 0,
        streamsChecked: scopes.length,
        violations,
        streams: result.streams,
      })
    } else {
      const rows = scopes.flatMap((scope) => scope.streams.map((s) => summaryRow(scope.source, s)))
      if (rows.length) this.log(renderTable(SUMMARY_TABLE_HEADERS, rows))
      for (const v of violations) this.log(`  ${v.message}`)
      if (!violations.length) this.log(`\nall ${scopes.length} stream(s) within the thresholds.`)
    }
    this.failOn(violations, scopes.length, flags.json)
  }

  private failOn(violations: Violation[], streamsChecked: number, json: boolean): void {
    if (violations.length) {
      const streams = new Set(violations.map((v) => `${v.source} / ${v.stream}`))
      const more =
        violations.length > 1
          ? ` (and ${violations.length - 1} more violation(s), listed ${json ? 'in the JSON' : 'above'})`
          : ''
      throw new CheckFailedError(
        `${streams.size} of ${streamsChecked} stream(s) break the quality thresholds: ${violations[0]!.message}${more}.`,
      )
    }
  }
}
