// test-kind: unit
// The default node: $CONFCTL_NODE, else the name `node use` recorded next to fleet.yaml,
// and how pickNode uses it when --node is left out (src/fleet/default-node.ts, resolve-node.ts).
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {existsSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {BadInputError} from '../../src/errors.js'
import {clearDefaultNode, defaultNode, defaultNodeFile, recordDefaultNode} from '../../src/fleet/default-node.js'
import {emptyInventory, upsertNode, type Inventory, type LocalNodeEntry} from '../../src/fleet/inventory.js'
import {pickNode} from '../../src/fleet/resolve-node.js'

const dir = mkdtempSync(join(tmpdir(), 'confctl-default-node-'))
const file = join(dir, 'fleet.yaml')
const node = (name: string): LocalNodeEntry => ({
  name,
  kind: 'local',
  dir: `/h/nodes/${name}`,
  host: '0.0.0.0',
  port: 8080,
  adminHost: '127.0.0.1',
  adminPort: 8081,
  rtcPorts: [40000, 40199],
})
const inv = (...names: string[]): Inventory => names.reduce((acc, n) => upsertNode(acc, node(n)), emptyInventory())
const savedEnv = process.env.CONFCTL_NODE

function badInput(fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    assert.instance(err, BadInputError)
    return (err as Error).message
  }
  assert.unreachable('expected BadInputError')
  return ''
}

test.before.each(() => {
  delete process.env.CONFCTL_NODE
  clearDefaultNode(file)
})
test.after(() => {
  if (savedEnv === undefined) delete process.env.CONFCTL_NODE
  else process.env.CONFCTL_NODE = savedEnv
  rmSync(dir, {recursive: true, force: true})
})

test('no default: none recorded, CONFCTL_NODE unset; blank values count as unset', async () => {
  assert.is(defaultNode(file, {}), undefined)
  assert.is(defaultNode(file, {CONFCTL_NODE: '  '}), undefined)
  await recordDefaultNode('', file)
  assert.is(defaultNode(file, {}), undefined)
})

test('node use records a name next to fleet.yaml; CONFCTL_NODE wins over it; clear forgets it', async () => {
  await recordDefaultNode('b', file)
  assert.is(defaultNodeFile(file), join(dir, 'default-node'))
  assert.equal(defaultNode(file, {}), {name: 'b', source: join(dir, 'default-node')})
  assert.equal(defaultNode(file, {CONFCTL_NODE: 'c'}), {name: 'c', source: 'CONFCTL_NODE'})
  clearDefaultNode(file)
  assert.not.ok(existsSync(defaultNodeFile(file)))
  clearDefaultNode(file) // twice is fine
})

test('pickNode with several nodes uses the default; --node still wins', async () => {
  badInput(() => pickNode(inv('a', 'b', 'c'), undefined, file))
  await recordDefaultNode('b', file)
  assert.is(pickNode(inv('a', 'b', 'c'), undefined, file).name, 'b')
  assert.is(pickNode(inv('a', 'b', 'c'), 'a', file).name, 'a')
  process.env.CONFCTL_NODE = 'c'
  assert.is(pickNode(inv('a', 'b', 'c'), undefined, file).name, 'c')
  assert.is(pickNode(inv('a', 'b', 'c'), 'a', file).name, 'a')
})

test('an unknown CONFCTL_NODE is an error even with one node; a stale recorded default only with several', async () => {
  process.env.CONFCTL_NODE = 'gone'
  const m = badInput(() => pickNode(inv('a'), undefined, file))
  assert.match(m, "the default node 'gone' (from CONFCTL_NODE) is not in")
  assert.match(m, 'known nodes: a')
  delete process.env.CONFCTL_NODE
  await recordDefaultNode('gone', file)
  assert.is(pickNode(inv('a'), undefined, file).name, 'a') // deprovisioned default, one node left
  assert.match(
    badInput(() => pickNode(inv('a', 'b'), undefined, file)),
    'confctl node use NAME',
  )
})

test.run()
