// test-kind: e2e
// Rotated logs as they are on real servers, on real files in a temp dir: gzip rotations
// searched and rewritten as gzip (same mode, other lines byte-identical once decompressed),
// IPv4-mapped client addresses, and everything "access.log*" covers that cannot be searched
// reported with its reason: bzip2/zstd rotations, a corrupt (truncated) gzip, a ".gz" that
// is not gzip, a dangling link and a FIFO. Tests run as root, where chmod 000 does not stop
// a read, so unreadable files are made with a dangling link and a FIFO instead.
// JSON-lines rotations go the same way. A process killed in the middle of a gzip rewrite
// leaves the old file or the new one.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {spawn, execFileSync} from 'node:child_process'
import {chmodSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {gunzipSync, gzipSync} from 'node:zlib'
import {UnreachableError} from '../../src/errors.js'
import {CombinedLogConnector} from '../../src/privacy/connectors/combined-log-connector.js'
import {JsonlConnector} from '../../src/privacy/connectors/jsonl-connector.js'
import type {Unsearchable} from '../../src/privacy/connectors/connector.js'
import {parseDatamap} from '../../src/privacy/datamap-parse.js'
import {canonicalIp, truncateIp} from '../../src/privacy/ip-address.js'
import {until} from '../helpers/until.js'

const line = (ip: string, path: string) =>
  `${ip} - - [10/Nov/2026:09:15:02 +0100] "GET ${path} HTTP/1.1" 200 5120 "-" "Mozilla/5.0"`
const ERIKA = '141.71.30.4'

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'confctl-gzlogs-'))
  const map = parseDatamap(
    `version: 1
stores:
  web:
    kind: combined-log
    collections:
      access:
        path: ${join(dir, 'access.log*')}
        purpose: ops
        legal_basis: e
        source: browsers
        retention: {period: 14d, from: time}
        erasure: {strategy: truncate-ip}
        fields:
          ip: {category: network.ip, identifies: ip}
`,
    'test.yaml',
    {},
  )
  const c = new CombinedLogConnector(map.stores[0])
  return {dir, c, coll: map.stores[0].collections[0]}
}
const byIp = (ip: string) => [{field: 'ip', values: [canonicalIp(ip)!], ip: true}]
const eraser = (_f: string, v: unknown) => truncateIp(String(v))

const rotated = [
  line(`::ffff:${ERIKA}`, '/b/eri-abc-123'),
  line('::ffff:192.0.2.44', '/b/max-ghi-789'),
  line(ERIKA, '/signin'),
  line('2001:db8::44', '/'),
  line(`::ffff:${ERIKA}`, '/b/eri-def-456'),
].join('\n')

test('gzip rotations are searched; mapped and plain IPv4 match each other both ways', async () => {
  const {dir, c, coll} = setup()
  writeFileSync(join(dir, 'access.log'), line('::ffff:192.0.2.44', '/') + '\n')
  writeFileSync(join(dir, 'access.log.2.gz'), gzipSync(rotated + '\n'))
  await c.connect()
  const problems: Unsearchable[] = []
  const found = await c.find(coll, byIp(ERIKA), (u) => problems.push(u))
  assert.equal(
    found.map((r) => [r.key.slice(dir.length + 1).replace(/:\d+$/, ''), r.data.ip]),
    [
      ['access.log.2.gz', `::ffff:${ERIKA}`],
      ['access.log.2.gz', ERIKA],
      ['access.log.2.gz', `::ffff:${ERIKA}`],
    ],
  )
  assert.equal(problems, [])
  // The reverse: a subject given in mapped notation finds the plain IPv4 line too.
  assert.is((await c.find(coll, byIp(`::ffff:${ERIKA}`))).length, 3)
  assert.is((await c.find(coll, byIp('192.0.2.44'))).length, 2)
})

