// test-kind: unit
// What top polls: the nodes of fleet.yaml, refused at once when there are none or a --node is
// unknown; the default time a node may take to answer; the demo's one node focused on its room.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {BadInputError} from '../../src/errors.js'
import {defaultNodeTimeoutMs, inventoryDashboard, nodeDashboard} from '../../src/fleet/dashboard-source.js'
import {emptyInventory, upsertNode, writeInventory} from '../../src/fleet/inventory.js'

const dir = mkdtempSync(join(tmpdir(), 'confctl-dashboard-'))
test.after(() => rmSync(dir, {recursive: true, force: true}))

async function refused(p: Promise<unknown>, ...fragments: string[]): Promise<void> {
  try {
    await p
  } catch (err) {
    assert.instance(err, BadInputError)
    for (const f of fragments) assert.match((err as Error).message, f)
    return
  }
  assert.unreachable('expected a BadInputError')
}

test('an empty fleet.yaml is refused, naming the file and how to add a node', async () => {
  const file = join(dir, 'empty.yaml')
  await writeInventory(emptyInventory(), file)
  await refused(inventoryDashboard({file, intervalMs: 1000, details: 'focused'}), file, 'confctl node up')
})

test('an unknown --node is refused before any poll; known ones give a poller', async () => {
  const file = join(dir, 'fleet.yaml')
  await writeInventory(
    upsertNode(emptyInventory(), {
      name: 'edge1',
      kind: 'local',
      dir: join(dir, 'nodes', 'edge1'),
      host: '127.0.0.1',
      port: 0,
      adminHost: '127.0.0.1',
      adminPort: 0,
      rtcPorts: [40000, 40199],
    }),
    file,
  )
  await refused(inventoryDashboard({file, nodes: ['edge9'], intervalMs: 1000, details: 'focused'}), 'edge9')
  const {poller} = await inventoryDashboard({file, nodes: ['edge1', 'edge1'], intervalMs: 500, details: 'all'})
  assert.is(poller.intervalMs, 500)
  assert.is(poller.timeoutMs, 1000, 'at least 1 s by default')
})

test('the default node timeout: the interval, within 1 to 5 s', () => {
  assert.is(defaultNodeTimeoutMs(100), 1000)
  assert.is(defaultNodeTimeoutMs(2500), 2500)
  assert.is(defaultNodeTimeoutMs(60_000), 5000)
})

test("the demo's node: polled through its own URL and token, focused on its room", () => {
  const {poller} = nodeDashboard(
    {name: 'demo-1', adminUrl: 'http://127.0.0.1:9', adminToken: 't'},
    {intervalMs: 250, room: 'demo'},
  )
  assert.is(poller.intervalMs, 250)
  assert.is(poller.timeoutMs, 1000)
})

test.run()
