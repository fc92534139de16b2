// test-kind: e2e
// The node rotates its access log by size and by age, deletes rotated files after the
// retention its built-in datamap states, and data-subject requests still find the lines in
// rotated files. Real node process; the datamap and connector are the ones `confctl dsar` uses.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {builtinDatamap} from '../../src/privacy/builtin-datamap.js'
import {connectorFor} from '../../src/privacy/connectors/open-connector.js'
import {findCollection} from '../../src/privacy/datamap-types.js'
import {ACCESS_LOG_RETENTION_SECONDS} from '../../src/sfu/access-log.js'
import {startTestNode, type TestNode} from '../helpers/sfu-process.js'
import {rtcPortSlot} from '../helpers/rtc-port-slots.js'

const ROTATED = /^access\.log\.(\d{8}T\d{6}\.\d{3}Z)(\.\d+)?$/
let node: TestNode | undefined

test.after.each(async () => {
  await node?.stop()
  node = undefined
})

async function waitFor<T>(what: string, ms: number, probe: () => T | undefined | false): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const v = probe()
    if (v !== undefined && v !== false) return v
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

const logFiles = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f === 'access.log' || ROTATED.test(f))
    .sort()
const linesOf = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as {time: string; path: string; ip: string})
const allLines = (dir: string) => logFiles(dir).flatMap((f) => linesOf(join(dir, f)))
const stampOf = (t: string) => t.replace(/[-:]/g, '')

/** The launcher's readiness probe (GET /healthz once state.json names the node) is the first
 *  line of a new node's log: wait for it, so that the lines a test adds are known to follow it. */
const readinessProbes = (dir: string) =>
  waitFor('the readiness probe in access.log', 5000, () =>
    allLines(dir).length > 0 ? allLines(dir).map((l) => l.path) : false,
  )

async function hit(n: number, path: string): Promise<void> {
  for (let i = 0; i < n; i++) await (await fetch(`${node!.state.adminUrl}${path}`)).arrayBuffer()
}

test('--access-log-max-size: no file passes the size, every line is kept, rotated files are named by their first line', async () => {
  node = await startTestNode(['--access-log-max-size', '2KB'], rtcPortSlot(10))
  const dir = node.dir
  const probes = (await readinessProbes(dir)).length
  await hit(60, '/healthz')
  await waitFor(
    '60 lines across the log files',
    5000,
    () => allLines(dir).filter((l) => l.path === '/healthz').length === probes + 60,
  )
  const rotated = logFiles(dir).filter((f) => f !== 'access.log')
  assert.ok(rotated.length >= 3, `rotated into ${rotated.length} files`)
  for (const f of logFiles(dir))
    assert.ok(statSync(join(dir, f)).size <= 2048, `${f} holds ${statSync(join(dir, f)).size} bytes (limit 2048)`)
  for (const f of rotated)
    assert.is(ROTATED.exec(f)![1], stampOf(linesOf(join(dir, f))[0]!.time), `${f} is named by its first line`)
})

test('--access-log-max-age: a file is rotated once its first line is that old', async () => {
  node = await startTestNode(['--access-log-max-age', '2s'], rtcPortSlot(10))
  const dir = node.dir
  const probes = await readinessProbes(dir)
  const before = Date.now()
  await hit(1, '/healthz')
  const rotated = await waitFor('a rotated file', 10_000, () => logFiles(dir).find((f) => f !== 'access.log'))
  const seenAfter = Date.now() - before
  assert.ok(seenAfter >= 1500, `rotated ${seenAfter} ms after the first line (max age 2 s)`)
  assert.equal(
    linesOf(join(dir, rotated)).map((l) => l.path),
    [...probes, '/healthz'],
    'the rotated file holds the probe and the request',
  )
  await hit(1, '/v1/rooms')
  await waitFor('the next line in a new access.log', 5000, () =>
    linesOf(join(dir, 'access.log')).some((l) => l.path === '/v1/rooms'),
  )
})

test('rotated files past the retention are deleted at start; data-subject requests find lines in the others', async () => {
  const home = mkdtempSync(join(tmpdir(), 'confctl-home-'))
  const dir = join(home, 'nodes', 'test')
  mkdirSync(dir, {recursive: true, mode: 0o700})
  const line = (time: string, ip: string) =>
    JSON.stringify({
      time,
      server: 'public',
      method: 'POST',
      path: '/whip/maths',
      status: 201,
      bytes: 1,
      ip,
      userAgent: 'ua',
    }) + '\n'
  const expired = new Date(Date.now() - ACCESS_LOG_RETENTION_SECONDS * 1000 - 3600_000).toISOString()
  const recent = new Date(Date.now() - 86400_000).toISOString()
  writeFileSync(join(dir, `access.log.${stampOf(expired)}`), line(expired, '198.51.100.9'), {mode: 0o600})
  writeFileSync(join(dir, `access.log.${stampOf(recent)}`), line(recent, '198.51.100.9'), {mode: 0o600})
  node = await startTestNode(['--access-log-max-size', '1KB'], rtcPortSlot(10), dir)
  assert.equal(
    logFiles(dir).filter((f) => f !== 'access.log'),
    [`access.log.${stampOf(recent)}`],
    'only the file past the retention is gone',
  )

  const map = builtinDatamap(home)
  const coll = findCollection(map, 'node-test-log', 'access_log')!
  assert.is(
    coll.retention.days * 86400,
    ACCESS_LOG_RETENTION_SECONDS,
    'the node deletes after the retention its datamap states',
  )
  await hit(20, '/healthz') // rotates the node's own lines too (1 KB files)
  await waitFor('a rotation of the live log', 5000, () => logFiles(dir).length >= 3)
  // Every line written before the search (each is logged once its response closes): the
  // launcher's readiness probe and the 20 requests.
  await waitFor(
    'the 20 requests in the logs',
    5000,
    () => allLines(dir).filter((l) => l.path === '/healthz').length >= 21,
  )
  const connector = connectorFor(map.stores.find((s) => s.name === 'node-test-log')!)
  await connector.connect()
  const found = await connector.find(coll, [{field: 'ip', values: ['198.51.100.9', '127.0.0.1']}])
  const files = new Set(found.map((r) => r.key.slice(0, r.key.lastIndexOf(':')).split('/').pop()))
  assert.equal(
    [...files].sort(),
    logFiles(dir).filter((f) => readFileSync(join(dir, f), 'utf8').length > 0),
    'lines found in every log file, rotated ones included',
  )
  await connector.close()
})

test.run()
