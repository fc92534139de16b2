// Throughput and memory of `confctl qoe import` on large webrtc-internals dumps.
//
// Generates dumps of ~50, ~100 and ~200 MB (and a gzipped copy of the largest) in a temp
// directory, imports each in a fresh Node.js process, and prints MB/s and the peak RSS of
// that process, next to a baseline import of the small recorded fixture. Flat peak RSS
// across sizes is the point: the importer streams the file and holds one peer connection's
// series at a time. The temp directory is deleted afterwards, also on Ctrl-C.
//
// The generated dumps look like a long call in Chrome: many peer connections, each with the
// stats objects Chrome reports (inbound/outbound audio and video, remote-inbound/outbound,
// candidate pairs, transport, codecs, media sources), every attribute a 1000-point series
// (webrtc-internals keeps the last 1000 samples) with its "-timestamp" series, plus an
// updateLog with SDP. Values follow a plausible call with some loss.
//
// Usage: node dist/bench/qoe.js [--sizes 50,100,200] [--no-gzip]
//        node dist/bench/qoe.js --import FILE      (one measurement; prints JSON)
import {spawnSync} from 'node:child_process'
import {
  closeSync,
  createReadStream,
  createWriteStream,
  mkdtempSync,
  openSync,
  realpathSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {pipeline} from 'node:stream/promises'
import {fileURLToPath} from 'node:url'
import {createGzip} from 'node:zlib'
import {importDump} from '../src/qoe/import/index.js'

const MB = 1024 * 1024
export const POINTS = 1000
const MAX_SIZE_MB = 1024

interface Measurement {
  file: string
  bytes: number
  ms: number
  maxRssMb: number
  peerConnections: number
  streams: number
}

// ---- one measurement (child process) ----------------------------------------------------

async function measure(file: string): Promise<Measurement> {
  const bytes = statSync(file).size
  const started = process.hrtime.bigint()
  const result = await importDump(file)
  const ms = Number(process.hrtime.bigint() - started) / 1e6
  return {
    file,
    bytes,
    ms,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    peerConnections: result.peerConnections.length,
    streams: result.peerConnections.reduce((n, pc) => n + pc.streams.length, 0),
  }
}

// ---- generating a dump ------------------------------------------------------------------

let rng = 0x1234567
function rand(): number {
  rng ^= rng << 13
  rng ^= rng >>> 17
  rng ^= rng << 5
  return (rng >>> 0) / 0x100000000
}

function series(n: number, f: (i: number) => number | string | boolean): unknown[] {
  const out = new Array<unknown>(n)
  for (let i = 0; i < n; i++) out[i] = f(i)
  return out
}

const cumulative = (rate: number, jitter: number) => {
  let v = 0
  return (i: number) => (i === 0 ? v : (v += Math.max(0, Math.round(rate + (rand() - 0.5) * jitter))))
}

interface StatDef {
  id: string
  type: string
  attrs: Record<string, (i: number) => number | string | boolean>
}

function pcStats(pc: number): StatDef[] {
  const ssrc = (k: number) => 100_000 + pc * 10 + k
  const lossy = pc % 3 === 0
  const lostStep = () => (rand() < (lossy ? 0.3 : 0.05) ? Math.round(rand() * (lossy ? 12 : 2)) : 0)
  const lost = () => {
    let v = 0
    return () => (v += lostStep())
  }
  const stream = (dir: 'IT' | 'OT', kind: 'A' | 'V', k: number): StatDef => {
    const video = kind === 'V'
    const rate = video ? 95 : 50
    const attrs: StatDef['attrs'] = {
      ssrc: () => ssrc(k),
      kind: () => (video ? 'video' : 'audio'),
      transportId: () => 'T01',
      codecId: () => `C${dir === 'IT' ? 'I' : 'O'}T01_${video ? 96 : 111}`,
      mid: () => String(video ? 1 : 0),
    }
    if (dir === 'IT') {
      Object.assign(attrs, {
        packetsReceived: cumulative(rate, 10),
        packetsLost: lost(),
        jitter: () => +(0.002 + rand() * (lossy ? 0.04 : 0.01)).toFixed(4),
        bytesReceived: cumulative(video ? 80_000 : 4_000, 5000),
        headerBytesReceived: cumulative(rate * 12, 50),
        lastPacketReceivedTimestamp: (i: number) => 1_700_000_000_000 + i * 1000,
        jitterBufferDelay: cumulative(video ? 3 : 40, 1),
        jitterBufferTargetDelay: cumulative(video ? 3 : 40, 1),
        jitterBufferEmittedCount: cumulative(video ? 30 : 48000, 3),
        nackCount: cumulative(0.2, 0.4),
        remoteId: () => `RO01${kind}${ssrc(k)}`,
        ...(video
          ? {
              framesReceived: cumulative(30, 2),
              framesDecoded: cumulative(30, 2),
              keyFramesDecoded: cumulative(0.01, 0),
              framesDropped: cumulative(0.1, 0.2),
              frameWidth: () => 1280,
              frameHeight: () => 720,
              framesPerSecond: () => 30,
              qpSum: cumulative(900, 100),
              totalDecodeTime: cumulative(0.1, 0.02),
              totalInterFrameDelay: cumulative(1, 0.01),
              totalSquaredInterFrameDelay: cumulative(0.03, 0.001),
              freezeCount: cumulative(0.01, 0),
              pliCount: cumulative(0.05, 0.1),
              firCount: () => 0,
              decoderImplementation: () => 'libvpx',
              powerEfficientDecoder: () => false,
            }
          : {
              totalSamplesReceived: cumulative(48000, 0),
              concealedSamples: cumulative(lossy ? 400 : 20, 50),
              silentConcealedSamples: cumulative(5, 5),
              concealmentEvents: cumulative(0.3, 0.5),
              insertedSamplesForDeceleration: cumulative(100, 80),
              removedSamplesForAcceleration: cumulative(100, 80),
              audioLevel: () => +rand().toFixed(4),
              totalAudioEnergy: cumulative(0.02, 0.01),
              totalSamplesDuration: cumulative(1, 0),
              playoutId: () => 'AP',
            }),
      })
    } else {
      Object.assign(attrs, {
        packetsSent: cumulative(rate, 10),
        bytesSent: cumulative(video ? 80_000 : 4_000, 5000),
        headerBytesSent: cumulative(rate * 12, 50),
        retransmittedPacketsSent: cumulative(0.5, 1),
        retransmittedBytesSent: cumulative(400, 400),
        targetBitrate: () => (video ? 700_000 : 32_000),
        nackCount: cumulative(0.2, 0.4),
        remoteId: () => `RI01${kind}${ssrc(k)}`,
        mediaSourceId: () => `S${kind}${k}`,
        active: () => true,
        ...(video
          ? {
              framesEncoded: cumulative(30, 2),
              keyFramesEncoded: cumulative(0.01, 0),
              totalEncodeTime: cumulative(0.2, 0.02),
              totalEncodedBytesTarget: () => 0,
              frameWidth: () => 1280,
              frameHeight: () => 720,
              framesPerSecond: () => 30,
              framesSent: cumulative(30, 2),
              hugeFramesSent: () => 0,
              totalPacketSendDelay: cumulative(1.5, 0.5),
              qualityLimitationReason: () => 'none',
              qualityLimitationResolutionChanges: () => 0,
              encoderImplementation: () => 'libvpx',
              powerEfficientEncoder: () => false,
              scalabilityMode: () => 'L1T1',
              qpSum: cumulative(900, 100),
              pliCount: cumulative(0.05, 0.1),
            }
          : {}),
      })
    }
    return {id: `${dir}01${kind}${ssrc(k)}`, type: dir === 'IT' ? 'inbound-rtp' : 'outbound-rtp', attrs}
  }
  const remoteIn = (kind: 'A' | 'V', k: number): StatDef => ({
    id: `RI01${kind}${ssrc(k)}`,
    type: 'remote-inbound-rtp',
    attrs: {
      ssrc: () => ssrc(k),
      kind: () => (kind === 'V' ? 'video' : 'audio'),
      transportId: () => 'T01',
      codecId: () => `COT01_${kind === 'V' ? 96 : 111}`,
      localId: () => `OT01${kind}${ssrc(k)}`,
      packetsLost: lost(),
      jitter: () => +(0.003 + rand() * 0.02).toFixed(4),
      roundTripTime: () => +(0.04 + rand() * (lossy ? 0.3 : 0.05)).toFixed(3),
      totalRoundTripTime: cumulative(0.06, 0.01),
      fractionLost: () => +(lossy ? rand() * 0.08 : 0).toFixed(4),
      roundTripTimeMeasurements: cumulative(1, 0),
    },
  })
  const remoteOut = (kind: 'A' | 'V', k: number): StatDef => ({
    id: `RO01${kind}${ssrc(k)}`,
    type: 'remote-outbound-rtp',
    attrs: {
      ssrc: () => ssrc(k),
      kind: () => (kind === 'V' ? 'video' : 'audio'),
      localId: () => `IT01${kind}${ssrc(k)}`,
      packetsSent: cumulative(50, 5),
      bytesSent: cumulative(4000, 500),
      remoteTimestamp: (i: number) => 1_700_000_000_000 + i * 1000,
      reportsSent: cumulative(0.2, 0),
      roundTripTimeMeasurements: () => 0,
      totalRoundTripTime: () => 0,
    },
  })
  const pair: StatDef = {
    id: 'CPabcd1234_efgh5678',
    type: 'candidate-pair',
    attrs: {
      transportId: () => 'T01',
      localCandidateId: () => 'Iabcd1234',
      remoteCandidateId: () => 'Iefgh5678',
      state: () => 'succeeded',
      priority: () => 9115038255631187000,
      nominated: () => true,
      writable: () => true,
      packetsSent: cumulative(150, 10),
      packetsReceived: cumulative(150, 10),
      bytesSent: cumulative(90_000, 5000),
      bytesReceived: cumulative(90_000, 5000),
      totalRoundTripTime: cumulative(0.05, 0.01),
      currentRoundTripTime: () => +(0.04 + rand() * (lossy ? 0.35 : 0.04)).toFixed(3),
      availableOutgoingBitrate: () => 2_500_000,
      requestsReceived: cumulative(0.4, 0),
      requestsSent: cumulative(0.4, 0),
      responsesReceived: cumulative(0.4, 0),
      responsesSent: cumulative(0.4, 0),
      consentRequestsSent: cumulative(0.2, 0),
      lastPacketReceivedTimestamp: (i: number) => 1_700_000_000_000 + i * 1000,
      lastPacketSentTimestamp: (i: number) => 1_700_000_000_000 + i * 1000,
    },
  }
  const transport: StatDef = {
    id: 'T01',
    type: 'transport',
    attrs: {
      bytesSent: cumulative(90_000, 5000),
      packetsSent: cumulative(150, 10),
      bytesReceived: cumulative(90_000, 5000),
      packetsReceived: cumulative(150, 10),
      dtlsState: () => 'connected',
      selectedCandidatePairId: () => pair.id,
      localCertificateId: () => 'CFAA:BB:CC',
      remoteCertificateId: () => 'CFDD:EE:FF',
      tlsVersion: () => 'FEFD',
      dtlsCipher: () => 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
      dtlsRole: () => 'client',
      srtpCipher: () => 'AES_CM_128_HMAC_SHA1_80',
      selectedCandidatePairChanges: () => 1,
      iceRole: () => 'controlling',
      iceState: () => 'connected',
    },
  }
  const codec = (dir: 'I' | 'O', pt: number, mime: string): StatDef => ({
    id: `C${dir}T01_${pt}`,
    type: 'codec',
    attrs: {
      transportId: () => 'T01',
      payloadType: () => pt,
      mimeType: () => mime,
      clockRate: () => (pt === 111 ? 48000 : 90000),
    },
  })
  const source = (kind: 'A' | 'V', k: number): StatDef => ({
    id: `S${kind}${k}`,
    type: 'media-source',
    attrs:
      kind === 'V'
        ? {
            kind: () => 'video',
            width: () => 1280,
            height: () => 720,
            frames: cumulative(30, 1),
            framesPerSecond: () => 30,
          }
        : {
            kind: () => 'audio',
            audioLevel: () => +rand().toFixed(4),
            totalAudioEnergy: cumulative(0.02, 0.01),
            totalSamplesDuration: cumulative(1, 0),
          },
  })
  return [
    codec('I', 111, 'audio/opus'),
    codec('I', 96, 'video/VP8'),
    codec('O', 111, 'audio/opus'),
    codec('O', 96, 'video/VP8'),
    stream('IT', 'A', 1),
    stream('IT', 'V', 2),
    stream('OT', 'A', 3),
    stream('OT', 'V', 4),
    remoteIn('A', 3),
    remoteIn('V', 4),
    remoteOut('A', 1),
    source('A', 3),
    source('V', 4),
    pair,
    transport,
  ]
}

const SDP = `v=0\\r\\no=- 4611731400430051336 2 IN IP4 127.0.0.1\\r\\ns=-\\r\\nt=0 0\\r\\na=group:BUNDLE 0 1\\r\\n${'a=rtpmap:96 VP8/90000\\r\\na=rtcp-fb:96 nack\\r\\n'.repeat(40)}`

function pcJson(pc: number, start: number): string {
  const parts: string[] = []
  const t0 = new Date(start).toISOString()
  const t1 = new Date(start + (POINTS - 1) * 1000).toISOString()
  const entry = (key: string, type: string, values: unknown[]) =>
    `    ${JSON.stringify(key)}: {\n     "startTime": "${t0}",\n     "endTime": "${t1}",\n     "statsType": "${type}",\n     "values": ${JSON.stringify(JSON.stringify(values))}\n    }`
  const timestamps = series(POINTS, (i) => start + i * 1000 + rand())
  for (const s of pcStats(pc)) {
    parts.push(entry(`${s.id}-timestamp`, s.type, timestamps))
    for (const [attr, f] of Object.entries(s.attrs)) parts.push(entry(`${s.id}-${attr}`, s.type, series(POINTS, f)))
    if (s.type === 'inbound-rtp' || s.type === 'outbound-rtp') {
      parts.push(
        entry(
          `${s.id}-[bytesReceived_in_bits/s]`,
          s.type,
          series(POINTS, () => Math.round(rand() * 1e6)),
        ),
      )
    }
  }
  const log = series(
    30,
    (i) =>
      `   {\n    "timestamp": ${start - 5000 + i * 100},\n    "type": "${i % 2 ? 'setLocalDescription' : 'icecandidate'}",\n    "value": "${i % 2 ? `{\\"type\\":\\"offer\\",\\"sdp\\":\\"${SDP}\\"}` : 'candidate:1 1 udp 2122260223 192.0.2.1 50000 typ host'}"\n   }`,
  )
  return `  "${pc}-1": {\n   "pid": ${pc},\n   "constraints": "",\n   "rtcConfiguration": "{ iceServers: [], iceTransportPolicy: all, bundlePolicy: balanced }",\n   "stats": {\n${parts.join(',\n')}\n   },\n   "updateLog": [\n${log.join(',\n')}\n   ],\n   "url": "https://meet.example.org/room-${pc}"\n  }`
}

/**
 * Writes a dump of about `targetMb` MB; returns the number of peer connections. Also used by
 * bench/qoe-json-scanner.ts. The values are deterministic per process (a fixed-seed generator).
 */
export function generate(file: string, targetMb: number): number {
  const fd = openSync(file, 'w')
  let written = 0
  const put = (s: string) => {
    written += writeSync(fd, s)
  }
  put('{\n "getUserMedia": [],\n "PeerConnections": {\n')
  let pcs = 0
  const start = Date.UTC(2025, 0, 1)
  while (written < targetMb * MB) {
    put((pcs ? ',\n' : '') + pcJson(pcs + 1, start + pcs * 60_000))
    pcs++
  }
  put('\n },\n "UserAgent": "Mozilla/5.0 (bench) Chrome/131.0.0.0",\n "UserAgentData": []\n}')
  closeSync(fd)
  return pcs
}

// ---- driver ------------------------------------------------------------------------------

function runChild(file: string): Measurement {
  const self = fileURLToPath(import.meta.url)
  const r = spawnSync(process.execPath, [self, '--import', file], {encoding: 'utf8', maxBuffer: 16 * MB})
  if (r.status !== 0) throw new Error(`import of ${file} failed (exit ${r.status}): ${r.stderr}`)
  return JSON.parse(r.stdout) as Measurement
}

function row(label: string, m: Measurement): string {
  const mb = m.bytes / MB
  return [
    label.padEnd(16),
    mb.toFixed(1).padStart(8),
    (m.ms / 1000).toFixed(2).padStart(8),
    (mb / (m.ms / 1000)).toFixed(1).padStart(8),
    m.maxRssMb.toFixed(0).padStart(10),
    String(m.peerConnections).padStart(5),
    String(m.streams).padStart(8),
  ].join('  ')
}

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  if (args[0] === '--import') {
    process.stdout.write(JSON.stringify(await measure(args[1]!)) + '\n')
    return
  }
  const sizesArg = args.includes('--sizes') ? args[args.indexOf('--sizes') + 1]! : '50,100,200'
  const sizes = sizesArg.split(',').map(Number)
  if (sizes.some((s) => !Number.isFinite(s) || s <= 0 || s > MAX_SIZE_MB))
    throw new Error(`--sizes takes MB values between 1 and ${MAX_SIZE_MB}, not ${sizesArg}`)
  const withGzip = !args.includes('--no-gzip')
  const dir = mkdtempSync(join(tmpdir(), 'confctl-bench-qoe-'))
  const cleanup = () => rmSync(dir, {recursive: true, force: true})
  process.once('SIGINT', () => {
    cleanup()
    process.exit(130)
  })
  try {
    const fixture = fileURLToPath(new URL('../../test/fixtures/webrtc-internals/chrome-new.json', import.meta.url))
    console.log(
      `confctl qoe import: webrtc-internals dumps of ${POINTS}-point series, one Node.js ${process.version} process per import\n`,
    )
    console.log(
      [
        'dump'.padEnd(16),
        'MB'.padStart(8),
        'seconds'.padStart(8),
        'MB/s'.padStart(8),
        'peak RSS MB'.padStart(10),
        'PCs'.padStart(5),
        'streams'.padStart(8),
      ].join('  '),
    )
    console.log(row('fixture', runChild(fixture)))
    let largest = ''
    for (const size of sizes) {
      const file = join(dir, `dump-${size}mb.json`)
      const pcs = generate(file, size)
      const m = runChild(file)
      if (m.peerConnections !== pcs || m.streams !== pcs * 4)
        throw new Error(
          `${file}: expected ${pcs} peer connections and ${pcs * 4} streams, got ${m.peerConnections} and ${m.streams}`,
        )
      console.log(row(`${size} MB`, m))
      if (largest) rmSync(largest, {force: true})
      largest = file
    }
    if (withGzip && largest) {
      const gz = `${largest}.gz`
      const rawBytes = statSync(largest).size
      await pipeline(createReadStream(largest), createGzip({level: 1}), createWriteStream(gz))
      rmSync(largest, {force: true})
      const m = runChild(gz)
      console.log(
        row(`${sizes[sizes.length - 1]} MB gzipped`, {...m, bytes: rawBytes}) +
          `   (${(m.bytes / MB).toFixed(1)} MB on disk; MB and MB/s of the gunzipped data)`,
      )
    }
  } finally {
    cleanup()
  }
}

// Run only as a script, not when bench/qoe-json-scanner.ts imports the dump generator.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) await main()
