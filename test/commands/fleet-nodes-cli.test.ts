// test-kind: e2e
// A coordinated fleet from the CLI, with real node processes: `fleet init` against the machine's
// Redis (database 9, this file's own prefix), then `node up` twice: the nodes get the fleet's
// Redis and signing key from fleet.yaml and register themselves; `fleet status` sees them, and
// `smoke --fleet` publishes through one and subscribes through the other with libwebrtc
// clients: placement, the relay and media end to end.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Redis} from 'ioredis'
import {dropPrefix, TEST_REDIS_URL, uniquePrefix} from '../helpers/coord-redis.js'
import {until} from '../helpers/until.js'
import {cli, killAll, processesMentioning, randomRtcRange} from './helpers.js'

const home = mkdtempSync(join(tmpdir(), 'confctl-fleetnodes-'))
const prefix = uniquePrefix('fleetnodes')
const run = (...args: string[]) => cli(home, args, {timeout: 120_000})

const nodeUp = (name: string) =>
  run('node', 'up', '--name', name, '--port', '0', '--admin-port', '0', '--rtc-ports', randomRtcRange(), '--json')

async function registered(): Promise<string[]> {
  const r = await run('fleet', 'status', '--json')
  assert.is(r.exitCode, 0, r.stderr)
  return (JSON.parse(r.stdout).nodes as {name: string; state: string}[])
    .filter((n) => n.state === 'up')
    .map((n) => n.name)
}

test.after(async () => {
  for (const n of ['edge-a', 'edge-b']) await run('node', 'down', n, '--timeout', '5s')
  killAll(processesMentioning(home))
  const redis = new Redis(TEST_REDIS_URL)
  await dropPrefix(redis, prefix)
  redis.disconnect()
  rmSync(home, {recursive: true, force: true})
})

test('smoke --fleet with fewer than two registered nodes: exit 2 naming what it needs', async () => {
  assert.is((await run('fleet', 'init', '--redis', TEST_REDIS_URL, '--redis-prefix', prefix)).exitCode, 0)
  const r = await run('smoke', '--fleet', '--duration', '2s')
  assert.is(r.exitCode, 2, r.stderr)
  assert.match(r.stderr, 'smoke --fleet needs two nodes')
})

test('nodes started after fleet init register themselves and get the fleet key', async () => {
  for (const n of ['edge-a', 'edge-b']) {
    const up = await nodeUp(n)
    assert.is(up.exitCode, 0, up.stderr)
  }
  const key = readFileSync(join(home, 'fleet.secret'), 'utf8')
  for (const n of ['edge-a', 'edge-b'])
    assert.is(readFileSync(join(home, 'nodes', n, 'fleet.secret'), 'utf8'), key, `${n} has the fleet key`)
  await until(
    'both nodes registered in Redis',
    async () => (await registered()).join(',') === 'edge-a,edge-b',
    15_000,
    200,
  )
})

test('smoke --fleet: published through one node, subscribed through the other, media through the relay', async () => {
  // Thresholds loose on purpose: this checks placement, relay and that media arrives and
  // decodes, not the quality a loaded test machine can give (test/commands/smoke-cli.test.ts does that).
  const r = await run('smoke', '--fleet', '--duration', '3s', '--max-loss', '10', '--max-jitter', '200', '--json')
  assert.is(r.exitCode, 0, `${r.stderr}\n${r.stdout}`)
  const report = JSON.parse(r.stdout)
  assert.ok(report.passed)
  assert.is(report.fleet.publishedVia, 'edge-a')
  assert.is(report.fleet.subscribedVia, 'edge-b')
  assert.ok(['edge-a', 'edge-b'].includes(report.fleet.owner), `owner ${report.fleet.owner}`)
  assert.equal(report.fleet.relayed, report.fleet.owner === 'edge-a' ? ['whep'] : ['whip'])
  assert.is(report.streams.length, 4) // 2 publishers x audio/video, one subscriber
  for (const s of report.streams) assert.ok(s.packetsReceived > 0, `${s.publisher} ${s.kind} received`)
})

test('node up --redis: one node coordinates through its own Redis and prefix; bad values are exit 2', async () => {
  for (const [args, words] of [
    [['--redis', 'http://127.0.0.1:6379'], '--redis: '],
    [['--redis-prefix', 'x:'], '--redis-prefix goes with --redis'],
    [['--redis', TEST_REDIS_URL, '--redis-prefix', 'a b'], '--redis-prefix: '],
  ] as const) {
    const r = await run('node', 'up', '--name', 'solo', '--port', '0', '--admin-port', '0', ...args)
    assert.is(r.exitCode, 2, `${args.join(' ')}: ${r.stderr}`)
    assert.match(r.stderr, words)
  }
  assert.not.match(readFileSync(join(home, 'fleet.yaml'), 'utf8'), 'solo', 'nothing recorded for a refused node')
  const own = `${prefix}solo:`
  const up = await run(
    'node',
    'up',
    '--name',
    'solo',
    ...['--port', '0', '--admin-port', '0', '--rtc-ports', randomRtcRange()],
    ...['--redis', TEST_REDIS_URL, '--redis-prefix', own],
  )
  assert.is(up.exitCode, 0, up.stderr)
  const redis = new Redis(TEST_REDIS_URL)
  try {
    await until(
      'solo registered under its own prefix',
      async () => (await redis.exists(`${own}nodes`)) === 1,
      15_000,
      100,
    )
  } finally {
    redis.disconnect()
    await run('node', 'down', 'solo', '--timeout', '5s')
  }
  assert.match(readFileSync(join(home, 'fleet.yaml'), 'utf8'), `redisPrefix: "${own}"`)
})

test.run()
