// test-kind: e2e
// The default node through the built bin: `node use NAME` records it, `node list` marks it,
// commands that would ask for --node use it, $CONFCTL_NODE wins, an unknown name writes nothing.
// The nodes are fleet.yaml entries that are not running: "node 'b' is down" proves which
// node a command picked without starting any.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {existsSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {emptyInventory, serializeInventory, upsertNode, type LocalNodeEntry} from '../../src/fleet/inventory.js'
import {cli} from './helpers.js'

const home = mkdtempSync(join(tmpdir(), 'confctl-node-use-'))
const env = (extra: Record<string, string> = {}) => ({
  env: {CONFCTL_HOME: home, FORCE_COLOR: '0', NO_COLOR: '1', CONFCTL_NODE: '', ...extra},
})
const run = (...args: string[]) => cli(home, args, env())
const node = (name: string): LocalNodeEntry => ({
  name,
  kind: 'local',
  dir: join(home, 'nodes', name),
  host: '127.0.0.1',
  port: 0,
  adminHost: '127.0.0.1',
  adminPort: 0,
  rtcPorts: [40000, 40199],
})

test.before(() => {
  writeFileSync(
    join(home, 'fleet.yaml'),
    serializeInventory(['a', 'b'].reduce((acc, n) => upsertNode(acc, node(n)), emptyInventory())),
  )
})
test.after(() => rmSync(home, {recursive: true, force: true}))

test('with two nodes and no default, commands ask for --node and name the other ways', async () => {
  const r = await run('room', 'list')
  assert.is(r.exitCode, 2, r.stderr)
  assert.match(r.stderr, 'choose one with --node, CONFCTL_NODE or `confctl node use NAME`.')
  const u = await run('node', 'use', '--json')
  assert.equal(JSON.parse(u.stdout), {default: null, source: null})
})

test('an unknown name is exit 2 and records nothing', async () => {
  const r = await run('node', 'use', 'zz')
  assert.is(r.exitCode, 2)
  assert.match(r.stderr, "there is no node named 'zz'")
  assert.not.ok(existsSync(join(home, 'default-node')))
})

test('node use b: node list marks b, room/node commands without --node go to b', async () => {
  const u = await run('node', 'use', 'b')
  assert.is(u.exitCode, 0, u.stderr)
  const list = await run('node', 'list', '--json')
  assert.equal(
    JSON.parse(list.stdout).nodes.map((n: {name: string; default: boolean}) => [n.name, n.default]),
    [
      ['a', false],
      ['b', true],
    ],
  )
  const human = await run('node', 'list')
  assert.match(human.stdout, /^NAME\s+KIND\s+STATE\s+DEFAULT/)
  assert.match(human.stdout, /\nb\s+local\s+down\s+\*/)
  for (const args of [
    ['room', 'list'],
    ['node', 'status'],
    ['token', 'revoke', 'some-jti'],
  ]) {
    const r = await run(...args)
    assert.is(r.exitCode, 3, `${args.join(' ')}: ${r.stderr}`)
    assert.match(r.stderr, "node 'b' is down", args.join(' '))
  }
  const explicit = await run('room', 'list', '--node', 'a')
  assert.match(explicit.stderr, "node 'a' is down")
})

test('CONFCTL_NODE wins over the recorded default; an unknown one is exit 2', async () => {
  const r = await cli(home, ['room', 'list'], env({CONFCTL_NODE: 'a'}))
  assert.is(r.exitCode, 3, r.stderr)
  assert.match(r.stderr, "node 'a' is down")
  const bad = await cli(home, ['room', 'list'], env({CONFCTL_NODE: 'nope'}))
  assert.is(bad.exitCode, 2)
  assert.match(bad.stderr, "the default node 'nope' (from CONFCTL_NODE) is not in")
})

test('node use --clear forgets it', async () => {
  const r = await run('node', 'use', '--clear')
  assert.is(r.exitCode, 0, r.stderr)
  assert.not.ok(existsSync(join(home, 'default-node')))
  assert.is((await run('room', 'list')).exitCode, 2)
})

test.run()
