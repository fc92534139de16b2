import {Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base-command.js'
import {durationFlag} from '../cli/flags.js'
import {smokeCheck, smokeFailure} from '../client/smoke-check.js'
import {parseNumberFlag, SMOKE_DEFAULTS} from '../client/smoke-options.js'
import {renderSmokeReport, type SmokeReport} from '../client/smoke-report.js'

export default class Smoke extends BaseCommand {
  static override summary = "Check a node's media path end to end with synthetic WebRTC publishers and subscribers."
  static override description = `Publishes a moving test pattern (VP8) and a tone (opus) from each publisher into a fresh room over WHIP, subscribes every subscriber to every publisher over WHEP, and after --duration judges each received stream from the subscriber's own WebRTC stats: media must arrive and decode, packet loss and jitter must stay within the limits. Without --node or --url a throwaway local node is started and stopped again.

With --fleet (a fleet that coordinates through Redis, see \`confctl fleet init\`): the publishers go in through one node of fleet.yaml and the subscribers through another, so the fleet places the room on one of them (or a third) and relays the other node's requests to it; the check also fails when the fleet's Redis names no owner for the room or nothing was relayed. The report then has "fleet": {"publishedVia": string, "subscribedVia": string, "owner": string|null, "relayed": ("whip"|"whep")[], "passed": boolean, "problem": string|null}. It needs two nodes that are up, registered and in fleet.yaml (else exit 2).

Exit 0 when every stream passes, 1 when one fails, 2 on bad flags, 3 when the node cannot be reached (or a throwaway node dies at startup), 69 when the node program or the WebRTC library is missing.

--json prints: {"passed": boolean, "node": string, "room": string, "durationSeconds": number, "thresholds": {"maxLossPercent": number, "maxJitterMs": number}, "streams": [{"subscriber": string, "publisher": string, "kind": "audio"|"video", "codec": string, "packetsReceived": number, "packetsLost": number, "lossPercent": number, "jitterMs": number|null, "framesDecoded"?: number, "samplesReceived"?: number, "timeToFirstFrameMs"?: number, "passed": boolean, "failures": string[], "summary": StreamSummary|null}]}. timeToFirstFrameMs counts from the subscriber's WHEP request to its first decoded video frame (video) or first audio data (audio). summary is the stream over the run, sampled once a second and summarised as \`qoe import\` does (the shape of \`qoe import --json\` streams: p50/p95/max of loss per interval, jitter and MOS, with bands).`

  static override examples = [
    '<%= config.bin %> smoke',
    '<%= config.bin %> smoke --node edge1 --publishers 3 --subscribers 2 --duration 30',
    '<%= config.bin %> smoke --fleet --duration 15s',
    '<%= config.bin %> smoke --url http://127.0.0.1:8081 --admin-token-file ./admin.token --json --junit smoke.xml',
  ]

  static override flags = {
    node: Flags.string({description: 'Node from fleet.yaml to check.', exclusive: ['url', 'fleet']}),
    url: Flags.string({
      description: 'Admin URL of the node to check (with --admin-token-file).',
      exclusive: ['node', 'fleet'],
    }),
    fleet: Flags.boolean({
      description: 'Publish through one node of the fleet and subscribe through another (relay and media).',
      default: false,
      exclusive: ['node', 'url'],
    }),
    'admin-token-file': Flags.string({description: "File holding the node's admin token (with --url)."}),
    publishers: Flags.string({description: 'Synthetic publishers.', default: String(SMOKE_DEFAULTS.publishers)}),
    subscribers: Flags.string({
      description: 'Synthetic subscribers (each receives every publisher).',
      default: String(SMOKE_DEFAULTS.subscribers),
    }),
    duration: durationFlag({
      description: 'How long to measure media, e.g. 10s or 1m (a bare number means seconds).',
      default: `${SMOKE_DEFAULTS.durationSeconds}s`,
    }),
    'max-loss': Flags.string({
      description: 'Highest packet loss per stream, percent.',
      default: String(SMOKE_DEFAULTS.maxLossPercent),
    }),
    'max-jitter': Flags.string({
      description: 'Highest interarrival jitter per stream, milliseconds.',
      default: String(SMOKE_DEFAULTS.maxJitterMs),
    }),
    junit: Flags.string({description: 'Also write the result as JUnit XML to this file.'}),
  }

  async run(): Promise<SmokeReport> {
    const {flags} = await this.parse(Smoke)
    const showProgress = !flags.json && Boolean(process.stderr.isTTY)
    const report = await smokeCheck({
      node: flags.node,
      url: flags.url,
      fleet: flags.fleet,
      adminTokenFile: flags['admin-token-file'],
      junit: flags.junit,
      publishers: parseNumberFlag('--publishers', flags.publishers),
      subscribers: parseNumberFlag('--subscribers', flags.subscribers),
      durationSeconds: flags.duration / 1000,
      maxLossPercent: parseNumberFlag('--max-loss', flags['max-loss']),
      maxJitterMs: parseNumberFlag('--max-jitter', flags['max-jitter']),
      onProgress: showProgress ? (m: string) => process.stderr.write(`smoke: ${m}\n`) : undefined,
    })
    this.log(renderSmokeReport(report))
    const failure = smokeFailure(report)
    if (failure) throw failure.withResult(report)
    return report
  }
}