test('what the pattern covers but cannot be searched is reported with its reason', async () => {
  const {dir, c, coll} = setup()
  writeFileSync(join(dir, 'access.log'), line(ERIKA, '/') + '\n')
  const gz = gzipSync(Array.from({length: 2000}, (_, i) => line(i % 2 ? ERIKA : '192.0.2.44', `/p${i}`)).join('\n'))
  writeFileSync(join(dir, 'access.log.2.gz'), gz.subarray(0, gz.length >> 1)) // truncated half-way
  writeFileSync(join(dir, 'access.log.3.bz2'), Buffer.concat([Buffer.from('BZh91AY&SY'), Buffer.alloc(64)]))
  writeFileSync(join(dir, 'access.log.4.zst'), Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0]))
  writeFileSync(join(dir, 'access.log.5.gz'), line(ERIKA, '/plain text under a .gz name') + '\n')
  symlinkSync(join(dir, 'gone'), join(dir, 'access.log.6'))
  execFileSync('mkfifo', [join(dir, 'access.log.7')])
  const problems: Unsearchable[] = []
  const found = await c.find(coll, byIp(ERIKA), (u) => problems.push(u))
  const reasons = Object.fromEntries(problems.map((p) => [p.path.slice(dir.length + 1), p.reason]))
  assert.equal(Object.keys(reasons).sort(), [
    'access.log.2.gz',
    'access.log.3.bz2',
    'access.log.4.zst',
    'access.log.5.gz',
    'access.log.6',
    'access.log.7',
  ])
  assert.match(
    reasons['access.log.2.gz'],
    /^is a corrupt gzip file \(unexpected end of file after \d+ decompressed bytes\)$/,
  )
  assert.is(reasons['access.log.3.bz2'], 'is compressed with bzip2, which cannot be searched (only gzip can)')
  assert.is(reasons['access.log.4.zst'], 'is compressed with zstd, which cannot be searched (only gzip can)')
  assert.is(reasons['access.log.5.gz'], 'is named .gz but is not gzip data (corrupt or misnamed)')
  assert.is(reasons['access.log.6'], 'is a symbolic link to a missing target')
  assert.is(reasons['access.log.7'], 'is a FIFO (named pipe), not a file that can be read')
  // The lines before the damage are still found (and the plain log, of course).
  assert.ok(found.filter((r) => r.key.includes('access.log.2.gz')).length > 10)
  assert.ok(found.some((r) => r.key.startsWith(join(dir, 'access.log:'))))

  // Erasing in the corrupt file refuses with one sentence and leaves it byte-identical.
  const before = readFileSync(join(dir, 'access.log.2.gz'))
  const steps = c.planErasure(coll, found, byIp(ERIKA))
  const bad = steps.find((s) => s.op === 'rewrite-lines' && s.file.endsWith('.2.gz'))!
  try {
    await c.apply(coll, bad, eraser)
    assert.unreachable('a corrupt gzip must not be rewritten')
  } catch (err) {
    assert.instance(err, UnreachableError)
    assert.match((err as Error).message, /access\.log\.2\.gz is a corrupt gzip file .*; it was left unchanged\.$/)
  }
  assert.equal(readFileSync(join(dir, 'access.log.2.gz')), before)
  assert.not.ok(
    readdirSync(dir).some((f) => f.endsWith('.tmp')),
    'no temp file is left',
  )
})

test('erasure rewrites a gzip rotation as gzip, same mode, other lines byte-identical', async () => {
  const {dir, c, coll} = setup()
  const file = join(dir, 'access.log.2.gz')
  writeFileSync(file, gzipSync(rotated + '\n'))
  chmodSync(file, 0o640)
  const steps = c.planErasure(coll, await c.find(coll, byIp(ERIKA)), byIp(ERIKA))
  assert.is(steps.length, 1)
  assert.is(await c.apply(coll, steps[0], eraser), 3)
  assert.is(statSync(file).mode & 0o777, 0o640)
  const after = gunzipSync(readFileSync(file)).toString().split('\n')
  const want = rotated.split('\n')
  assert.is(after[0], want[0].replace(`::ffff:${ERIKA}`, '::ffff:141.71.30.0'))
  assert.is(after[1], want[1])
  assert.is(after[2], want[2].replace(ERIKA, '141.71.30.0'))
  assert.is(after[3], want[3])
  assert.is(after[4], want[4].replace(`::ffff:${ERIKA}`, '::ffff:141.71.30.0'))
  assert.is(after[5], '', 'the final newline stays')
  assert.equal(await c.find(coll, byIp(ERIKA)), [])
  assert.is(await c.apply(coll, steps[0], eraser), 0, 'applying again changes nothing')
})

