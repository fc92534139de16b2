import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {renderTable} from '../../cli/text-table.js'
import {BadInputError} from '../../errors.js'
import {nodeQoe} from '../../fleet/node-qoe.js'
import {durationFlag} from '../../cli/flags.js'
import {formatPercentiles, PERCENTILE_HEADERS, worstBand} from '../../qoe/summary.js'

export default class QoeInspect extends BaseCommand {
  static override summary =
    'Per participant and stream: p50/p95/max of loss, jitter, RTT and MOS, with bands, and which leg lost the packets.'
  static override description = `Reads a node's stored QoE samples (written every --qoe-interval, default 10 s, kept 7 days) for the last --since window, or with --live polls the node's current counters once a second for --duration seconds. Uplink streams are what the node received from a publisher; downlink streams what it sent to a subscriber, as the subscriber's receiver reports describe them. For every downlink stream with loss it says whether the publisher's uplink already lost the packets (the SFU saw the loss) or the subscriber's downlink did.

Exit 2 for an unknown room or participant (no samples) or a bad flag, 3 if the node cannot be reached.

--json prints {"node", "mode": "stored"|"live", "windowSeconds", "room", "participant", "streams": [{"room", "participantId", "identity", "direction": "uplink"|"downlink", "kind", "sourcePublisherId", "summary": StreamSummary (as in qoe import), "totalLossPercent", "attribution": {"leg": "none"|"uplink"|"downlink"|"both", "uplinkPercent", "downlinkPercent", "explanation"}|null}]}.`

  static override examples = [
    '<%= config.bin %> qoe inspect --room standup --since 1h',
    '<%= config.bin %> qoe inspect --room standup --participant alice@example.org --live --duration 15',
  ]

  static override flags = {
    node: Flags.string({description: 'Node to inspect (optional when fleet.yaml has exactly one node).'}),
    room: Flags.string({description: 'Only this room.'}),
    participant: Flags.string({description: 'Only this participant (session id or identity).'}),
    since: durationFlag({
      description: 'Window of stored samples: 30s, 15m, 1h, 2d.',
      default: '15m',
      unit: 's',
      exclusive: ['live'],
    }),
    live: Flags.boolean({description: 'Poll the current counters instead of reading stored samples.', default: false}),
    duration: durationFlag({description: 'With --live: how long to poll, at most 10m.', default: '10s', unit: 's'}),
  }

  async run() {
    const {flags} = await this.parse(QoeInspect)
    const since = flags.since
    const duration = flags.duration
    if (flags.live && duration > 600)
      throw new BadInputError(`--duration must be at most 10m with --live, got ${duration}s.`)
    const tty = Boolean(process.stderr.isTTY) && !flags.json
    const result = await nodeQoe({
      node: flags.node,
      room: flags.room,
      participant: flags.participant,
      sinceSeconds: since,
      liveSeconds: flags.live ? duration : undefined,
      onLiveTick: tty ? (s) => process.stderr.write(`\rsampling ${s}/${duration} s`) : undefined,
    })
    if (tty && flags.live) process.stderr.write('\n')
    const span =
      result.mode === 'live' ? `live, ${result.windowSeconds} s` : `stored samples, last ${result.windowSeconds} s`
    this.log(`node '${result.node}' (${span})`)
    if (result.streams.length === 0) {
      this.log('no streams with samples in this window.')
      return result
    }
    this.log(
      renderTable(
        ['room', 'identity', 'dir', 'kind', 'samples', ...PERCENTILE_HEADERS, 'quality', 'lost on'],
        result.streams.map((s) => [
          s.room,
          s.identity,
          s.direction,
          s.kind,
          s.summary.samples,
          formatPercentiles(s.summary.lossPercent),
          formatPercentiles(s.summary.jitterMs),
          formatPercentiles(s.summary.rttMs),
          formatPercentiles(s.summary.mos),
          worstBand(s.summary.bands),
          s.attribution && s.attribution.leg !== 'none' ? s.attribution.leg : null,
        ]),
      ),
    )
    const notes = result.streams.filter((s) => s.attribution && s.attribution.leg !== 'none')
    if (notes.length) {
      this.log('')
      for (const s of notes)
        this.log(`${s.identity} ${s.kind} (${s.totalLossPercent} % lost): ${s.attribution!.explanation}`)
    }
    return result
  }
}
