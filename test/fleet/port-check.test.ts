// test-kind: unit
// Checking a port before a node starts (src/fleet/port-check.ts): a port in use and an
// address not on this machine each give one BadInputError sentence naming what to change.
// (The privileged-port sentence needs a non-root user; these runs are root.) Real sockets on
// 127.0.0.1, in-process.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {createServer, type Server} from 'node:net'
import {assertPortFree} from '../../src/fleet/port-check.js'
import {BadInputError} from '../../src/errors.js'

async function rejected(p: Promise<unknown>, message: string) {
  try {
    await p
  } catch (err) {
    assert.instance(err, BadInputError)
    assert.is((err as Error).message, message)
    return
  }
  assert.unreachable(`expected: ${message}`)
}

function listen(): Promise<Server> {
  return new Promise((resolve) => {
    const srv = createServer()
    srv.listen({host: '127.0.0.1', port: 0}, () => resolve(srv))
  })
}

test('a free port passes, and is free again afterwards', async () => {
  const srv = await listen()
  const port = (srv.address() as {port: number}).port
  await new Promise((r) => srv.close(r))
  await assertPortFree('127.0.0.1', port, 'the public port', '--port')
  await assertPortFree('127.0.0.1', port, 'the public port', '--port')
})

test('port 0 is never checked: the node picks one', async () => {
  await assertPortFree('192.0.2.1', 0, 'the public port', '--port')
})

test('a port in use names the address and the flag', async () => {
  const srv = await listen()
  const port = (srv.address() as {port: number}).port
  try {
    await rejected(
      assertPortFree('127.0.0.1', port, 'the admin port', '--admin-port'),
      `the admin port 127.0.0.1:${port} is already in use; choose another with --admin-port.`,
    )
  } finally {
    await new Promise((r) => srv.close(r))
  }
})

test("an address that is not this machine's (TEST-NET-1, RFC 5737)", async () => {
  await rejected(
    assertPortFree('192.0.2.1', 40_000, 'the public port', '--host'),
    '192.0.2.1 (for the public port) is not an address of this machine.',
  )
})

test.run()
