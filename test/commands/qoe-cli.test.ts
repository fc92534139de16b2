// test-kind: e2e
// `confctl qoe import` and `confctl qoe check` run as a user runs them (node bin/run.js):
// every kind of bad input exits 2 with one sentence naming the file, the line or byte and
// the key; `qoe check` exits 1 when a stream breaks a threshold and 0 when none does.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {execFile} from 'node:child_process'
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = fileURLToPath(new URL('../../../', import.meta.url))
const bin = join(root, 'bin', 'run.js')
const fixture = (name: string) => join(root, 'test', 'fixtures', 'webrtc-internals', name)
const tmp = mkdtempSync(join(tmpdir(), 'confctl-qoe-cli-'))

interface Run {
  code: number
  stdout: string
  stderr: string
}

function confctl(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      {cwd: root, env: {...process.env, CONFCTL_HOME: tmp, NO_COLOR: '1'}, timeout: 60_000, maxBuffer: 64 << 20},
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as {code?: unknown}).code === 'number' ? (err as {code: number}).code : -1) : 0
        resolve({code, stdout, stderr})
      },
    )
  })
}

function write(name: string, content: string | Buffer): string {
  const path = join(tmp, name)
  writeFileSync(path, content)
  return path
}

/** Exit 2, nothing on stdout, one line on stderr that names the file and matches `re`. */
async function expectBadInput(file: string, re: RegExp): Promise<string> {
  const r = await confctl('qoe', 'import', file)
  assert.is(r.code, 2, `exit code for ${file}: ${r.stderr}`)
  assert.is(r.stdout, '')
  const lines = r.stderr.trim().split('\n')
  assert.is(lines.length, 1, r.stderr)
  assert.ok(lines[0]!.startsWith(`confctl: ${file}`), r.stderr)
  assert.match(lines[0]!, re)
  assert.not.match(r.stderr, /\n\s+at /) // no stack trace
  return lines[0]!
}

const dump = readFileSync(fixture('chrome-new.json'))
const gz = readFileSync(fixture('chrome-new.json.gz'))

test('a missing file, a directory, an empty file', async () => {
  await expectBadInput(join(tmp, 'nope.json'), /does not exist\.$/)
  mkdirSync(join(tmp, 'a-dir'))
  await expectBadInput(join(tmp, 'a-dir'), /is a directory/)
  await expectBadInput(write('empty.json', ''), /is empty\.$/)
})

test('a truncated dump names the line, byte and key it ends in', async () => {
  const cut = write('cut.json', dump.subarray(0, 50_000))
  const line = dump.subarray(0, 50_000).toString('latin1').split('\n').length
  const msg = await expectBadInput(
    cut,
    /is truncated: the input ends inside .* at line (\d+), byte 50000, in PeerConnections\["7-1"\]\.stats\["[^"]+"\]/,
  )
  assert.ok(msg.includes(`line ${line},`), msg)
})

test('non-JSON: at the start, and in the middle of a dump', async () => {
  await expectBadInput(
    write('text.json', 'hello, this is not a dump\n'),
    /is not valid JSON: unexpected 'h' \(expected a JSON value\) at line 1, byte 0\.$/,
  )
  const text = dump.toString('utf8')
  const at = text.indexOf('"updateLog"')
  const broken = write('broken.json', text.slice(0, at) + '@' + text.slice(at))
  const line = text.slice(0, at).split('\n').length
  await expectBadInput(
    broken,
    new RegExp(
      `is not valid JSON: unexpected '@' .* at line ${line}, byte ${Buffer.byteLength(text.slice(0, at))}, in PeerConnections\\["7-1"\\]`,
    ),
  )
})

test('wrong-shaped JSON names the missing or wrong key', async () => {
  await expectBadInput(
    write('nopc.json', '{"getUserMedia": [], "UserAgent": "x"}'),
    /not a webrtc-internals dump: the top-level object has no "PeerConnections" key; its keys are "getUserMedia", "UserAgent" \(at line 1, byte \d+\)/,
  )
  await expectBadInput(write('array.json', '[1, 2]'), /not a webrtc-internals dump: the top level is an array/)
  await expectBadInput(
    write('pcs-array.json', '{"PeerConnections": []}'),
    /"PeerConnections" is an array, not an object of peer connections \(at line 1, byte 20, in PeerConnections\)/,
  )
  await expectBadInput(
    write(
      'values.json',
      '{"PeerConnections": {"1-1": {"stats": {\n"IT01V1-packetsLost": {"statsType": "inbound-rtp", "values": "oops"}}}}}',
    ),
    /"values" is not a JSON-encoded array .*at line 2, byte \d+, in PeerConnections\["1-1"\]\.stats\["IT01V1-packetsLost"\]\.values\)/,
  )
  await expectBadInput(
    write('entry.json', '{"PeerConnections": {"1-1": {"stats": {"IT01V1-jitter": 5}}}}'),
    /stats entry "IT01V1-jitter" is a number, not an object/,
  )
})

test('corrupt and truncated gzip', async () => {
  const method = Buffer.from(gz)
  method[2] = 0x07 // compression method other than deflate
  await expectBadInput(
    write('method.gz', method),
    /is a corrupt gzip file: unknown compression method \(near compressed byte \d+\)\.$/,
  )
  const crc = Buffer.from(gz)
  crc[crc.length - 6]! ^= 0xff // the CRC-32 in the trailer
  await expectBadInput(write('crc.gz', crc), /is a corrupt gzip file: incorrect data check/)
  await expectBadInput(write('half.gz', gz.subarray(0, gz.length >> 1)), /is a truncated gzip file/)
})

