// test-kind: e2e
// `confctl demo --nodes N`: a throwaway fleet of real node processes on the machine's Redis
// (database 9; the demo adds a key prefix of its own) with real libwebrtc participants, one
// room joined through each node; the fleet spreads the rooms over the nodes. Bad --nodes /
// --redis values are exit 2, a Redis that does not answer exit 3, before any node starts.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Redis} from 'ioredis'
import {freePort, TEST_REDIS_URL} from '../helpers/coord-redis.js'
import {cli} from './helpers.js'

const home = mkdtempSync(join(tmpdir(), 'confctl-demofleet-'))
const run = (...args: string[]) => cli(home, args, {timeout: 120_000})

test.after(() => rmSync(home, {recursive: true, force: true}))

test('demo --nodes 3: three nodes, a room on each, spread by the fleet; nothing left in Redis', async () => {
  const r = await run(
    'demo',
    '--nodes',
    '3',
    '--participants',
    '1',
    '--duration',
    '3s',
    '--redis',
    TEST_REDIS_URL,
    '--json',
  )
  assert.is(r.exitCode, 0, r.stderr)
  const out = JSON.parse(r.stdout) as {
    nodes: string[]
    rooms: {node: string; room: {name: string; publishers: number}}[]
  }
  assert.is(out.nodes.length, 3)
  assert.equal(
    out.rooms.map((x) => x.room.name),
    ['demo-1', 'demo-2', 'demo-3'],
  )
  for (const x of out.rooms) {
    assert.ok(out.nodes.includes(x.node), `${x.room.name} on a demo node`)
    assert.is(x.room.publishers, 1, `${x.room.name} has its participant`)
  }
  assert.is(new Set(out.rooms.map((x) => x.node)).size, 3, 'one room per node (least-loaded placement)')
  const redis = new Redis(TEST_REDIS_URL)
  const [, left] = await redis.scan('0', 'MATCH', `confctl-demo:*`, 'COUNT', 10_000)
  redis.disconnect()
  assert.equal(
    left.filter((k) => out.nodes.some((n) => k.includes(n.split('-').pop()!))),
    [],
    'the nodes deregistered',
  )
})

test('demo --nodes: bad values are exit 2, an unreachable Redis exit 3', async () => {
  for (const [args, words] of [
    [['--nodes', '9'], '--nodes must be from 1 to 5'],
    [['--redis', TEST_REDIS_URL], '--redis goes with --nodes'],
    [['--nodes', '2', '--redis', 'http://x'], '--redis'],
  ] as const) {
    const r = await run('demo', ...args, '--duration', '1s', '--json')
    assert.is(r.exitCode, 2, `${args.join(' ')}: ${r.stderr}`)
    assert.match(r.stderr, words)
  }
  const port = await freePort()
  const r = await run('demo', '--nodes', '2', '--redis', `redis://127.0.0.1:${port}/0`, '--duration', '1s', '--json')
  assert.is(r.exitCode, 3, r.stderr)
  assert.match(r.stderr, 'degraded')
})

test.run()
