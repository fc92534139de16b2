// Our streaming JSON scanner (src/qoe/import/json-scanner.ts) against stream-json, the
// streaming JSON library on npm, doing the same job on the same generated webrtc-internals
// dumps (bench/qoe.ts's generator): read the file and collect, for each peer connection, the
// series the importer keeps, then summarise them. Each run is a fresh Node.js process, so its
// peak RSS is its own. Variants:
//
//   scanner        ours: openDump + JsonScanner + InternalsHandler, i.e. importDump's
//                  webrtc-internals path (1 MiB reads; strings not asked for are skipped).
//   sj-tokens      stream-json's parser (packed values, no streamed chunks: its fewest tokens;
//                  parseFile with 1 MiB reads, the Node fast path its docs recommend) driving
//                  the same InternalsHandler through a 10-line adapter: only the tokenizer differs.
//                  The adapter copies the keys and strings it hands over: stream-json slices them
//                  out of its decoded read block, and V8 keeps a whole block alive for as long as
//                  any slice of 13+ characters of it lives (a stats id in a summary, say).
//   sj-tokens-64k  the same with parseFile's default 64 KiB reads.
//   sj-uncopied    sj-tokens without the copies: peak RSS grows with the file (pinned blocks).
//   sj-pick        stream-json the idiomatic way: pick each PeerConnections member (and
//                  UserAgent), streamValues assembles one peer connection object at a time,
//                  which is then walked into the same InternalsHandler (copying as above).
//   json-parse     reference: readFile + JSON.parse of the whole file, walked the same way.
//   scan-only      tokenizer alone, ours: every token delivered to a handler that keeps no string.
//   sj-scan-only   tokenizer alone, stream-json: every packed token delivered to a no-op stage.
//   idle           the peak RSS of a child that loads all of the above and reads nothing.
//
// Every variant's output must be identical, or the bench fails: the per-peer-connection
// summaries (what `confctl qoe import` prints) and a SHA-256 over every kept series (times,
// numeric columns, last values), and for the two scan-only variants the token count. The
// digest is computed outside the timed part.
//
// Usage: node dist/bench/qoe-json-scanner.js [--sizes 50,200] [--repeat 3]
//        node dist/bench/qoe-json-scanner.js --run VARIANT FILE   (one measurement; prints JSON)
import {spawnSync} from 'node:child_process'
import {createHash, type Hash} from 'node:crypto'
import {mkdtempSync, readFileSync, rmSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {drain} from 'stream-chain/utils/drain.js'
import {pipe} from 'stream-chain/utils/pipe.js'
import {none} from 'stream-chain/defs.js'
import {parseFile} from 'stream-json/file/parser.js'
import {pick} from 'stream-json/filters/pick.js'
import type {Token} from 'stream-json/parser.js'
import {streamValues} from 'stream-json/streamers/stream-values.js'
import {openDump} from '../src/qoe/import/input.js'
import {JsonScanner, SKIPPED, type ScalarValue, type ScanHandler} from '../src/qoe/import/json-scanner.js'
import type {PcStats} from '../src/qoe/import/stat-series.js'
import {summarizePeerConnection} from '../src/qoe/import/streams.js'
import {InternalsHandler} from '../src/qoe/import/webrtc-internals.js'
import {generate, POINTS} from './qoe.js'

const MB = 1024 * 1024
const MAX_SIZE_MB = 1024
/** JSON.parse needs the file as one string; V8 strings stop at ~512 MiB. */
const MAX_JSON_PARSE_MB = 400
const CHILD_TIMEOUT_MS = 10 * 60 * 1000

const VARIANTS = [
  'idle',
  'scanner',
  'sj-tokens',
  'sj-tokens-64k',
  'sj-uncopied',
  'sj-pick',
  'json-parse',
  'scan-only',
  'sj-scan-only',
] as const
type Variant = (typeof VARIANTS)[number]

const LABELS: Record<Variant, string> = {
  idle: 'baseline: process, nothing read',
  scanner: 'ours: JsonScanner + importer',
  'sj-tokens': 'stream-json + importer, 1 MiB',
  'sj-tokens-64k': 'stream-json + importer, 64 KiB',
  'sj-uncopied': 'same, 1 MiB, strings uncopied',
  'sj-pick': 'stream-json pick+streamValues',
  'json-parse': 'JSON.parse whole file',
  'scan-only': 'tokenize only: JsonScanner',
  'sj-scan-only': 'tokenize only: stream-json',
}

interface Measurement {
  variant: Variant
  bytes: number
  ms: number
  /** CPU time (user + system, all threads) of the same span: less sensitive to other load */
  cpuMs: number
  maxRssMb: number
  peerConnections: number
  streams: number
  /** SHA-256 of the summaries (userAgent + per peer connection), or the token count */
  output: string
  /** SHA-256 over every kept series, '' for the scan-only variants */
  series: string
}

// ---- what every importing variant does with a peer connection ----------------------------

class Collector {
  readonly summaries: {id: string; url: string | null; streams: unknown[]}[] = []
  private readonly hash: Hash = createHash('sha256')
  /** time spent hashing, taken out of the measurement */
  digestNs = 0n

  readonly onPeerConnection = (pc: PcStats): void => {
    this.summaries.push({id: pc.id, url: pc.url, streams: summarizePeerConnection(pc)})
    const t0 = process.hrtime.bigint()
    const h = this.hash
    h.update(`pc\0${pc.id}\0${pc.url ?? ''}\0`)
    for (const [id, s] of pc.stats) {
      h.update(`${id}\0${s.type}\0${s.exactTimes}\0${JSON.stringify(s.last)}\0`)
      h.update(new Float64Array(s.times))
      for (const name of [...s.columns.keys()].sort()) {
        h.update(`${name}\0`)
        h.update(new Float64Array(s.columns.get(name)!))
      }
    }
    this.digestNs += process.hrtime.bigint() - t0
  }

  result(userAgent: string | null): Pick<Measurement, 'peerConnections' | 'streams' | 'output' | 'series'> {
    const output = createHash('sha256')
      .update(JSON.stringify({userAgent, peerConnections: this.summaries}))
      .digest('hex')
    return {
      peerConnections: this.summaries.length,
      streams: this.summaries.reduce((n, pc) => n + pc.streams.length, 0),
      output,
      series: this.hash.digest('hex'),
    }
  }
}

/** InternalsHandler reports a wrong shape through its scanner; outside JsonScanner, just throw. */
function standalone(handler: InternalsHandler): InternalsHandler {
  handler.scanner = {
    fail(reason: string): never {
      throw new Error(reason)
    },
  } as unknown as JsonScanner
  return handler
}

/** Delivers a parsed value to a ScanHandler as the scanner would have, in key order. */
function walk(h: ScanHandler, v: unknown, copy: (s: string) => string): void {
  if (Array.isArray(v)) {
    h.startArray()
    for (const x of v) walk(h, x, copy)
    h.endArray()
  } else if (v !== null && typeof v === 'object') {
    h.startObject()
    for (const [k, x] of Object.entries(v)) {
      h.key(copy(k))
      walk(h, x, copy)
    }
    h.endObject()
  } else if (typeof v === 'string') {
    h.value(h.wantString() ? copy(v) : SKIPPED)
  } else {
    h.value(v as ScalarValue)
  }
}

/** A string that does not pin the string it was sliced from (V8 slices from 13 characters on). */
const unpinned = (s: string): string => (s.length < 13 ? s : Buffer.from(s, 'utf8').toString('utf8'))
const asIs = (s: string): string => s

/** stream-json's packed tokens, as ScanHandler calls. */
function deliver(h: ScanHandler, t: Token, copy: (s: string) => string): void {
  switch (t.name) {
    case 'startObject':
      return h.startObject()
    case 'endObject':
      return h.endObject()
    case 'startArray':
      return h.startArray()
    case 'endArray':
      return h.endArray()
    case 'keyValue':
      return h.key(copy(t.value))
    case 'stringValue':
      return h.value(h.wantString() ? copy(t.value) : SKIPPED)
    case 'numberValue':
      return h.value(Number(t.value))
    case 'nullValue':
      return h.value(null)
    case 'trueValue':
      return h.value(true)
    case 'falseValue':
      return h.value(false)
    default: // no streamed chunks with these options
  }
}

/** stream-json's fewest tokens: packed keys, strings and numbers, no streamed chunks. */
const PACKED = {packValues: true, streamValues: false, readBlockSize: MB} as const

// ---- the variants (child process) ----------------------------------------------------------

type Outcome = Pick<Measurement, 'peerConnections' | 'streams' | 'output' | 'series'>

async function runScanner(file: string, c: Collector): Promise<Outcome> {
  const input = await openDump(file)
  const handler = new InternalsHandler(c.onPeerConnection)
  const scanner = new JsonScanner(handler)
  handler.scanner = scanner
  for await (const chunk of input.chunks) scanner.write(chunk)
  scanner.end()
  return c.result(handler.userAgent)
}

async function runStreamJsonTokens(
  file: string,
  c: Collector,
  readBlockSize: number,
  copy: (s: string) => string,
): Promise<Outcome> {
  const handler = standalone(new InternalsHandler(c.onPeerConnection))
  await drain(
    pipe(parseFile({...PACKED, readBlockSize}), (t: Token) => {
      deliver(handler, t, copy)
      return none
    })(file),
  )
  return c.result(handler.userAgent)
}

async function runStreamJsonPick(file: string, c: Collector): Promise<Outcome> {
  const handler = standalone(new InternalsHandler(c.onPeerConnection))
  // pick hands over the matched values without their keys: note them as they are matched
  const picked: (string | null)[] = []
  const filter = (stack: (string | number | null)[]): boolean => {
    if (stack.length === 2 && stack[0] === 'PeerConnections') {
      picked.push(String(stack[1]))
      return true
    }
    if (stack.length === 1 && stack[0] === 'UserAgent') {
      picked.push(null)
      return true
    }
    return false
  }
  // the document around the picked values, as the handler expects it
  handler.startObject()
  handler.key('PeerConnections')
  handler.startObject()
  let userAgent: unknown
  await drain(
    pipe(parseFile(PACKED), pick({filter}), streamValues(), ({value}: {value: unknown}) => {
      const pcId = picked.shift()
      if (pcId === undefined) throw new Error('stream-json delivered more values than pick matched')
      if (pcId === null) userAgent = value
      else {
        handler.key(pcId)
        walk(handler, value, unpinned)
      }
      return none
    })(file),
  )
  handler.endObject()
  handler.key('UserAgent')
  walk(handler, userAgent, unpinned)
  handler.endObject()
  return c.result(handler.userAgent)
}

async function runJsonParse(file: string, c: Collector): Promise<Outcome> {
  const handler = standalone(new InternalsHandler(c.onPeerConnection))
  walk(handler, JSON.parse(readFileSync(file, 'utf8')), asIs)
  return c.result(handler.userAgent)
}

function tokenCount(tokens: number): Outcome {
  return {peerConnections: 0, streams: 0, output: `${tokens} tokens`, series: ''}
}

async function runScanOnly(file: string): Promise<Outcome> {
  let tokens = 0
  const count = (): void => {
    tokens++
  }
  const scanner = new JsonScanner({
    startObject: count,
    endObject: count,
    startArray: count,
    endArray: count,
    key: count,
    wantString: () => false,
    value: count,
  })
  const input = await openDump(file)
  for await (const chunk of input.chunks) scanner.write(chunk)
  scanner.end()
  return tokenCount(tokens)
}

async function runStreamJsonScanOnly(file: string): Promise<Outcome> {
  let tokens = 0
  await drain(
    pipe(parseFile(PACKED), () => {
      tokens++
      return none
    })(file),
  )
  return tokenCount(tokens)
}

async function measure(variant: Variant, file: string): Promise<Measurement> {
  const bytes = statSync(file).size
  const c = new Collector()
  const started = process.hrtime.bigint()
  const cpu0 = process.cpuUsage()
  let outcome: Outcome
  switch (variant) {
    case 'idle':
      outcome = tokenCount(0)
      break
    case 'scanner':
      outcome = await runScanner(file, c)
      break
    case 'sj-tokens':
      outcome = await runStreamJsonTokens(file, c, MB, unpinned)
      break
    case 'sj-tokens-64k':
      outcome = await runStreamJsonTokens(file, c, 64 * 1024, unpinned)
      break
    case 'sj-uncopied':
      outcome = await runStreamJsonTokens(file, c, MB, asIs)
      break
    case 'sj-pick':
      outcome = await runStreamJsonPick(file, c)
      break
    case 'json-parse':
      outcome = await runJsonParse(file, c)
      break
    case 'scan-only':
      outcome = await runScanOnly(file)
      break
    case 'sj-scan-only':
      outcome = await runStreamJsonScanOnly(file)
      break
  }
  const ms = Number(process.hrtime.bigint() - started - c.digestNs) / 1e6
  const cpu = process.cpuUsage(cpu0)
  const cpuMs = (cpu.user + cpu.system) / 1000 - Number(c.digestNs) / 1e6
  return {variant, bytes, ms, cpuMs, maxRssMb: process.resourceUsage().maxRSS / 1024, ...outcome}
}

// ---- driver ------------------------------------------------------------------------------

function runChild(variant: Variant, file: string): Measurement {
  const self = fileURLToPath(import.meta.url)
  const r = spawnSync(process.execPath, [self, '--run', variant, file], {
    encoding: 'utf8',
    maxBuffer: 16 * MB,
    timeout: CHILD_TIMEOUT_MS,
  })
  if (r.status !== 0)
    throw new Error(`${variant} on ${file} failed (exit ${r.status}${r.signal ? `, ${r.signal}` : ''}): ${r.stderr}`)
  return JSON.parse(r.stdout) as Measurement
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}

interface Summary {
  mbps: number
  cpuS: number
  rss: number
}

function summarise(runs: Measurement[]): Summary {
  return {
    mbps: median(runs.map((m) => m.bytes / MB / (m.ms / 1000))),
    cpuS: median(runs.map((m) => m.cpuMs / 1000)),
    rss: median(runs.map((m) => m.maxRssMb)),
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  if (args[0] === '--run') {
    const variant = args[1] as Variant
    if (!VARIANTS.includes(variant)) throw new Error(`--run takes one of ${VARIANTS.join(', ')}, not ${args[1]}`)
    process.stdout.write(JSON.stringify(await measure(variant, args[2]!)) + '\n')
    return
  }
  const sizesArg = args.includes('--sizes') ? args[args.indexOf('--sizes') + 1]! : '50,200'
  const sizes = sizesArg.split(',').map(Number)
  if (sizes.some((s) => !Number.isFinite(s) || s <= 0 || s > MAX_SIZE_MB))
    throw new Error(`--sizes takes MB values between 1 and ${MAX_SIZE_MB}, not ${sizesArg}`)
  const repeat = args.includes('--repeat') ? Number(args[args.indexOf('--repeat') + 1]) : 3
  if (!Number.isInteger(repeat) || repeat < 1 || repeat > 9) throw new Error('--repeat takes 1 to 9')
  const dir = mkdtempSync(join(tmpdir(), 'confctl-bench-qoe-json-'))
  const cleanup = () => rmSync(dir, {recursive: true, force: true})
  process.once('SIGINT', () => {
    cleanup()
    process.exit(130)
  })
  try {
    console.log(
      `JSON scanner vs stream-json: webrtc-internals dumps of ${POINTS}-point series, one Node.js ${process.version} process per run, median of ${repeat}\n`,
    )
    console.log(
      [
        'dump'.padEnd(8),
        'variant'.padEnd(32),
        'MB/s'.padStart(7),
        'CPU s'.padStart(6),
        'peak RSS MB'.padStart(11),
        'wall s of each run',
      ].join('  '),
    )
    const ratios: string[] = []
    for (const size of sizes) {
      const file = join(dir, `dump-${size}mb.json`)
      const pcs = generate(file, size)
      const variants = VARIANTS.filter((v) => v !== 'json-parse' || size <= MAX_JSON_PARSE_MB)
      const runs = new Map<Variant, Measurement[]>(variants.map((v) => [v, []]))
      // round robin, so that other load on the machine falls on every variant alike
      for (let r = 0; r < repeat; r++) for (const v of variants) runs.get(v)!.push(runChild(v, file))
      const check = (v: Variant, ref: Variant) => {
        for (const m of runs.get(v)!) {
          const want = runs.get(ref)![0]!
          if (m.output !== want.output || m.series !== want.series)
            throw new Error(`${size} MB: ${v} does not produce what ${ref} produces (${m.output} vs ${want.output})`)
        }
      }
      for (const v of ['scanner', 'sj-tokens', 'sj-tokens-64k', 'sj-uncopied', 'sj-pick', 'json-parse'] as const)
        if (runs.has(v)) check(v, 'scanner')
      check('sj-scan-only', 'scan-only')
      const ours = runs.get('scanner')![0]!
      if (ours.peerConnections !== pcs || ours.streams !== pcs * 4)
        throw new Error(
          `${size} MB: expected ${pcs} peer connections and ${pcs * 4} streams, got ${ours.peerConnections}`,
        )
      const mb = ours.bytes / MB
      const s = new Map<Variant, Summary>()
      for (const v of variants) {
        const sum = summarise(runs.get(v)!)
        s.set(v, sum)
        console.log(
          [
            `${mb.toFixed(0)} MB`.padEnd(8),
            LABELS[v].padEnd(32),
            (v === 'idle' ? '–' : sum.mbps.toFixed(1)).padStart(7),
            sum.cpuS.toFixed(2).padStart(6),
            sum.rss.toFixed(0).padStart(11),
            runs
              .get(v)!
              .map((m) => (m.ms / 1000).toFixed(2))
              .join(' '),
          ].join('  '),
        )
      }
      const r = (n: number) => `${n.toFixed(2)}x`.padStart(7)
      ratios.push(
        `${mb.toFixed(0)} MB, ${pcs} peer connections, every output identical; first / second:`,
        `${''.padEnd(67)}${'MB/s'.padStart(7)}${'CPU s'.padStart(7)}${'RSS'.padStart(7)}`,
      )
      const pairs: [Variant, Variant][] = [
        ['scanner', 'sj-tokens'],
        ['scanner', 'sj-tokens-64k'],
        ['scanner', 'sj-uncopied'],
        ['scanner', 'sj-pick'],
        ['scanner', 'json-parse'],
        ['scan-only', 'sj-scan-only'],
      ]
      for (const [a, b] of pairs) {
        const x = s.get(a)
        const y = s.get(b)
        if (!x || !y) continue
        ratios.push(
          `  ${LABELS[a].padEnd(30)} / ${LABELS[b].padEnd(32)}${r(x.mbps / y.mbps)}${r(x.cpuS / y.cpuS)}${r(x.rss / y.rss)}`,
        )
      }
      rmSync(file, {force: true})
    }
    console.log('\n' + ratios.join('\n'))
  } finally {
    cleanup()
  }
}

await main()
