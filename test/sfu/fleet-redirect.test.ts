// test-kind: e2e
// --redirect-mode 307 (RFC 9725 §4.5) for fleets whose nodes cannot reach each other: a node
// that does not host the room answers 307 to the owner; the client must send its token again
// (HTTP clients drop Authorization on a redirect to another origin). And a fleet key rotation
// while the nodes run: tokens of the previous key work during the overlap window only.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {Redis} from 'ioredis'
import {decodeProtectedHeader} from 'jose'
import {findRoomOwner} from '../../src/coord/fleet-view.js'
import {releaseNativeObjects} from '../../src/client/wrtc.js'
import {newFleetKey as randomKey, rotateFleetKey} from '../../src/fleet/fleet-key.js'
import type {SyntheticPublisher} from '../../src/client/publisher.js'
import type {SyntheticSubscription} from '../../src/client/subscriber.js'
import {dropPrefix, TEST_REDIS_URL, uniquePrefix} from '../helpers/coord-redis.js'
import {startFleet} from '../helpers/fleet-nodes.js'
import {mediaFlows, publishVia, servedBy, subscribeVia} from '../helpers/fleet-clients.js'
import {tokenFor, type TestNode} from '../helpers/sfu-process.js'
import {until} from '../helpers/until.js'
import {rtcPortSlot} from '../helpers/rtc-port-slots.js'

const redis = new Redis(TEST_REDIS_URL)
const prefix = uniquePrefix('redirect')
let nodes: TestNode[] = []
const clients: Array<SyntheticPublisher | SyntheticSubscription> = []

test.before(async () => {
  nodes = await startFleet(
    {
      redisUrl: TEST_REDIS_URL,
      prefix,
      rtcPorts: [rtcPortSlot(20), rtcPortSlot(20)],
      extraArgs: ['--redirect-mode', '307'],
    },
    redis,
  )
})

test.after(async () => {
  for (const c of clients) await c.close().catch(() => undefined)
  await releaseNativeObjects()
  await Promise.all(nodes.map((n) => n.stop()))
  await dropPrefix(redis, prefix)
  redis.disconnect()
})

const offerLike = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n'

test('307 to the owner; a client that resends its token is admitted and media flows', async () => {
  const [n1, n2] = nodes as [TestNode, TestNode]
  const pub = await publishVia(n1, 'hall', 'alice') // the client library resends the token on 307
  clients.push(pub)
  const ownerId = (await findRoomOwner(redis, prefix, 'hall'))!.id
  const owner = nodes.find((n) => n.state.id === ownerId)!
  const other = owner === n1 ? n2 : n1
  assert.ok(servedBy(pub.pc, owner))

  const path = `/whep/hall/${pub.participantId}`
  const token = await tokenFor(other, 'hall', 'bob')
  const res = await fetch(`${other.state.publicUrl}${path}`, {
    method: 'POST',
    headers: {authorization: `Bearer ${token}`, 'content-type': 'application/sdp'},
    body: offerLike,
    redirect: 'manual',
  })
  assert.is(res.status, 307)
  assert.is(res.headers.get('location'), `${owner.state.publicUrl}${path}`)
  // Following without the token (what a browser does across origins) is refused by the owner.
  const dropped = await fetch(res.headers.get('location')!, {
    method: 'POST',
    headers: {'content-type': 'application/sdp'},
    body: offerLike,
  })
  assert.is(dropped.status, 401)

  const sub = await subscribeVia(other, 'hall', pub.participantId, 'bob')
  clients.push(sub)
  assert.ok(servedBy(sub.pc, owner))
  assert.ok(await mediaFlows(sub))
})

test('fleet key rotation while running: the previous key works during the overlap, not after', async () => {
  const [n1, n2] = nodes as [TestNode, TestNode]
  const before = await tokenFor(n1, 'aula', 'carol')
  const next = randomKey()
  for (const n of nodes) await rotateFleetKey(n.dir, next, 3600_000)
  // Issued tokens switch to the new key once each node has re-read its key files (within a second).
  for (const n of nodes)
    await until(`${n.state.name} to sign with the new key`, async () => {
      const t = await tokenFor(n, 'aula', 'dave')
      return decodeProtectedHeader(t).kid !== decodeProtectedHeader(before).kid
    })
  const pub = await publishVia(n2, 'aula', 'carol') // a fresh token: new key
  clients.push(pub)
  const post = (token: string) =>
    fetch(`${n2.state.publicUrl}/whep/aula/${pub.participantId}`, {
      method: 'POST',
      headers: {authorization: `Bearer ${token}`, 'content-type': 'application/sdp'},
      body: 'x',
      redirect: 'manual',
    })
  const overlap = await post(before)
  assert.ok(overlap.status === 307 || overlap.status === 400, `old token accepted in the overlap (${overlap.status})`)
  for (const n of nodes) await rotateFleetKey(n.dir, randomKey(), 0)
  await until('the old token refused once no node keeps its key', async () => (await post(before)).status === 401)
})

test.run()
