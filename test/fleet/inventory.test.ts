// test-kind: unit
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {BadInputError} from '../../src/errors.js'
import {writeFileAtomic} from '../../src/fleet/atomic-write.js'
import {
  emptyInventory,
  findNode,
  parseInventory,
  readInventory,
  removeNode,
  serializeInventory,
  updateInventory,
  upsertNode,
  writeInventory,
  type Inventory,
  type LocalNodeEntry,
  type SshNodeEntry,
} from '../../src/fleet/inventory.js'

const tmp = mkdtempSync(join(tmpdir(), 'confctl-inv-'))
test.after(() => rmSync(tmp, {recursive: true, force: true}))

const local: LocalNodeEntry = {
  name: 'local',
  kind: 'local',
  dir: '/srv/confctl/nodes/local',
  host: '0.0.0.0',
  port: 8080,
  adminHost: '127.0.0.1',
  adminPort: 8081,
  rtcPorts: [40000, 40199],
  announceIp: '203.0.113.10',
  publicUrl: 'http://127.0.0.1:8080',
  adminUrl: 'http://127.0.0.1:8081',
}
const remote: SshNodeEntry = {
  name: 'edge-1',
  kind: 'ssh',
  host: 'edge1.example.org',
  user: 'confctl',
  sshPort: 22,
  dir: '/var/lib/confctl/node',
  publicUrl: 'https://edge1.example.org',
  adminUrl: 'http://127.0.0.1:8081',
  tunnel: {localPort: 18081},
}

/** The BadInputError message of parsing `text`, checked to be one line naming the file. */
function parseError(text: string): string {
  try {
    parseInventory(text, '/etc/fleet.yaml')
  } catch (err) {
    assert.instance(err, BadInputError)
    const msg = (err as Error).message
    assert.ok(msg.startsWith('/etc/fleet.yaml, line '), msg)
    assert.not.match(msg, /\n/)
    return msg
  }
  return assert.unreachable('expected a BadInputError') as never
}

test('round trip: serialize then parse gives the same inventory (local and ssh)', () => {
  const inv: Inventory = {version: 1, nodes: [local, remote]}
  const text = serializeInventory(inv)
  assert.match(text, /rtcPorts: 40000-40199/)
  assert.equal(parseInventory(text, 'x'), inv)
})

test('round trip through the file system, file mode 0600', async () => {
  const file = join(tmp, 'rt', 'fleet.yaml')
  const inv: Inventory = {version: 1, nodes: [local]}
  await writeInventory(inv, file)
  assert.equal(await readInventory(file), inv)
  assert.is(statSync(file).mode & 0o777, 0o600)
})

test('missing file and empty file are an empty inventory', async () => {
  assert.equal(await readInventory(join(tmp, 'nope.yaml')), emptyInventory())
  assert.equal(parseInventory('', 'x'), emptyInventory())
  assert.equal(parseInventory('version: 1\nnodes:\n', 'x'), emptyInventory())
})

const good = serializeInventory({version: 1, nodes: [local]})
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1

test('a bad value names file, line and key', () => {
  const text = good.replace('port: 8080', 'port: eighty')
  const msg = parseError(text)
  assert.ok(msg.includes(`line ${lineOf(text, 'port: eighty')}:`), msg)
  assert.ok(msg.includes('nodes[0].port'), msg)
  assert.ok(msg.includes("'eighty'"), msg)
})

test('a bad port range and a bad IP name their keys and lines', () => {
  let text = good.replace('rtcPorts: 40000-40199', 'rtcPorts: 40199-40000')
  let msg = parseError(text)
  assert.ok(msg.includes(`line ${lineOf(text, 'rtcPorts:')}: nodes[0].rtcPorts`), msg)
  text = good.replace('adminHost: 127.0.0.1', 'adminHost: localhost')
  msg = parseError(text)
  assert.ok(msg.includes(`line ${lineOf(text, 'adminHost:')}: nodes[0].adminHost`), msg)
})

test('an unknown key (a typo) is rejected with its line, not ignored', () => {
  const text = good.replace('adminPort: 8081', 'adminport: 8081')
  const msg = parseError(text)
  assert.ok(msg.includes(`line ${lineOf(text, 'adminport')}: unknown key 'nodes[0].adminport'`), msg)
})

test('a missing required key names the entry', () => {
  const msg = parseError(good.replace(/ {4}dir: .*\n/, ''))
  assert.ok(msg.includes('nodes[0].dir is missing'), msg)
})

test('unknown kind, duplicate names, wrong version', () => {
  assert.ok(
    parseError(good.replace('kind: local', 'kind: docker')).includes(
      "nodes[0].kind must be 'local' or 'ssh', got 'docker'",
    ),
  )
  const dup = serializeInventory({version: 1, nodes: [local, {...local, dir: '/srv/other'}]})
  const msg = parseError(dup)
  assert.ok(msg.includes("nodes[1].name 'local' is already used by nodes[0]"), msg)
  assert.ok(msg.includes(`line ${dup.split('\n').lastIndexOf('  - name: local') + 1}:`), msg)
  assert.ok(parseError(good.replace('version: 1', 'version: 7')).includes('line 4: version must be 1'))
})

