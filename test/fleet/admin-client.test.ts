// test-kind: unit
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import {AddressInfo} from 'node:net'
import {BadInputError, UnreachableError} from '../../src/errors.js'
import {AdminClient} from '../../src/fleet/admin-client.js'

// A scripted admin API: each test sets `handler`.
let handler: (req: IncomingMessage, res: ServerResponse, body: string) => void = (_q, res) => res.end()
let server: Server
let url = ''
const seen: {method?: string; url?: string; auth?: string; body?: string}[] = []

test.before(async () => {
  server = createServer((req, res) => {
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', () => {
      seen.push({method: req.method, url: req.url, auth: req.headers.authorization, body})
      handler(req, res, body)
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
test.after(() => {
  server.closeAllConnections()
  server.close()
})

const json = (res: ServerResponse, status: number, value: unknown) =>
  res.writeHead(status, {'content-type': 'application/json'}).end(JSON.stringify(value))
const client = (opts: Partial<{adminUrl: string; timeoutMs: number}> = {}) =>
  new AdminClient({nodeName: 'n1', adminUrl: url, token: 'sekrit', ...opts})

async function rejects<T extends Error>(
  p: Promise<unknown>,
  cls: new (...a: never[]) => T,
  ...fragments: string[]
): Promise<string> {
  try {
    await p
  } catch (err) {
    assert.instance(err, cls)
    const msg = (err as Error).message
    for (const f of fragments) assert.ok(msg.includes(f), `"${msg}" should include "${f}"`)
    return msg
  }
  return assert.unreachable('expected a rejection') as never
}

test('sends the bearer token and decodes typed answers', async () => {
  handler = (req, res) => json(res, 200, {rooms: [{name: 'r1', participants: 2}]})
  const rooms = await client().rooms()
  assert.is(rooms[0].name, 'r1')
  assert.is(seen.at(-1)?.auth, 'Bearer sekrit')
  assert.is(seen.at(-1)?.url, '/v1/rooms')
})

test('token request is a JSON POST', async () => {
  handler = (_req, res) => json(res, 200, {token: 't', expiresAt: '2030-01-01T00:00:00Z'})
  const r = await client().createToken({room: 'r 1', identity: 'alice', ttlSeconds: 60})
  assert.is(r.token, 't')
  assert.is(seen.at(-1)?.method, 'POST')
  assert.equal(JSON.parse(seen.at(-1)!.body!), {room: 'r 1', identity: 'alice', ttlSeconds: 60})
})

test('room names are URL-encoded', async () => {
  handler = (_req, res) => json(res, 200, {name: 'a/b c'})
  await client().room('a/b c')
  assert.is(seen.at(-1)?.url, '/v1/rooms/a%2Fb%20c')
})

test('close and kick answers are normalised to their documented types', async () => {
  handler = (_req, res) => json(res, 200, {closed: 'standup', participants: 3})
  assert.equal(await client().closeRoom('standup'), {closed: true, participants: 3})
  assert.is(seen.at(-1)?.method, 'DELETE')
  handler = (_req, res) => json(res, 200, {kicked: ['pub_1', 'sub_2']})
  assert.equal(await client().kick('standup', 'alice'), {kicked: ['pub_1', 'sub_2']})
  assert.is(seen.at(-1)?.url, '/v1/rooms/standup/participants/alice')
  handler = (_req, res) => json(res, 200, {kicked: true})
  assert.equal(await client().kick('standup', 'pub_1'), {kicked: ['pub_1']})
})

test('404 on a room -> BadInputError naming room and node', async () => {
  handler = (_req, res) => json(res, 404, {error: {code: 'room_not_found', message: 'no such room'}})
  await rejects(client().room('x'), BadInputError, "room 'x' does not exist on node 'n1'")
  await rejects(client().closeRoom('x'), BadInputError, "room 'x' does not exist on node 'n1'")
  await rejects(client().kick('x', 'p1'), BadInputError, "room 'x' does not exist")
})

test('404 on a participant -> BadInputError naming the participant', async () => {
  handler = (_req, res) => json(res, 404, {error: {code: 'participant_not_found', message: 'no such participant'}})
  await rejects(client().kick('r', 'p9'), BadInputError, "participant 'p9' is not in room 'r' on node 'n1'")
})

test('400 -> BadInputError with the node message; 500 -> UnreachableError', async () => {
  handler = (_req, res) => json(res, 400, {error: {code: 'bad_request', message: 'identity is required'}})
  await rejects(client().createToken({room: 'r', identity: ''}), BadInputError, "node 'n1'", 'identity is required')
  handler = (_req, res) => json(res, 500, {error: {code: 'internal', message: 'boom'}})
  await rejects(client().rooms(), UnreachableError, "node 'n1'", 'HTTP 500', 'boom')
})

test('401 -> UnreachableError about the token', async () => {
  handler = (_req, res) => json(res, 401, {error: {code: 'unauthorized', message: 'bad token'}})
  await rejects(client().node(), UnreachableError, 'rejected', 'token')
})

test('/healthz 503 draining is an answer, not an error', async () => {
  handler = (_req, res) => json(res, 503, {status: 'draining'})
  assert.equal(await client().health(), {status: 'draining'})
})

test('a reply that is not JSON -> UnreachableError', async () => {
  handler = (_req, res) => res.end('<html>proxy error</html>')
  await rejects(client().node(), UnreachableError, 'not JSON')
})

test('connection refused -> UnreachableError naming node and URL', async () => {
  const dead = createServer()
  await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r))
  const port = (dead.address() as AddressInfo).port
  await new Promise((r) => dead.close(r))
  const msg = await rejects(
    client({adminUrl: `http://127.0.0.1:${port}`}).health(),
    UnreachableError,
    "node 'n1' is unreachable at",
    `http://127.0.0.1:${port}/healthz`,
    'connection refused',
  )
  assert.not.match(msg, /\n/)
})

test('a node that never answers -> UnreachableError after the per-request timeout', async () => {
  handler = () => {} // never responds
  const started = Date.now()
  await rejects(client({timeoutMs: 300}).rooms(), UnreachableError, 'no answer within 0.3s')
  assert.ok(Date.now() - started < 3000)
})

test.run()
