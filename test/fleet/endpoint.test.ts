// test-kind: unit
// How to reach a local node's admin API (src/fleet/endpoint.ts): wildcard listen addresses
// become loopback addresses one can connect to, and a node without a live process of its own
// is "down" (exit 3) without a network round trip, even when a stale pidfile names a pid
// that is alive but belongs to another program (pids are reused).
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {dialableHost, nodeEndpoint} from '../../src/fleet/endpoint.js'
import {nodeFiles} from '../../src/fleet/paths.js'
import {UnreachableError} from '../../src/errors.js'
import type {LocalNodeEntry} from '../../src/fleet/inventory.js'

const dir = mkdtempSync(join(tmpdir(), 'confctl-endpoint-'))

const entry: LocalNodeEntry = {
  name: 'edge1',
  kind: 'local',
  dir,
  host: '127.0.0.1',
  port: 0,
  adminHost: '127.0.0.1',
  adminPort: 0,
  rtcPorts: [40000, 40100],
}

test('dialableHost: wildcards to loopback of the same family, IPv6 literals bracketed', () => {
  assert.is(dialableHost('0.0.0.0'), '127.0.0.1')
  assert.is(dialableHost('::'), '[::1]')
  assert.is(dialableHost('::0'), '[::1]')
  assert.is(dialableHost('fd00::7'), '[fd00::7]')
  assert.is(dialableHost('192.0.2.1'), '192.0.2.1')
  assert.is(dialableHost('edge1.example.org'), 'edge1.example.org')
})

async function down(): Promise<string> {
  try {
    await nodeEndpoint(entry)
  } catch (err) {
    assert.instance(err, UnreachableError)
    return (err as Error).message
  }
  assert.unreachable('expected the node to be down')
  return ''
}

test('no pidfile: down, with the command that starts it', async () => {
  assert.is(
    await down(),
    `node 'edge1' is down (no running process for ${dir}); start it with \`confctl node up --name edge1\`.`,
  )
})

test('a stale pidfile naming a live process that is not this node: still down', async () => {
  // This test process is alive but was not started with --dir <dir>.
  writeFileSync(nodeFiles(dir).pid, `${process.pid}\n`)
  assert.match(await down(), /^node 'edge1' is down/)
})

test.after(() => rmSync(dir, {recursive: true, force: true}))
test.run()
