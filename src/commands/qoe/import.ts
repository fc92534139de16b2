import {Args} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {renderTable} from '../../cli/text-table.js'
import {importDump} from '../../qoe/import/index.js'
import {SUMMARY_TABLE_HEADERS, summaryRow} from '../../qoe/summary.js'

export default class QoeImport extends BaseCommand {
  static override summary = 'Summarise call quality per stream from a webrtc-internals dump or an RTCStatsDump.'
  static override description = `Reads Chrome's chrome://webrtc-internals "Create dump" file (old or new stats ids, with or without per-stats timestamps), an RTCStatsDump (file format 3, as Chrome and rtcstats-js write it) or JSON Lines of getStats() reports; any of them may be gzipped (detected by content). The file is streamed, so dumps of hundreds of MB are fine. For each peer connection and each inbound-rtp / outbound-rtp stream it prints loss, jitter, RTT and MOS (p50 / p95 / worst) and a quality band. Exit 2 if the file is missing or is not such a dump (the message names the line, byte and key).

--json prints: {"file": string, "format": "webrtc-internals"|"rtcstats"|"stats-lines", "gzip": boolean, "userAgent": string|null, "peerConnections": [{"id": string, "url": string|null, "streams": [StreamSummary]}]} where StreamSummary is {"id": string, "kind": "audio"|"video"|null, "direction": "inbound"|"outbound"|"uplink"|"downlink", "codec": string|null, "ssrc": number|null, "samples": number, "packets": number|null, "packetsLost": number|null, "bitrateBps": number|null, "lossPercent": Pct|null, "jitterMs": Pct|null, "rttMs": Pct|null, "mos": Pct|null, "bands": {"jitter", "loss", "rtt", "mos": "good"|"fair"|"poor"|null}} and Pct is {"p50": number, "p95": number, "max": number}: nearest-rank percentiles read on the worse side (for MOS, p95 is the MOS 95 % of samples reach and "max" the lowest). Loss is per sampling interval, in percent.`

  static override examples = [
    '<%= config.bin %> qoe import webrtc_internals_dump.txt',
    '<%= config.bin %> qoe import rtcstats_dump.gz --json',
  ]

  static override args = {
    file: Args.string({description: 'The dump file (plain or gzipped).', required: true}),
  }

  async run() {
    const {args} = await this.parse(QoeImport)
    const result = await importDump(args.file)
    const rows = result.peerConnections.flatMap((pc) => pc.streams.map((s) => summaryRow(`pc ${pc.id}`, s)))
    const streams = rows.length
    this.log(
      `${result.file}: ${result.format}${result.gzip ? ' (gzip)' : ''}, ${result.peerConnections.length} peer connection(s), ${streams} stream(s)${result.userAgent ? `; ${result.userAgent}` : ''}`,
    )
    if (streams > 0) this.log(renderTable(SUMMARY_TABLE_HEADERS, rows))
    return result
  }
}