test("JSON-lines rotations (the node's own access.log) are searched and rewritten as gzip too", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'confctl-gzjsonl-'))
  const map = parseDatamap(
    `version: 1
stores:
  node:
    kind: jsonl
    collections:
      access:
        path: ${join(dir, 'access.log*')}
        purpose: ops
        legal_basis: f
        source: the node
        retention: {period: 30d, from: time}
        erasure: {strategy: delete}
        fields:
          ip: {category: network.ip, identifies: ip}
`,
    'test.yaml',
    {},
  )
  const coll = map.stores[0].collections[0]
  const c = new JsonlConnector(map.stores[0])
  const rows = [
    {time: '2026-11-10T09:00:00Z', ip: `::ffff:${ERIKA}`, path: '/whip/a'},
    {time: '2026-11-10T09:00:01Z', ip: '198.51.100.9', path: '/whep/a'},
  ]
  writeFileSync(join(dir, 'access.log.1.gz'), gzipSync(rows.map((r) => JSON.stringify(r)).join('\n') + '\n'))
  const found = await c.find(coll, byIp(ERIKA))
  assert.is(found.length, 1)
  const steps = c.planErasure(coll, found, byIp(ERIKA))
  assert.is(await c.apply(coll, steps[0], eraser), 1)
  assert.is(gunzipSync(readFileSync(join(dir, 'access.log.1.gz'))).toString(), JSON.stringify(rows[1]) + '\n')
})

test('a kill during a gzip rewrite leaves the old file or the new one, never half a file', async () => {
  const {dir, c, coll} = setup()
  // Big enough that the rewrite takes a while: ~60 MB of lines, every 50th is the subject's.
  const body = Array.from({length: 400_000}, (_, i) => line(i % 50 ? `198.51.100.${i % 250}` : ERIKA, `/r/${i}`))
  const old = gzipSync(body.join('\n') + '\n', {level: 1})
  const file = join(dir, 'access.log.2.gz')
  writeFileSync(file, old)
  const steps = c.planErasure(coll, await c.find(coll, byIp(ERIKA)), byIp(ERIKA))
  const newText = body.map((l) => l.replace(`${ERIKA} `, '141.71.30.0 ')).join('\n') + '\n'
  const mod = pathToFileURL(join(process.cwd(), 'dist/src/privacy/connectors/combined-log-connector.js')).href
  const ipMod = pathToFileURL(join(process.cwd(), 'dist/src/privacy/ip-address.js')).href
  const script = `
    const {CombinedLogConnector} = await import(${JSON.stringify(mod)})
    const {truncateIp} = await import(${JSON.stringify(ipMod)})
    const c = new CombinedLogConnector({name: 'web', collections: []})
    await c.apply(null, ${JSON.stringify(steps[0])}, (_f, v) => truncateIp(String(v)))
    process.stdout.write('done')`
  const outcomes = new Set<string>()
  let last = ''
  for (const killAt of [1, 256 * 1024, 1024 * 1024]) {
    writeFileSync(file, old)
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {stdio: ['ignore', 'pipe', 'inherit']})
    let done = false
    child.stdout.on('data', () => (done = true))
    const exited = new Promise((r) => child.on('exit', r))
    // Kill once this child's temp file has grown to killAt bytes (or the rewrite finished first).
    await until(
      `the rewrite reaching ${killAt} bytes`,
      () =>
        done ||
        readdirSync(dir).some(
          (f) => f.includes(`.${child.pid}.`) && (statSync(join(dir, f), {throwIfNoEntry: false})?.size ?? 0) >= killAt,
        ) ||
        child.exitCode !== null,
      60_000,
      1,
    )
    child.kill('SIGKILL')
    await exited
    const text = gunzipSync(readFileSync(file)).toString() // throws on half a gzip file
    assert.ok(text === body.join('\n') + '\n' || text === newText, 'old or new, byte for byte')
    last = text === newText ? 'new' : 'old'
    outcomes.add(last)
  }
  assert.ok(outcomes.has('old'), 'at least one kill landed mid-rewrite')
  // The rerun (a resumed step) removes the dead process's temp file and finishes the job.
  assert.is(await c.apply(coll, steps[0], eraser), last === 'old' ? 8_000 : 0)
  assert.is(gunzipSync(readFileSync(file)).toString(), newText)
  assert.equal(
    readdirSync(dir).filter((f) => f.endsWith('.tmp')),
    [],
  )
})

test.run()
