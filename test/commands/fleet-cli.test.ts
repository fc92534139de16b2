// test-kind: e2e
// fleet init / status / rotate-key and the room commands' discovery through Redis, through the
// built CLI against the machine's Redis (database 9, a key prefix of this file's own) and a
// redis-server of the test's own where Redis must be down. Registrations of nodes this
// fleet.yaml does not list are written with the coordination module's own heartbeat and
// claim scripts (the same writes a node makes); the fleet.yaml nodes are real node processes.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Redis} from 'ioredis'
import {heartbeat} from '../../src/coord/node-registration.js'
import {claimRoom} from '../../src/coord/claim-room.js'
import type {RegisteredNode} from '../../src/coord/registered-node.js'
import {dropPrefix, freePort, startOwnRedis, TEST_REDIS_URL, uniquePrefix} from '../helpers/coord-redis.js'
import {cli, killAll, processesMentioning, randomRtcRange} from './helpers.js'
import {publish, type Publisher} from './whip-publisher.js'

const homes: string[] = []
const newHome = () => {
  const h = mkdtempSync(join(tmpdir(), 'confctl-fleetcli-'))
  homes.push(h)
  return h
}
const prefix = uniquePrefix('fleetcli')
const redis = new Redis(TEST_REDIS_URL)
const publishers: Publisher[] = []
const TTL_MS = 120_000 // registrations written by the test outlive the test's slowest step

function registration(id: string, name: string, participants: number): RegisteredNode {
  const now = Date.now()
  return {
    id,
    name,
    publicUrl: `http://192.0.2.10:${8000 + participants}`,
    relayUrl: `http://192.0.2.10:${8000 + participants}`,
    version: '0.1.0',
    state: 'up',
    startedAt: now - 60_000,
    heartbeatAt: now,
    load: {cpuPercent: 12, rooms: 1, participants, packetsPerSecond: 250},
  }
}

/** Registers a node and claims `rooms` for it, as a node does on its first WHIP request. */
async function registerWithRooms(node: RegisteredNode, rooms: string[]): Promise<void> {
  await heartbeat(redis, prefix, node, [], TTL_MS)
  for (const room of rooms) {
    const placed = await claimRoom(redis, prefix, {
      room,
      selfId: node.id,
      policy: {kind: 'stay-here-below', percent: 100},
      ttlMs: TTL_MS,
    })
    assert.is(placed.kind === 'none' ? null : placed.node.id, node.id, `room ${room} placed on ${node.id}`)
  }
  await heartbeat(
    redis,
    prefix,
    node,
    rooms.map((room) => ({room, claimedAt: Date.now()})),
    TTL_MS,
  )
}

function fleetYaml(home: string, nodes: string[]): string {
  const file = join(home, 'fleet.yaml')
  const entries = nodes.map(
    (n) =>
      `  - name: ${n}\n    kind: local\n    dir: ${join(home, 'nodes', n)}\n    host: 127.0.0.1\n    port: 0\n    adminHost: 127.0.0.1\n    adminPort: 0\n    rtcPorts: 40000-40099\n`,
  )
  writeFileSync(file, `version: 1\nnodes:\n${entries.join('')}`)
  return file
}

test.after(async () => {
  for (const p of publishers) await p.close().catch(() => {})
  await dropPrefix(redis, prefix)
  redis.disconnect()
  for (const h of homes) {
    killAll(processesMentioning(h))
    rmSync(h, {recursive: true, force: true})
  }
})

test('fleet init refuses a URL that is not Redis, and a bad prefix: exit 2, one sentence, fleet.yaml unchanged', async () => {
  const home = newHome()
  const file = fleetYaml(home, ['edge-a'])
  const before = readFileSync(file, 'utf8')
  for (const args of [
    ['--redis', 'http://127.0.0.1:6379'],
    ['--redis', 'redis://127.0.0.1:6379/x'],
    ['--redis', TEST_REDIS_URL, '--redis-prefix', 'has space'],
  ]) {
    const r = await cli(home, ['fleet', 'init', ...args])
    assert.is(r.exitCode, 2, `${args.join(' ')}: ${r.stderr}`)
    assert.match(r.stderr, /^confctl: --redis(-prefix)?: /)
    assert.is(r.stderr.trim().split('\n').length, 1, r.stderr)
    assert.is(readFileSync(file, 'utf8'), before, `fleet.yaml unchanged after ${args.join(' ')}`)
    assert.not.ok(existsSync(join(home, 'fleet.secret')), 'no fleet key written')
  }
})

