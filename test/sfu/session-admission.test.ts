// test-kind: e2e
// Session admission and lifecycle against a real node process: budgets per token, address
// and node (429/503 with Retry-After), abandoned offers closed after the connect timeout
// with their ports freed, port exhaustion reported by /healthz, offers that werift would
// turn into zombies refused, and rejected offers leaving no room behind.
import {createSocket, type Socket} from 'node:dgram'
import {join} from 'node:path'
import Database from 'better-sqlite3'
import {suite} from 'uvu'
import * as assert from 'uvu/assert'
import {SyntheticPublisher} from '../../src/client/publisher.js'
import {SyntheticSubscription} from '../../src/client/subscriber.js'
import {waitForConnection} from '../../src/client/peer-state.js'
import {releaseNativeObjects, RTCPeerConnection} from '../../src/client/wrtc.js'
import {startTestNode, type TestNode} from '../helpers/sfu-process.js'
import {rtcPortSlot} from '../helpers/rtc-port-slots.js'

let offer = ''

async function makeOffer(): Promise<string> {
  const pc = new RTCPeerConnection()
  pc.addTransceiver('audio', {direction: 'sendonly'})
  pc.addTransceiver('video', {direction: 'sendonly'})
  const o = await pc.createOffer()
  pc.close()
  return o.sdp!
}

async function admin(node: TestNode, path: string, init: RequestInit = {}) {
  const res = await fetch(`${node.state.adminUrl}${path}`, {
    ...init,
    headers: {authorization: `Bearer ${node.adminToken}`, 'content-type': 'application/json', ...(init.headers ?? {})},
  })
  return {status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, unknown>}
}

async function token(node: TestNode, room: string, identity = 'tester'): Promise<string> {
  const r = await admin(node, '/v1/tokens', {method: 'POST', body: JSON.stringify({room, identity})})
  assert.is(r.status, 201, 'token issued')
  return r.body.token as string
}

async function whip(node: TestNode, room: string, tok: string, sdp = offer) {
  const res = await fetch(`${node.state.publicUrl}/whip/${room}`, {
    method: 'POST',
    headers: {authorization: `Bearer ${tok}`, 'content-type': 'application/sdp'},
    body: sdp,
  })
  const text = await res.text()
  let code: string | undefined
  try {
    code = (JSON.parse(text) as {error?: {code?: string}}).error?.code
  } catch {
    // an SDP answer
  }
  return {
    status: res.status,
    code,
    retryAfter: res.headers.get('retry-after'),
    location: res.headers.get('location'),
    text,
  }
}

async function health(node: TestNode) {
  const res = await fetch(`${node.state.adminUrl}/healthz`)
  return {httpStatus: res.status, ...((await res.json()) as {status: string; reasons?: string[]})}
}

async function rooms(node: TestNode): Promise<string[]> {
  const r = await admin(node, '/v1/rooms')
  return (r.body.rooms as {name: string}[]).map((room) => room.name)
}

/** Polls `probe` until it returns true; fails with `what` after `ms`. */
async function waitFor(what: string, ms: number, probe: () => Promise<boolean>): Promise<number> {
  const start = Date.now()
  for (;;) {
    if (await probe()) return Date.now() - start
    if (Date.now() - start > ms)
      throw new assert.Assertion({
        message: `${what} did not happen within ${ms} ms`,
        operator: 'waitFor',
        expects: what,
        actual: 'timeout',
      })
    await new Promise((r) => setTimeout(r, 200))
  }
}

// ---------------------------------------------------------------------------------------
const caps = suite('budgets')
let capNode: TestNode

caps.before(async () => {
  offer ||= await makeOffer()
  capNode = await startTestNode(['--max-sessions-per-ip', '3', '--connect-timeout', '20s'], rtcPortSlot(10))
})
caps.after(async () => {
  await capNode?.stop()
})

caps('a token holds two sessions by default; the third is 429 with Retry-After', async () => {
  const t = await token(capNode, 'cap1')
  assert.is((await whip(capNode, 'cap1', t)).status, 201)
  assert.is((await whip(capNode, 'cap1', t)).status, 201)
  const third = await whip(capNode, 'cap1', t)
  assert.is(third.status, 429, `third session of one token (${third.text})`)
  assert.is(third.code, 'too_many_sessions_for_token')
  assert.ok(Number(third.retryAfter) > 0, 'Retry-After header')
})

caps('one address holds at most --max-sessions-per-ip sessions, whatever the tokens', async () => {
  const r = await whip(capNode, 'cap1', await token(capNode, 'cap1', 'other'))
  assert.is(r.status, 201, 'third session from 127.0.0.1')
  const fourth = await whip(capNode, 'cap1', await token(capNode, 'cap1', 'third'))
  assert.is(fourth.status, 429, `fourth from one address (${fourth.text})`)
  assert.is(fourth.code, 'too_many_sessions_for_ip')
  assert.ok(Number(fourth.retryAfter) > 0)
})

