// test-kind: e2e
// Trickle ICE, ICE restarts and the HTTP rules around them (RFC 9725 §4.2-4.6), against a real
// node with a real libwebrtc publisher and a libwebrtc WHEP subscriber that trickles: PATCH
// answers (204, 200 + fragment + ETag, 412, 428, 415, 400), CORS preflight, 405 + Allow, and
// the Link headers of --ice-server on the 201 and on OPTIONS.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {waitForConnection} from '../../src/client/peer-state.js'
import {SyntheticPublisher} from '../../src/client/publisher.js'
import {releaseNativeObjects} from '../../src/client/wrtc.js'
import {startTestNode, type TestNode} from '../helpers/sfu-process.js'
import {WhepIceClient} from '../helpers/whep-ice-client.js'

const ROOM = 'trickle'
const STUN = 'stun:127.0.0.1:3478'
const TURN = 'turn:127.0.0.1:3478?transport=udp'
let node: TestNode
let publisher: SyntheticPublisher
const clients: WhepIceClient[] = []

async function tokenFor(identity: string): Promise<string> {
  const res = await fetch(`${node.state.adminUrl}/v1/tokens`, {
    method: 'POST',
    headers: {authorization: `Bearer ${node.adminToken}`, 'content-type': 'application/json'},
    body: JSON.stringify({room: ROOM, identity}),
  })
  if (res.status !== 201) throw new Error(`POST /v1/tokens answered ${res.status}: ${await res.text()}`)
  return ((await res.json()) as {token: string}).token
}

const whepUrl = () => `${node.state.publicUrl}/whep/${ROOM}/${publisher.participantId}`

/** Polls the client's own getStats until `more` frames beyond `from` were decoded. */
async function framesBeyond(client: WhepIceClient, from: number, more: number, timeoutMs = 15_000): Promise<number> {
  const deadline = Date.now() + timeoutMs
  let frames = await client.framesDecoded()
  while (frames < from + more && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100))
    frames = await client.framesDecoded()
  }
  return frames
}

async function newClient(identity: string): Promise<WhepIceClient> {
  const client = new WhepIceClient(await tokenFor(identity))
  clients.push(client)
  return client
}

test.before(async () => {
  node = await startTestNode(['--ice-server', STUN, '--ice-server', `${TURN},alice,s3cret`])
  publisher = await SyntheticPublisher.publish({
    whipUrl: `${node.state.publicUrl}/whip/${ROOM}`,
    token: await tokenFor('publisher'),
  })
  assert.ok(await waitForConnection(publisher.pc, 15_000), 'publisher connected')
})

test.after(async () => {
  for (const c of clients) await c.close()
  await publisher?.close()
  await releaseNativeObjects()
  await node?.stop()
})

test('a subscriber that POSTs no candidates and PATCHes them afterwards connects (204, no ETag)', async () => {
  const client = await newClient('trickler')
  const created = await client.postOfferWithoutCandidates(whepUrl())
  assert.match(created.headers.get('etag') ?? '', /^"[0-9a-f]{24}"$/, 'the 201 carries a strong ETag')
  assert.equal(
    created.headers.get('link'),
    `<${STUN}>; rel="ice-server", <${TURN}>; rel="ice-server"; username="alice"; credential="s3cret"; credential-type="password"`,
  )
  assert.match(client.answerSdp, /^a=ice-options:trickle/m, 'the answer announces trickle, which now works')
  const patched = await client.trickleGathered()
  assert.equal(patched.status, 204, patched.text)
  assert.equal(patched.text, '')
  assert.is(patched.headers.get('etag'), null, 'RFC 9725 §4.3.2: no ETag on a trickle answer')
  assert.ok(await waitForConnection(client.pc, 15_000), `connected after the PATCH (${client.pc.connectionState})`)
  const frames = await framesBeyond(client, 0, 10)
  assert.ok(frames >= 10, `video frames decoded by the trickling subscriber: ${frames}`)
})