test('fleet init with a Redis that does not answer: exit 3, fleet.yaml unchanged', async () => {
  const home = newHome()
  const file = fleetYaml(home, ['edge-a'])
  const before = readFileSync(file, 'utf8')
  const port = await freePort() // nothing listens there
  const r = await cli(home, ['fleet', 'init', '--redis', `redis://127.0.0.1:${port}/0`])
  assert.is(r.exitCode, 3, r.stderr)
  assert.match(r.stderr, `127.0.0.1:${port}`)
  assert.match(r.stderr, 'was not changed')
  assert.is(readFileSync(file, 'utf8'), before)
})

test('fleet init records the coordination, keeps the nodes, and creates a 0600 fleet key', async () => {
  const home = newHome()
  fleetYaml(home, ['edge-a'])
  const r = await cli(home, ['fleet', 'init', '--redis', TEST_REDIS_URL, '--redis-prefix', prefix, '--json'])
  assert.is(r.exitCode, 0, r.stderr)
  const out = JSON.parse(r.stdout)
  assert.is(out.prefix, prefix)
  assert.equal(out.nodesToRestart, ['edge-a'])
  const yaml = readFileSync(join(home, 'fleet.yaml'), 'utf8')
  assert.match(yaml, `redis: ${TEST_REDIS_URL}`)
  assert.match(yaml, 'name: edge-a')
  assert.is(statSync(join(home, 'fleet.secret')).mode & 0o777, 0o600)
  assert.match(readFileSync(join(home, 'fleet.secret'), 'utf8'), /^[0-9a-f]{64}\n$/)
})

test("fleet status lists a node registered by another operator, and fleet.yaml's unregistered node", async () => {
  const home = newHome()
  fleetYaml(home, ['edge-a'])
  assert.is((await cli(home, ['fleet', 'init', '--redis', TEST_REDIS_URL, '--redis-prefix', prefix])).exitCode, 0)
  await registerWithRooms(registration('node-elsewhere', 'elsewhere', 7), ['lecture-1', 'lecture-2'])

  const r = await cli(home, ['fleet', 'status', '--json'])
  assert.is(r.exitCode, 0, r.stderr)
  const status = JSON.parse(r.stdout)
  const other = status.nodes.find((n: {name: string}) => n.name === 'elsewhere')
  assert.ok(other, r.stdout)
  assert.is(other.id, 'node-elsewhere')
  assert.is(other.state, 'up')
  assert.is(other.inFleetYaml, false)
  assert.is(other.load.participants, 7)
  assert.equal(other.rooms, ['lecture-1', 'lecture-2'])
  const mine = status.nodes.find((n: {name: string}) => n.name === 'edge-a')
  assert.is(mine.state, 'not registered')
  assert.is(mine.inFleetYaml, true)

  const text = await cli(home, ['fleet', 'status'])
  assert.is(text.exitCode, 0, text.stderr)
  assert.match(text.stdout, /elsewhere\s+up\s+no/)
  assert.match(text.stdout, /edge-a\s+not registered\s+yes/)
})

test('fleet status with Redis stopped: exit 3, the fleet is degraded', async () => {
  const own = await startOwnRedis()
  const home = newHome()
  fleetYaml(home, ['edge-a'])
  try {
    assert.is((await cli(home, ['fleet', 'init', '--redis', own.url])).exitCode, 0)
  } finally {
    await own.stop()
  }
  const r = await cli(home, ['fleet', 'status', '--json'])
  assert.is(r.exitCode, 3, r.stderr)
  assert.is(r.stdout, '')
  assert.match(r.stderr, 'the fleet is degraded')
  assert.match(r.stderr, `127.0.0.1:${own.port}`)
})

test('fleet status without fleet init: exit 2 naming the command to run', async () => {
  const home = newHome()
  fleetYaml(home, ['edge-a'])
  const r = await cli(home, ['fleet', 'status'])
  assert.is(r.exitCode, 2, r.stderr)
  assert.match(r.stderr, 'confctl fleet init --redis')
})

