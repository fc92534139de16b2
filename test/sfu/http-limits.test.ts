// test-kind: e2e (mostly idle: connections wait on the node's timeouts, which may fire 4 s late)
// The node's HTTP timeouts and connection caps (src/sfu/http/connection-guard.ts,
// client-errors.ts) against a real node process. The node runs with an open-file limit of
// 4096, so that 5,000 idle connections would use up its descriptors without the caps (they
// did before: the admin port refused the operator); the test process's own limit is 20000.
import {suite} from 'uvu'
import * as assert from 'uvu/assert'
import {connect, type Socket} from 'node:net'
import {mkdtempSync, readdirSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {startTestNode, type TestNode} from '../helpers/sfu-process.js'
import {rtcPortSlot} from '../helpers/rtc-port-slots.js'

const FLOOD = 5000
const FILE_LIMIT = 4096
const HEADERS_TIMEOUT_MS = 5000
const REQUEST_TIMEOUT_MS = 10_000
/** How late a timeout may fire on this loaded 2-core machine: the check interval (1 s) and slack. */
const LATE_MS = 4000

const portOf = (url: string) => Number(new URL(url).port)

async function waitFor<T>(what: string, ms: number, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const v = await probe()
    if (v !== undefined && v !== false) return v
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

interface Idle {
  socket: Socket
  connectedAt: number
  closedAt?: number
  received: string
}

/** Opens `count` connections that send nothing, all within `deadlineMs`. */
async function openIdle(port: number, count: number, deadlineMs: number): Promise<Idle[]> {
  const out: Idle[] = []
  const deadline = Date.now() + deadlineMs
  const opening: Promise<void>[] = []
  for (let i = 0; i < count && Date.now() < deadline; i++) {
    const socket = connect(port, '127.0.0.1')
    const idle: Idle = {socket, connectedAt: 0, received: ''}
    out.push(idle)
    socket.on('data', (d) => (idle.received += d.toString('latin1')))
    socket.on('error', () => {})
    socket.on('close', () => (idle.closedAt = Date.now()))
    opening.push(
      new Promise((resolve) => {
        socket.once('connect', () => {
          idle.connectedAt = Date.now()
          resolve()
        })
        socket.once('close', () => resolve())
      }),
    )
    if (opening.length % 500 === 0) await Promise.all(opening.slice(-500)) // let the node accept as we go
  }
  await Promise.race([Promise.all(opening), new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now())))])
  assert.is(out.length, count, `${count} connections opened within ${deadlineMs} ms`)
  return out
}

async function timed(what: string, request: () => Promise<Response>, budgetMs: number): Promise<Response> {
  const t0 = Date.now()
  const res = await request()
  assert.ok(Date.now() - t0 < budgetMs, `${what} answered in ${Date.now() - t0} ms (budget ${budgetMs} ms)`)
  return res
}

/** One request over a connection from another loopback address: another client of the public port. */
function requestFrom(localAddress: string, port: number, raw: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({port, host: '127.0.0.1', localAddress})
    let got = ''
    s.on('data', (d) => (got += d.toString('latin1')))
    s.on('error', reject)
    s.on('close', () => resolve(got))
    s.write(raw)
    setTimeout(() => s.destroy(), 5000).unref()
  })
}

const accessLog = (node: TestNode) =>
  readFileSync(join(node.dir, 'access.log'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as {method: string; path: string; status: number; ip: string})

async function checkOperatorStillServed(node: TestNode): Promise<void> {
  const health = await timed(
    'admin /healthz',
    () => fetch(`${node.state.adminUrl}/healthz`, {signal: AbortSignal.timeout(5000)}),
    2000,
  )
  assert.is(health.status, 200, '/healthz answers during the flood')
  const info = await timed(
    'admin /v1/node',
    () =>
      fetch(`${node.state.adminUrl}/v1/node`, {
        headers: {authorization: `Bearer ${node.adminToken}`},
        signal: AbortSignal.timeout(5000),
      }),
    2000,
  )
  assert.is(info.status, 200, 'authenticated /v1/node answers during the flood')
}

async function checkAllClosedInTime(idle: Idle[]): Promise<void> {
  await waitFor('the node to close every idle connection', HEADERS_TIMEOUT_MS + LATE_MS + 10_000, () =>
    idle.every((c) => c.closedAt !== undefined),
  )
  const timedOut = idle.filter((c) => c.received.startsWith('HTTP/1.1 408'))
  assert.ok(timedOut.length > 0, 'some connections were held until the header timeout and answered 408')
  for (const c of timedOut) {
    const held = c.closedAt! - c.connectedAt
    assert.ok(
      held <= HEADERS_TIMEOUT_MS + LATE_MS,
      `an idle connection was closed ${held} ms after it opened (header timeout ${HEADERS_TIMEOUT_MS} ms)`,
    )
  }
}

const flood = suite('5,000 idle connections to the public port')
let node: TestNode
let idle: Idle[] = []

flood.after.each(async () => {
  for (const c of idle) c.socket.destroy()
  idle = []
  await node?.stop()
})

flood(
  'one address: the per-address cap refuses the rest, the operator and other clients are served, and the node closes them within the header timeout',
  async () => {
    node = await startTestNode([], rtcPortSlot(10), undefined, FILE_LIMIT)
    const port = portOf(node.state.publicUrl)
    idle = await openIdle(port, FLOOD, 30_000)
    await checkOperatorStillServed(node)
    const other = await requestFrom(
      '127.0.0.2',
      port,
      'GET /no-such-page HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    )
    assert.match(other, /^HTTP\/1\.1 404 /, 'a client at another address still gets answers on the public port')
    await checkAllClosedInTime(idle)
    const held = idle.filter((c) => c.received.startsWith('HTTP/1.1 408')).length
    assert.ok(held <= 256, `at most the per-address cap of 256 were held (${held})`)
    const timeouts = accessLog(node).filter((l) => l.status === 408)
    assert.ok(
      timeouts.length > 0 && timeouts.every((l) => l.ip === '127.0.0.1'),
      'each timed-out connection is logged as 408 with its address',
    )
  },
)

flood('the per-address cap lifted: the total cap keeps room for the admin port under the open-file limit', async () => {
  node = await startTestNode(['--max-connections-per-ip', '100000'], rtcPortSlot(10), undefined, FILE_LIMIT)
  idle = await openIdle(portOf(node.state.publicUrl), FLOOD, 30_000)
  await checkOperatorStillServed(node)
  await checkAllClosedInTime(idle)
  await waitFor('the refusals to be reported', 15_000, () => /public port refused \d+ connections/.test(node.output()))
})

flood(
  'a --max-connections that does not fit under the open-file limit: exit 2, one sentence, nothing written',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'confctl-node-'))
    const err = await startTestNode(['--max-connections', '4000'], rtcPortSlot(10), dir, FILE_LIMIT).then(
      async (started) => {
        await started.stop()
        return undefined
      },
      (e: Error) => e,
    )
    assert.ok(err, 'the node refused to start')
    assert.match(
      err.message,
      /node 'test' exited with code 2 during startup; last lines of its output:\n {2}\| confctl-node: --max-connections 4000 does not fit under the open-file limit of 4096 .*$/,
    )
    assert.equal(readdirSync(dir), [], 'nothing written in the node directory')
  },
)

