// Imports a recorded stats dump and summarises every peer connection's streams.
//
// Accepted files (plain or gzip, detected by the magic bytes 1f 8b, not by the name):
//  - Chrome's webrtc-internals "Create dump" JSON (src/qoe/import/webrtc-internals.ts),
//  - RTCStatsDump lines, file format 3, as Chrome and rtcstats-js write them, and plain
//    JSON Lines of getStats() reports (src/qoe/import/rtcstats-dump.ts).
// The file is streamed: memory holds the series of one peer connection (webrtc-internals)
// or of the connections still open (line formats), never the file.
//
// JSON shape of the result (the --json contract of `confctl qoe import`):
//   {"file": string, "format": "webrtc-internals"|"rtcstats"|"stats-lines", "gzip": boolean,
//    "userAgent": string|null,
//    "peerConnections": [{"id": string, "url": string|null, "streams": StreamSummary[]}]}
// with StreamSummary as documented in src/qoe/summary.ts.
//
// Anything wrong with the file is a BadInputError (exit 2) whose one sentence names the
// file, the line and byte (of the decompressed data for gzip) and, for JSON, the key path.
import {BadInputError} from '../../errors.js'
import type {BandThresholds} from '../bands.js'
import type {StreamSummary} from '../summary.js'
import {openDump, readLines, type DumpFormat} from './input.js'
import {JsonInputError, JsonScanner} from './json-scanner.js'
import {readRtcStatsDump, readStatsLines} from './rtcstats-dump.js'
import type {PcStats} from './stat-series.js'
import {summarizePeerConnection} from './streams.js'
import {InternalsHandler} from './webrtc-internals.js'

export type {DumpFormat} from './input.js'

export interface PeerConnectionSummary {
  id: string
  url: string | null
  streams: StreamSummary[]
}

export interface ImportResult {
  file: string
  format: DumpFormat
  gzip: boolean
  userAgent: string | null
  peerConnections: PeerConnectionSummary[]
}

export interface ImportOptions {
  /** Band thresholds for the summaries (default: src/qoe/bands.ts DEFAULT_BANDS). */
  bands?: BandThresholds
}

function describe(file: string, gzip: boolean, err: JsonInputError): string {
  const where = `line ${err.line}, byte ${err.offset}${gzip ? ' of the gunzipped data' : ''}`
  const inPath = err.path ? `, in ${err.path}` : ''
  switch (err.kind) {
    case 'syntax':
      return `${file} is not valid JSON: ${err.reason} at ${where}${inPath}.`
    case 'truncated':
      return `${file} is truncated: ${err.reason} at ${where}${inPath}.`
    case 'empty':
      return `${file} holds no data (${err.reason}).`
    case 'limit':
      return `${file} is not a stats dump: ${err.reason} at ${where}${inPath}.`
    case 'shape':
      return `${file}: ${err.reason} (at ${where}${inPath}).`
    case 'line':
      return `${file}: line ${err.line} (byte ${err.offset}${gzip ? ' of the gunzipped data' : ''}) ${err.reason}.`
  }
}

/** Reads `file` and returns per-peer-connection stream summaries; throws BadInputError. */
export async function importDump(file: string, options: ImportOptions = {}): Promise<ImportResult> {
  const input = await openDump(file)
  const peerConnections: PeerConnectionSummary[] = []
  const onPeerConnection = (pc: PcStats) => {
    peerConnections.push({id: pc.id, url: pc.url, streams: summarizePeerConnection(pc, options.bands)})
  }
  let userAgent: string | null = null
  try {
    if (input.format === 'webrtc-internals') {
      const handler = new InternalsHandler(onPeerConnection)
      const scanner = new JsonScanner(handler)
      handler.scanner = scanner
      for await (const chunk of input.chunks) scanner.write(chunk)
      scanner.end()
      userAgent = handler.userAgent
    } else {
      const tooLong = (line: number, offset: number): never => {
        throw new JsonInputError('limit', 'a line longer than 64 MiB', line, offset, '')
      }
      const lines = readLines(input.chunks, tooLong)
      const result =
        input.format === 'rtcstats'
          ? await readRtcStatsDump(lines, onPeerConnection)
          : await readStatsLines(lines, onPeerConnection)
      userAgent = result.userAgent
    }
  } catch (err) {
    if (err instanceof JsonInputError) throw new BadInputError(describe(file, input.gzip, err))
    throw err
  }
  return {file, format: input.format, gzip: input.gzip, userAgent, peerConnections}
}