caps('/metrics counts the refusals by cap', async () => {
  const res = await fetch(`${capNode.state.adminUrl}/metrics`, {
    headers: {authorization: `Bearer ${capNode.adminToken}`},
  })
  const text = await res.text()
  assert.match(text, /^confctl_sessions_refused_total\{reason="too_many_sessions_for_token"\} 1$/m)
  assert.match(text, /^confctl_sessions_refused_total\{reason="too_many_sessions_for_ip"\} 1$/m)
})

caps('closing the room frees every slot at once', async () => {
  assert.is((await admin(capNode, '/v1/rooms/cap1', {method: 'DELETE'})).status, 200)
  assert.equal(await rooms(capNode), [], 'no room left')
  assert.is((await whip(capNode, 'cap2', await token(capNode, 'cap2'))).status, 201, 'slots were given back')
  assert.is((await admin(capNode, '/v1/rooms/cap2', {method: 'DELETE'})).status, 200)
})

caps('an offer werift would close during negotiation is a 400 and leaves no room or session', async () => {
  const zombie = offer.replace(/(m=video[^\r\n]*\r?\n)/, '$1a=mid:9\r\na=ice-ufrag:evil\r\n')
  const r = await whip(capNode, 'zombie', await token(capNode, 'zombie'))
  assert.is(r.status, 201, 'a good offer works in that room')
  assert.is((await admin(capNode, '/v1/rooms/zombie', {method: 'DELETE'})).status, 200)
  const z = await whip(capNode, 'zombie', await token(capNode, 'zombie', 'z'), zombie)
  assert.is(z.status, 400, `zombie offer (${z.text})`)
  assert.is(z.code, 'bad_sdp')
  assert.not.ok((await rooms(capNode)).includes('zombie'), 'a rejected offer creates no room')
  // And the slot it reserved was given back: three fresh sessions still fit.
  for (const id of ['a', 'b', 'c'])
    assert.is((await whip(capNode, 'after', await token(capNode, 'after', id))).status, 201, `session ${id}`)
  assert.is((await admin(capNode, '/v1/rooms/after', {method: 'DELETE'})).status, 200)
})

caps('a DELETE by the client removes its session and the empty room', async () => {
  const t = await token(capNode, 'leave')
  const r = await whip(capNode, 'leave', t)
  assert.is(r.status, 201)
  const del = await fetch(`${capNode.state.publicUrl}${r.location}`, {
    method: 'DELETE',
    headers: {authorization: `Bearer ${t}`},
  })
  assert.is(del.status, 200)
  assert.not.ok((await rooms(capNode)).includes('leave'), 'the room closed with its last session')
})

caps.run()

// ---------------------------------------------------------------------------------------
const abandoned = suite('abandoned offers')
let node: TestNode

abandoned.before(async () => {
  offer ||= await makeOffer()
  // 20 ports, the default 30 s connect timeout, and no per-address cap that would hide it.
  node = await startTestNode(['--max-sessions-per-ip', '1000'], rtcPortSlot(20))
})
abandoned.after(async () => {
  await node?.stop()
  await releaseNativeObjects()
})

abandoned('200 abandoned POSTs: 503 once full, ports freed within 35 s, then a publisher connects', async () => {
  const statuses = new Map<number, number>()
  let lastAdmitted = 0
  let retryAfter: string | null = null
  for (let i = 0; i < 100; i++) {
    const t = await token(node, 'abandon', `client-${i}`)
    for (let k = 0; k < 2; k++) {
      const r = await whip(node, 'abandon', t)
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1)
      if (r.status === 201) lastAdmitted = Date.now()
      if (r.status === 503) retryAfter = r.retryAfter
    }
  }
  assert.is(statuses.get(201), 20, `one session per port (${JSON.stringify([...statuses])})`)
  assert.is(statuses.get(503), 180, 'the rest refused with 503')
  assert.ok(Number(retryAfter) > 0, 'with Retry-After')
  const h = await health(node)
  assert.is(h.status, 'degraded', '/healthz says degraded while full')
  assert.is(h.httpStatus, 503)
  assert.ok(h.reasons?.includes('node_full'))
  await waitFor('every abandoned session closed', 40_000, async () => !(await rooms(node)).includes('abandon'))
  const freedAfter = Date.now() - lastAdmitted
  assert.ok(freedAfter < 35_000, `ports freed ${freedAfter} ms after the last abandoned offer`)
  assert.is((await health(node)).status, 'ok', '/healthz is ok again')
  const metrics = await (
    await fetch(`${node.state.adminUrl}/metrics`, {headers: {authorization: `Bearer ${node.adminToken}`}})
  ).text()
  assert.match(
    metrics,
    /^confctl_sessions_ended_total\{reason="connect-timeout"\} 20$/m,
    '/metrics counts the ends by reason',
  )
  assert.match(metrics, /^confctl_sessions_refused_total\{reason="node_full"\} 180$/m)
  assert.match(node.output(), /ended: connect-timeout/, 'the node log names the reason')
  const db = new Database(join(node.dir, 'node.db'), {readonly: true})
  try {
    const rows = db
      .prepare(
        "SELECT end_reason AS reason, count(*) AS n, count(left_at) AS left FROM sessions WHERE room = 'abandon' GROUP BY end_reason",
      )
      .all()
    assert.equal(
      rows,
      [{reason: 'connect-timeout', n: 20, left: 20}],
      'every abandoned session row has its leave time and reason',
    )
  } finally {
    db.close()
  }
  const pub = await SyntheticPublisher.publish({
    whipUrl: `${node.state.publicUrl}/whip/later`,
    token: await token(node, 'later'),
  })
  try {
    assert.ok(await waitForConnection(pub.pc, 15_000), 'a later publisher connects')
  } finally {
    await pub.close()
  }
})

