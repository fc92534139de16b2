// test-kind: unit
// node logs as functions: the last lines of a local node's node.log and every line written
// after them (none twice, none missed); an ssh node's log is refused in one sentence.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {BadInputError} from '../../src/errors.js'
import {emptyInventory, upsertNode, writeInventory} from '../../src/fleet/inventory.js'
import {followNodeLog, readNodeLog} from '../../src/fleet/node-logs.js'
import {until} from '../helpers/until.js'

const home = mkdtempSync(join(tmpdir(), 'confctl-node-logs-'))
const saved = process.env.CONFCTL_HOME
const nodeDir = join(home, 'nodes', 'edge1')
const log = join(nodeDir, 'node.log')

test.before(async () => {
  process.env.CONFCTL_HOME = home
  mkdirSync(nodeDir, {recursive: true})
  const local = {
    name: 'edge1',
    kind: 'local' as const,
    dir: nodeDir,
    host: '127.0.0.1',
    port: 0,
    adminHost: '127.0.0.1',
    adminPort: 0,
    rtcPorts: [40000, 40199] as [number, number],
  }
  const remote = {
    name: 'far',
    kind: 'ssh' as const,
    host: 'far.example.invalid',
    user: 'ops',
    sshPort: 22,
    dir: '/srv/confctl',
    publicUrl: 'https://far.example.invalid',
    adminUrl: 'http://127.0.0.1:8081',
  }
  await writeInventory(upsertNode(upsertNode(emptyInventory(), local), remote), join(home, 'fleet.yaml'))
})
test.after(() => {
  if (saved === undefined) delete process.env.CONFCTL_HOME
  else process.env.CONFCTL_HOME = saved
  rmSync(home, {recursive: true, force: true})
})

test('the last n lines, then exactly the lines written afterwards', async () => {
  writeFileSync(log, 'one\ntwo\nthree\n')
  const tail = await readNodeLog('edge1', 2)
  assert.equal(
    {name: tail.name, file: tail.file, lines: tail.lines},
    {name: 'edge1', file: log, lines: ['two', 'three']},
  )
  const got: string[] = []
  const stop = new AbortController()
  const following = followNodeLog(tail, (l) => got.push(l), stop.signal)
  appendFileSync(log, 'four\nfive\n')
  await until('the new lines', () => got.length >= 2)
  stop.abort()
  await following
  assert.equal(got, ['four', 'five'])
})

test('a node without a log yet: no lines', async () => {
  rmSync(log, {force: true})
  assert.equal((await readNodeLog('edge1', 50)).lines, [])
})

test("an ssh node's log: refused in one sentence", async () => {
  try {
    await readNodeLog('far', 10)
    assert.unreachable('expected a refusal')
  } catch (err) {
    assert.instance(err, BadInputError)
    assert.match((err as Error).message, "node 'far' is an ssh node")
  }
})

test.run()
