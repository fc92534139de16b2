// test-kind: per-core (a real browser)
// A Chromium page in a two-node fleet (a Redis of the test's own, inside the file's network
// namespace): the page publishes, with trickle ICE, through the node that does not host the
// room, and subscribes through it too; the node relays POST and PATCH to the owner (CORS
// included), the answers carry the owner's candidates, and audio and video decode in the
// page. The second node is drained while the room is placed, so the owner is the first.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {Redis} from 'ioredis'
import {decodeProtectedHeader} from 'jose'
import {insideIsolatedNetns, reachedBeyond} from '../helpers/in-isolated-netns.js'
import {launchChromium, type Browser, type Tab} from '../helpers/browsers.js'
import {loudly, startHarness, type Harness, type SessionSummary} from '../helpers/browser-harness.js'
import {startOwnRedis, uniquePrefix, type OwnRedis} from '../helpers/coord-redis.js'
import {fleetArgs, fleetNodeDir, newFleetKey} from '../helpers/fleet-nodes.js'
import {startTestNode, tokenFor, type TestNode} from '../helpers/sfu-process.js'
import {adminPost} from '../helpers/fleet-clients.js'
import {findRoomOwner, listNodes} from '../../src/coord/fleet-view.js'
import {until} from '../helpers/until.js'

const NS_IP = await insideIsolatedNetns(import.meta.url)

let own: OwnRedis
let redis: Redis
let h: Harness
let relay: TestNode
let chrome: Browser
let tab: Tab
const prefix = uniquePrefix('browser')

test.before(
  loudly('setting up the fleet and the browser', async () => {
    own = await startOwnRedis()
    redis = new Redis(own.url)
    const key = newFleetKey()
    const opts = {redisUrl: own.url, prefix, rtcPorts: []}
    h = await startHarness(NS_IP, fleetArgs(opts, 'owner'))
    // The harness's node directory is made for it: it gets the fleet key now, read within a second.
    writeFileSync(join(h.node.dir, 'fleet.secret'), key + '\n', {mode: 0o600})
    await until('the owner to sign with the fleet key', async () =>
      String(decodeProtectedHeader(await h.token('probe', 'probe')).kid).startsWith('f-'),
    )
    relay = await startTestNode(
      ['--announce-ip', NS_IP, '--max-sessions-per-ip', '64', ...fleetArgs(opts, 'relay')],
      '43200-43219',
      fleetNodeDir(key),
    )
    await until('two nodes registered', async () => (await listNodes(redis, prefix)).length === 2)
    chrome = await launchChromium()
    tab = await chrome.open(h.page.url)
  }),
)

test.after(async () => {
  await chrome?.close()
  await relay?.stop()
  await h?.close()
  redis?.disconnect()
  await own?.stop()
})

test('Chromium publishes (trickle ICE) and subscribes through the node that does not host the room', async () => {
  const room = 'relayed'
  assert.is(await adminPost(relay, '/v1/drain'), 200)
  await until('the relay node to be draining', async () =>
    (await listNodes(redis, prefix)).some((n) => n.id === relay.state.id && n.state === 'draining'),
  )
  const base = relay.state.publicUrl
  const pub = await tab.call<SessionSummary>('publish', 'chrome-pub', {
    url: `${base}/whip/${room}`,
    token: await tokenFor(relay, room, 'chrome-pub'),
    trickle: true,
  })
  assert.is(pub.postStatus, 201)
  assert.is((await findRoomOwner(redis, prefix, room))?.id, h.node.state.id, 'placed on the node that is up')
  assert.ok(
    pub.patches.length > 0 && pub.patches.every((p) => p.status === 204),
    `trickle PATCHes relayed: ${JSON.stringify(pub.patches)}`,
  )
  const [from, to] = h.node.state.rtcPorts
  const port = Number(/^a=candidate:\S+ 1 udp \d+ \S+ (\d+) typ host/m.exec(pub.answer)?.[1])
  assert.ok(port >= from && port <= to, `the answer's candidate is the owner's (port ${port})`)
  const publisherId = pub.location.split('/').pop()!
  await tab.call<SessionSummary>('subscribe', 'chrome-sub', {
    url: `${base}/whep/${room}/${publisherId}`,
    token: await tokenFor(relay, room, 'chrome-sub'),
  })
  await h.expectMedia(tab, 'chrome-sub', room)
  const onOwner = (await h.rooms()).find((r) => r.name === room)
  assert.is(onOwner?.participants, 2)
  assert.is(await adminPost(relay, '/v1/undrain'), 200)
})

test('nothing reached beyond the namespace', () => {
  const beyond = reachedBeyond()
  assert.equal(beyond, {lookups: [], packets: []})
})

test.run()