abandoned('a publisher that closes its peer connection without DELETE leaves the room', async () => {
  const pub = await SyntheticPublisher.publish({
    whipUrl: `${node.state.publicUrl}/whip/vanish`,
    token: await token(node, 'vanish'),
  })
  assert.ok(await waitForConnection(pub.pc, 15_000), 'connected')
  assert.ok((await rooms(node)).includes('vanish'))
  pub.pc.close() // sends a DTLS close_notify, like a closed browser tab
  await waitFor('the room to disappear', 15_000, async () => !(await rooms(node)).includes('vanish'))
  await pub.close()
})

abandoned(
  "a publisher's DELETE ends its subscribers' sessions, and a libwebrtc subscriber notices within 10 s",
  async () => {
    const pub = await SyntheticPublisher.publish({
      whipUrl: `${node.state.publicUrl}/whip/bye`,
      token: await token(node, 'bye'),
    })
    const sub = await SyntheticSubscription.subscribe({
      whepUrl: `${node.state.publicUrl}/whep/bye/${pub.participantId}`,
      token: await token(node, 'bye', 'viewer'),
    })
    try {
      assert.ok(await waitForConnection(sub.pc, 15_000), 'subscriber connected')
      await pub.close() // DELETE on its resource
      await waitFor('the subscriber session to end on the node', 3000, async () =>
        /\(subscriber\) in room bye ended: publisher-gone/.test(node.output()),
      )
      // The node sends RTCP BYE and an encrypted DTLS close_notify, then stops answering ICE
      // consent checks; libwebrtc 0.10 ignores the first two and leaves "connected" when its
      // consent checks go unanswered (about 6 s).
      const took = await waitFor(
        'the subscriber to see its session end',
        10_000,
        async () => sub.pc.connectionState !== 'connected',
      )
      assert.ok(took < 10_000, `noticed after ${took} ms`)
    } finally {
      await sub.close()
      await pub.close()
    }
  },
)

abandoned.run()

// ---------------------------------------------------------------------------------------
const ports = suite('port exhaustion')
let portNode: TestNode
const squatters: Socket[] = []
const squatRange = rtcPortSlot(3)

ports.before(async () => {
  offer ||= await makeOffer()
  portNode = await startTestNode(['--max-sessions', '10'], squatRange)
})
ports.after(async () => {
  for (const s of squatters) s.close()
  await portNode?.stop()
})

ports('every RTC port taken by another program: 503 no_ports, /healthz degraded, recovered when freed', async () => {
  const [first, last] = squatRange.split('-').map(Number) as [number, number]
  for (let port = first; port <= last; port++) {
    const s = createSocket('udp4')
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject)
      s.bind(port, '0.0.0.0', resolve)
    })
    squatters.push(s)
  }
  const r = await whip(portNode, 'ports', await token(portNode, 'ports'))
  assert.is(r.status, 503, `no port free (${r.text})`)
  assert.is(r.code, 'no_ports')
  assert.ok(Number(r.retryAfter) > 0)
  const h = await health(portNode)
  assert.equal([h.status, h.reasons], ['degraded', ['no_ports']])
  assert.not.ok((await rooms(portNode)).includes('ports'), 'no room for a refused offer')
  for (const s of squatters.splice(0)) s.close()
  const ok = await whip(portNode, 'ports', await token(portNode, 'ports', 'again'))
  assert.is(ok.status, 201, 'ports free again')
  assert.is((await health(portNode)).status, 'ok')
})

ports.run()