test('RTCStatsDump lines that are not JSON, or without the header', async () => {
  const lines = readFileSync(fixture('rtcstats-dump.txt'), 'utf8').split('\n')
  lines[5] = lines[5]!.slice(0, 40)
  const offset = Buffer.byteLength(lines.slice(0, 5).join('\n')) + 1
  await expectBadInput(
    write('lines.txt', lines.join('\n')),
    new RegExp(`lines\\.txt: line 6 \\(byte ${offset}\\) is not JSON: .*\\.$`),
  )
  await expectBadInput(
    write('meta.txt', 'RTCStatsDump\n[1, 2]\n'),
    /: line 2 \(byte 13\) \(the metadata line\) is not a JSON object\.$/,
  )
  await expectBadInput(
    write('delta.txt', 'RTCStatsDump\n{"fileFormat": 3}\n["getStats", "1-1", {}, "soon"]\n'),
    /: line 3 \(byte 31\) ends in "soon" where the time delta, a number, belongs\.$/,
  )
  await expectBadInput(
    write('plain.jsonl', '{"stats": {}}\n{"nothing": 1}\n'),
    /: line 2 \(byte 14\) has neither a "stats" key nor an RTCStats "id" and "type"\.$/,
  )
})

test('qoe import --json prints only JSON', async () => {
  const r = await confctl('qoe', 'import', fixture('chrome-new.json.gz'), '--json')
  assert.is(r.code, 0, r.stderr)
  const out = JSON.parse(r.stdout) as {
    format: string
    gzip: boolean
    peerConnections: Array<{id: string; streams: unknown[]}>
  }
  assert.is(out.format, 'webrtc-internals')
  assert.is(out.gzip, true)
  assert.equal(
    out.peerConnections.map((pc) => pc.streams.length),
    [4, 4],
  )
  const human = await confctl('qoe', 'import', fixture('rtcstats-dump.txt'))
  assert.is(human.code, 0)
  assert.match(human.stdout, /rtcstats, 2 peer connection\(s\), 8 stream\(s\)/)
  assert.match(human.stdout, /pc 7-2 \/ inbound-rtp video ssrc \d+ +VP8 +11 +0 \/ 10 \/ 10 /)
})

test('qoe check exits 1 and names the streams that break a threshold', async () => {
  const r = await confctl('qoe', 'check', '--file', fixture('chrome-new.json'))
  assert.is(r.code, 1, r.stderr)
  assert.match(r.stdout, /pc 7-2 \/ inbound-rtp video ssrc \d+: p95 loss 10 % > 2 %/)
  assert.match(r.stdout, /pc 7-2 \/ inbound-rtp video ssrc \d+: p95 MOS 2\.94 < 3\.5/)
  assert.match(r.stderr, /^confctl: \d of 8 stream\(s\) break the quality thresholds: pc 7-\d \/ .*: p95 /)
})

test('qoe check exits 0 when every stream is within the thresholds', async () => {
  const r = await confctl(
    'qoe',
    'check',
    '--file',
    fixture('rtcstats-dump-compressed.txt'),
    '--max-loss',
    '15',
    '--max-jitter',
    '150',
    '--min-mos',
    '2.5',
  )
  assert.is(r.code, 0, r.stderr)
  assert.match(r.stdout, /all 8 stream\(s\) within the thresholds/)
  assert.is(r.stderr, '')
})

test('qoe check --json: the verdict in JSON, still exit 1', async () => {
  const r = await confctl('qoe', 'check', '--file', fixture('chrome-old.json'), '--max-loss', '5', '--json')
  assert.is(r.code, 1)
  const out = JSON.parse(r.stdout) as {
    passed: boolean
    streamsChecked: number
    thresholds: {maxLossPercent: number}
    violations: Array<{figure: string; source: string; message: string}>
  }
  assert.is(out.passed, false)
  assert.is(out.streamsChecked, 8)
  assert.is(out.thresholds.maxLossPercent, 5)
  assert.ok(
    out.violations.some(
      (v) =>
        v.figure === 'loss' && v.source === 'pc 7-2' && /RTCInboundRTPVideoStream|inbound-rtp video/.test(v.message),
    ),
  )
  const ok = await confctl(
    'qoe',
    'check',
    '--file',
    fixture('chrome-old.json'),
    '--max-loss',
    '50',
    '--max-jitter',
    '500',
    '--min-mos',
    '1',
    '--json',
  )
  assert.is(ok.code, 0)
  assert.is((JSON.parse(ok.stdout) as {passed: boolean}).passed, true)
})

test('qoe check: a threshold that is not a number, and no --file', async () => {
  const r = await confctl('qoe', 'check', '--file', fixture('chrome-new.json'), '--max-loss', 'abc')
  assert.is(r.code, 2)
  assert.is(r.stderr, 'confctl: --max-loss takes a packet loss in percent, not "abc".\n')
  const none = await confctl('qoe', 'check')
  assert.is(none.code, 2)
  assert.match(none.stderr, /--file/)
})

test.after(() => rmSync(tmp, {recursive: true, force: true}))

test.run()