test('YAML syntax errors name the line', () => {
  const text = 'version: 1\nnodes:\n  - name: a\n    kind: local\n   bad: [unclosed\n'
  const msg = parseError(text)
  assert.match(msg, /line \d+: YAML syntax error: /)
})

test('a list where a mapping belongs', () => {
  const msg = parseError('version: 1\nnodes:\n  - [a, b]\n')
  assert.ok(msg.includes('line 3: nodes[0] must be a mapping'), msg)
  assert.ok(parseError('- a\n- b\n').includes('the top level must be a mapping'))
})

test('writeInventory refuses an invalid inventory and leaves the file as it was', async () => {
  const file = join(tmp, 'refuse', 'fleet.yaml')
  await writeInventory({version: 1, nodes: [local]}, file)
  const before = readFileSync(file, 'utf8')
  try {
    await writeInventory({version: 1, nodes: [{...local, port: 99999}]}, file)
    assert.unreachable('should have thrown')
  } catch (err) {
    assert.instance(err, BadInputError)
  }
  assert.is(readFileSync(file, 'utf8'), before)
  assert.equal(readdirSync(join(tmp, 'refuse')), ['fleet.yaml'])
})

test('atomic write: a failed rename leaves the target untouched and no temp file', async () => {
  const dir = join(tmp, 'atomic')
  mkdirSync(join(dir, 'target'), {recursive: true}) // a directory: rename onto it fails
  writeFileSync(join(dir, 'target', 'keep'), 'x')
  try {
    await writeFileAtomic(join(dir, 'target'), 'new content')
    assert.unreachable('rename onto a directory should fail')
  } catch (err) {
    assert.ok((err as NodeJS.ErrnoException).code, 'a file system error')
  }
  assert.equal(readdirSync(dir), ['target'])
  assert.is(readFileSync(join(dir, 'target', 'keep'), 'utf8'), 'x')
})

test('atomic write: replaces content, no temp files left', async () => {
  const file = join(tmp, 'atomic2', 'f.txt')
  await writeFileAtomic(file, 'one')
  await writeFileAtomic(file, 'two')
  assert.is(readFileSync(file, 'utf8'), 'two')
  assert.equal(readdirSync(join(tmp, 'atomic2')), ['f.txt'])
})

test('updateInventory: concurrent updates do not lose entries', async () => {
  const file = join(tmp, 'concurrent', 'fleet.yaml')
  await Promise.all(
    Array.from({length: 12}, (_, i) =>
      updateInventory((inv) => upsertNode(inv, {...local, name: `n${i}`, dir: `/srv/n${i}`}), file),
    ),
  )
  const inv = await readInventory(file)
  assert.is(inv.nodes.length, 12)
  assert.equal(readdirSync(join(tmp, 'concurrent')), ['fleet.yaml'])
})

test('updateInventory: a lock left by a dead process is taken over', async () => {
  const file = join(tmp, 'stale-lock', 'fleet.yaml')
  mkdirSync(join(tmp, 'stale-lock'))
  writeFileSync(`${file}.lock`, '999999') // no such pid
  await updateInventory((inv) => upsertNode(inv, local), file)
  assert.ok(findNode(await readInventory(file), 'local'))
})

test('upsert replaces by name, remove drops', () => {
  let inv = upsertNode(emptyInventory(), local)
  inv = upsertNode(inv, {...local, port: 9000})
  assert.is(inv.nodes.length, 1)
  assert.is((inv.nodes[0] as LocalNodeEntry).port, 9000)
  assert.is(removeNode(inv, 'local').nodes.length, 0)
})

test('coordination: round trip, written between version and nodes', () => {
  const inv: Inventory = {
    version: 1,
    coordination: {redis: 'redis://:pw@10.0.0.5:6379/2', redisPrefix: 'campus:'},
    nodes: [local],
  }
  const text = serializeInventory(inv)
  assert.match(
    text,
    /version: 1\ncoordination:\n {2}redis: redis:\/\/:pw@10\.0\.0\.5:6379\/2\n {2}redisPrefix: "campus:"\nnodes:/,
  )
  assert.equal(parseInventory(text, 'x'), inv)
  assert.equal(parseInventory('coordination:\n  redis: redis://127.0.0.1\n', 'x'), {
    version: 1,
    coordination: {redis: 'redis://127.0.0.1'},
    nodes: [],
  })
})

test('coordination: a bad URL, a bad prefix, an unknown key and a missing URL name the line', () => {
  assert.match(
    parseError('version: 1\ncoordination:\n  redis: http://x:6379\n'),
    /line 3: coordination\.redis: .*scheme must be redis/,
  )
  assert.match(
    parseError('coordination:\n  redis: redis://x\n  redisPrefix: "a b"\n'),
    /line 3: coordination\.redisPrefix: .*prefix 'a b' is invalid/,
  )
  assert.match(
    parseError('coordination:\n  redis: redis://x\n  prefix: p\n'),
    /line 3: unknown key 'coordination\.prefix'/,
  )
  assert.match(parseError('coordination:\n  redisPrefix: p\n'), /line 2: coordination\.redis is missing/)
})

test.run()