flood.run()

const slow = suite('slow requests')
let slowNode: TestNode

slow.before(async () => {
  slowNode = await startTestNode([], rtcPortSlot(10))
})
slow.after(async () => {
  await slowNode?.stop()
})

async function joinToken(room: string): Promise<string> {
  const res = await fetch(`${slowNode.state.adminUrl}/v1/tokens`, {
    method: 'POST',
    headers: {authorization: `Bearer ${slowNode.adminToken}`, 'content-type': 'application/json'},
    body: JSON.stringify({room, identity: 'trickler@example.org', name: 'T'}),
  })
  assert.is(res.status, 201, 'a join token is issued')
  return ((await res.json()) as {token: string}).token
}

/** Sends `head`, then one byte of body every 500 ms until the node answers or closes. */
function trickle(localAddress: string, head: string): Promise<{answer: string; afterMs: number}> {
  return new Promise((resolve) => {
    const t0 = Date.now()
    const s = connect({port: portOf(slowNode.state.publicUrl), host: '127.0.0.1', localAddress})
    let answer = ''
    const timer = setInterval(() => s.writable && s.write('v'), 500)
    const giveUp = setTimeout(() => s.destroy(), REQUEST_TIMEOUT_MS + 20_000)
    s.on('data', (d) => (answer += d.toString('latin1')))
    s.on('error', () => {})
    s.on('close', () => {
      clearInterval(timer)
      clearTimeout(giveUp)
      resolve({answer, afterMs: Date.now() - t0})
    })
    s.write(head)
  })
}

slow('a trickled body gets 408 within the request timeout, logged as 408 with the real address', async () => {
  const token = await joinToken('slow')
  const {answer, afterMs} = await trickle(
    '127.0.0.3',
    `POST /whip/slow HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/sdp\r\nContent-Length: 5000\r\nUser-Agent: trickler\r\n\r\n`,
  )
  assert.match(answer, /^HTTP\/1\.1 408 /, 'the node answers 408 Request Timeout')
  assert.ok(
    afterMs >= REQUEST_TIMEOUT_MS - 500 && afterMs <= REQUEST_TIMEOUT_MS + LATE_MS,
    `answered after ${afterMs} ms (request timeout ${REQUEST_TIMEOUT_MS} ms)`,
  )
  const line = await waitFor('the access-log line', 5000, () =>
    accessLog(slowNode).find((l) => l.path === '/whip/slow'),
  )
  assert.equal({method: line.method, status: line.status, ip: line.ip}, {method: 'POST', status: 408, ip: '127.0.0.3'})
})

slow('trickled headers get 408 within the header timeout, logged with the real address', async () => {
  const {answer, afterMs} = await trickle('127.0.0.4', 'GET /whip/slow HTTP/1.1\r\nX-Slow: ')
  assert.match(answer, /^HTTP\/1\.1 408 /, 'the node answers 408 Request Timeout')
  assert.ok(
    afterMs <= HEADERS_TIMEOUT_MS + LATE_MS,
    `answered after ${afterMs} ms (header timeout ${HEADERS_TIMEOUT_MS} ms)`,
  )
  const line = await waitFor('the access-log line', 5000, () => accessLog(slowNode).find((l) => l.ip === '127.0.0.4'))
  assert.is(line.status, 408)
})

slow('a client that leaves before the answer is logged as 499', async () => {
  const token = await joinToken('gone')
  await new Promise<void>((resolve) => {
    const s = connect({port: portOf(slowNode.state.publicUrl), host: '127.0.0.1', localAddress: '127.0.0.5'}, () => {
      s.write(
        `POST /whip/gone HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/sdp\r\nContent-Length: 5000\r\n\r\nv=0`,
      )
      setTimeout(() => s.destroy(), 300) // mid-body, well before any timeout
    })
    s.on('close', () => resolve())
    s.on('error', () => {})
  })
  const line = await waitFor('the access-log line', 5000, () => accessLog(slowNode).find((l) => l.ip === '127.0.0.5'))
  assert.equal({path: line.path, status: line.status}, {path: '/whip/gone', status: 499})
})

slow.run()