test('fleet rotate-key installs a new key in every local node, which keeps its old one for the overlap', async () => {
  const home = newHome()
  fleetYaml(home, ['edge-a', 'edge-b'])
  assert.is((await cli(home, ['fleet', 'init', '--redis', TEST_REDIS_URL, '--redis-prefix', prefix])).exitCode, 0)
  const first = readFileSync(join(home, 'fleet.secret'), 'utf8')
  const again = await cli(home, ['fleet', 'rotate-key', '--distribute-only', '--json'])
  assert.is(again.exitCode, 0, again.stderr)
  assert.equal(
    JSON.parse(again.stdout).nodes.map((n: {name: string; result: string}) => [n.name, n.result]),
    [
      ['edge-a', 'written'],
      ['edge-b', 'written'],
    ],
  )
  assert.is(readFileSync(join(home, 'fleet.secret'), 'utf8'), first, '--distribute-only keeps the key')

  const r = await cli(home, ['fleet', 'rotate-key', '--overlap', '2h', '--json'])
  assert.is(r.exitCode, 0, r.stderr)
  const out = JSON.parse(r.stdout)
  assert.ok(out.rotated, r.stdout)
  const second = readFileSync(join(home, 'fleet.secret'), 'utf8')
  assert.is.not(second, first)
  for (const n of ['edge-a', 'edge-b']) {
    const dir = join(home, 'nodes', n)
    assert.is(readFileSync(join(dir, 'fleet.secret'), 'utf8'), second, `${n} has the new key`)
    assert.is(readFileSync(join(dir, 'fleet.secret.previous'), 'utf8'), first, `${n} keeps the previous key`)
    const until = Date.parse(readFileSync(join(dir, 'fleet.secret.previous-until'), 'utf8').trim())
    assert.ok(Math.abs(until - Date.parse(out.overlapEndsAt)) < 1000, `${n}: previous accepted until the overlap ends`)
    assert.is(statSync(join(dir, 'fleet.secret')).mode & 0o777, 0o600)
  }
  assert.equal(
    out.nodes.map((n: {name: string; result: string}) => [n.name, n.result]),
    [
      ['edge-a', 'rotated'],
      ['edge-b', 'rotated'],
    ],
  )
})

test('room show / list / top find rooms through Redis without --node; a room on a node not in fleet.yaml is exit 3', async () => {
  const home = newHome()
  for (const name of ['edge-a', 'edge-b']) {
    const up = await cli(home, [
      'node',
      'up',
      '--name',
      name,
      '--port',
      '0',
      '--admin-port',
      '0',
      '--rtc-ports',
      randomRtcRange(),
      '--json',
    ])
    assert.is(up.exitCode, 0, up.stderr)
  }
  // Coordination recorded after the nodes started: they run without it, and the test writes
  // edge-a's registration and room claim the way a node does.
  assert.is((await cli(home, ['fleet', 'init', '--redis', TEST_REDIS_URL, '--redis-prefix', prefix])).exitCode, 0)
  const a = JSON.parse((await cli(home, ['node', 'status', 'edge-a', '--json'])).stdout)
  await registerWithRooms({...registration('node-edge-a', 'edge-a', 1), publicUrl: a.info.publicUrl}, ['standup'])
  await registerWithRooms(registration('node-faraway', 'faraway', 3), ['seminar'])
  const token = await cli(home, [
    'token',
    'create',
    '--node',
    'edge-a',
    '--room',
    'standup',
    '--identity',
    'alice',
    '--json',
  ])
  assert.is(token.exitCode, 0, token.stderr)
  publishers.push(await publish(a.info.publicUrl, 'standup', JSON.parse(token.stdout).token))

  const show = await cli(home, ['room', 'show', 'standup', '--json'])
  assert.is(show.exitCode, 0, show.stderr)
  const shown = JSON.parse(show.stdout)
  assert.is(shown.node, 'edge-a')
  assert.is(shown.room.participants, 1)

  const far = await cli(home, ['room', 'show', 'seminar'])
  assert.is(far.exitCode, 3, far.stderr)
  assert.match(far.stderr, "room 'seminar' is on node 'faraway'")
  assert.match(far.stderr, 'not in')

  const list = await cli(home, ['room', 'list', '--json'])
  assert.is(list.exitCode, 0, list.stderr)
  const listed = JSON.parse(list.stdout)
  assert.is(listed.node, null)
  assert.equal(
    listed.rooms.map((r: {node: string; name: string}) => [r.node, r.name]),
    [['edge-a', 'standup']],
  )
  const unreached = listed.unreached.find((u: {node: string}) => u.node === 'faraway')
  assert.equal(unreached.rooms, ['seminar'])

  const top = await cli(home, ['top', '--once', '--json'])
  assert.is(top.exitCode, 0, top.stderr)
  const snap = JSON.parse(top.stdout)
  const byName = new Map(snap.nodes.map((n: {name: string}) => [n.name, n]))
  assert.is((byName.get('edge-a') as {state: string}).state, 'up')
  assert.is((byName.get('edge-b') as {state: string}).state, 'up')
  const faraway = byName.get('faraway') as {state: string; managed: boolean; problem: string}
  assert.is(faraway.managed, false)
  assert.is(faraway.state, 'unreachable')
  assert.match(faraway.problem, 'not in fleet.yaml')
  const text = await cli(home, ['top', '--once'])
  assert.is(text.exitCode, 0, text.stderr)
  assert.match(text.stdout, /faraway\s+no access/)

  for (const name of ['edge-a', 'edge-b']) await cli(home, ['node', 'down', name, '--timeout', '5s'])
})

test.run()