test('ICE restart: restartIce -> PATCH If-Match "*" -> 200 with a new ufrag/pwd, candidates and ETag; media flows again', async () => {
  const client = clients[0]!
  const oldEtag = client.etag
  const oldRemoteUfrag = /^a=ice-ufrag:(\S+)/m.exec(client.answerSdp)?.[1]
  const before = await client.framesDecoded()
  const answer = await client.restartIce()
  assert.equal(answer.status, 200, answer.text)
  assert.equal(answer.headers.get('content-type'), 'application/trickle-ice-sdpfrag')
  const etag = answer.headers.get('etag') ?? ''
  assert.match(etag, /^"[0-9a-f]{24}"$/)
  assert.not.equal(etag, oldEtag, 'a new ICE session has a new entity-tag')
  const ufrag = /^a=ice-ufrag:(\S+)/m.exec(answer.text)?.[1]
  assert.ok(ufrag && ufrag !== oldRemoteUfrag, `the node's ufrag changed (${oldRemoteUfrag} -> ${ufrag})`)
  assert.match(answer.text, /^a=ice-pwd:\S{22,}/m)
  assert.match(answer.text, /^a=candidate:\S+ 1 udp \d+ \S+ \d+ typ host/m, 'the fragment carries the node candidates')
  const frames = await framesBeyond(client, before, 20)
  assert.ok(frames >= before + 20, `frames decoded after the restart: ${before} -> ${frames}`)
  // The old ICE session's tag no longer matches.
  const stale = await client.patch(
    `a=ice-ufrag:${client.localCredentials().ufrag}\r\na=ice-pwd:${client.localCredentials().pwd}\r\n`,
    oldEtag,
  )
  assert.equal(stale.status, 412, stale.text)
  assert.equal(stale.headers.get('etag'), etag, 'the 412 names the current tag')
})

test('PATCH preconditions and bodies: 428 without If-Match, 412 on a wrong tag, 415, 400', async () => {
  const client = clients[0]!
  const frag = 'm=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=mid:0\r\na=candidate:1 1 udp 2122260223 127.0.0.1 9 typ host\r\n'
  const missing = await client.patch(frag)
  assert.equal(missing.status, 428)
  assert.match(missing.text, /If-Match/)
  const wrong = await client.patch(frag, '"0000"')
  assert.equal(wrong.status, 412)
  const weak = await client.patch(frag, `W/${client.etag}`)
  assert.equal(weak.status, 412, 'a weak tag never matches (strong comparison)')
  const sdp = await client.patch(frag, client.etag, 'application/sdp')
  assert.equal(sdp.status, 415)
  assert.match(sdp.text, /application\/trickle-ice-sdpfrag/)
  const bad = await client.patch('a=candidate:not a candidate\r\n', client.etag)
  assert.equal(bad.status, 400)
  assert.match(bad.text, /bad_sdpfrag/)
  const ok = await client.patch(frag, client.etag)
  assert.equal(ok.status, 204, 'the current tag matches')
  const other = new WhepIceClient(await tokenFor('someone-else'))
  other.resourceUrl = client.resourceUrl
  const foreign = await other.patch(frag, client.etag)
  other.pc.close()
  assert.equal(foreign.status, 403, 'only the identity that joined may PATCH its session')
})

test('CORS preflight lists every method and header of the resource; OPTIONS on an endpoint carries the Link headers', async () => {
  const preflight = {
    origin: 'https://page.example',
    'access-control-request-method': 'PATCH',
    'access-control-request-headers': 'authorization,content-type,if-match',
  }
  const session = await fetch(clients[0]!.resourceUrl, {method: 'OPTIONS', headers: preflight})
  assert.equal(session.status, 200)
  assert.equal(session.headers.get('access-control-allow-origin'), '*')
  assert.equal(session.headers.get('access-control-allow-methods'), 'PATCH, DELETE, OPTIONS')
  assert.equal(session.headers.get('access-control-allow-headers'), 'Authorization, Content-Type, If-Match')
  assert.equal(session.headers.get('accept-patch'), 'application/trickle-ice-sdpfrag')
  const endpoint = await fetch(whepUrl(), {method: 'OPTIONS'})
  assert.equal(endpoint.status, 200)
  assert.equal(endpoint.headers.get('access-control-allow-methods'), 'POST, OPTIONS')
  assert.equal(endpoint.headers.get('accept-post'), 'application/sdp')
  assert.match(endpoint.headers.get('link') ?? '', new RegExp(`^<${STUN}>; rel="ice-server", <turn:`))
  const exposed = (endpoint.headers.get('access-control-expose-headers') ?? '').split(/,\s*/)
  for (const h of ['Location', 'ETag', 'Link', 'Retry-After'])
    assert.ok(exposed.includes(h), `${h} is exposed to scripts`)
})

test('405 with Allow on endpoints and sessions', async () => {
  const endpoint = await fetch(`${node.state.publicUrl}/whip/${ROOM}`, {method: 'PUT'})
  assert.equal(endpoint.status, 405)
  assert.equal(endpoint.headers.get('allow'), 'POST, OPTIONS')
  assert.match(await endpoint.text(), /method_not_allowed/)
  const session = await fetch(clients[0]!.resourceUrl, {method: 'GET'})
  assert.equal(session.status, 405)
  assert.equal(session.headers.get('allow'), 'PATCH, DELETE, OPTIONS')
  const post = await fetch(clients[0]!.resourceUrl, {method: 'POST'})
  assert.equal(post.status, 405)
})

test.run()
