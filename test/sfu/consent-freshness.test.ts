// test-kind: e2e
// ICE consent freshness (RFC 7675) from the node's side: it sends its own consent checks on
// the selected pair every ~5 s (counted by a libwebrtc subscriber's candidate-pair stats),
// and a subscriber whose process is killed (no DELETE, no DTLS close: it just stops
// answering) is ended by the node with reason ice-failed once consent expires, ~30 s later.
import {spawn} from 'node:child_process'
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {waitForConnection} from '../../src/client/peer-state.js'
import {SyntheticPublisher} from '../../src/client/publisher.js'
import {SyntheticSubscription} from '../../src/client/subscriber.js'
import {releaseNativeObjects} from '../../src/client/wrtc.js'
import {startTestNode, type TestNode} from '../helpers/sfu-process.js'
import {rtcPortSlot} from '../helpers/rtc-port-slots.js'

const ROOM = 'consent'
const PARTICIPANT = new URL('../helpers/netns-participant.js', import.meta.url).pathname
let node: TestNode

async function tokenFor(identity: string): Promise<string> {
  const res = await fetch(`${node.state.adminUrl}/v1/tokens`, {
    method: 'POST',
    headers: {authorization: `Bearer ${node.adminToken}`, 'content-type': 'application/json'},
    body: JSON.stringify({room: ROOM, identity}),
  })
  assert.is(res.status, 201)
  return ((await res.json()) as {token: string}).token
}

/** STUN requests the node sent to this client on its selected pair (libwebrtc's own count). */
async function requestsReceived(pc: RTCPeerConnection): Promise<number> {
  const report = await pc.getStats()
  for (const s of report.values() as IterableIterator<Record<string, unknown>>) {
    if (s.type === 'candidate-pair' && s.nominated === true && s.state === 'succeeded')
      return Number(s.requestsReceived ?? 0)
  }
  return 0
}

test.before(async () => {
  node = await startTestNode([], rtcPortSlot(41))
})

test.after(async () => {
  await releaseNativeObjects()
  await node?.stop()
})

test('the node sends consent checks every ~5 s and ends a vanished subscriber with ice-failed within 40 s', async () => {
  const publisher = await SyntheticPublisher.publish({
    whipUrl: `${node.state.publicUrl}/whip/${ROOM}`,
    token: await tokenFor('pub'),
  })
  const watcher = await SyntheticSubscription.subscribe({
    whepUrl: `${node.state.publicUrl}/whep/${ROOM}/${publisher.participantId}`,
    token: await tokenFor('watcher'),
  })
  const child = spawn(
    process.execPath,
    [
      PARTICIPANT,
      'subscribe',
      `${node.state.publicUrl}/whep/${ROOM}/${publisher.participantId}`,
      await tokenFor('vanishing'),
      '300',
    ],
    {stdio: ['ignore', 'pipe', 'pipe']},
  )
  try {
    assert.ok(await waitForConnection(watcher.pc, 15_000), 'watcher connected')
    let out = ''
    child.stdout!.on('data', (c) => (out += c))
    const joinDeadline = Date.now() + 20_000
    while (!out.includes('"subscribed":true') && Date.now() < joinDeadline) await new Promise((r) => setTimeout(r, 50))
    assert.ok(out.includes('"subscribed":true'), `the vanishing subscriber joined: ${out}`)
    // Its session connects (the node logs nothing yet); then it dies without a word.
    const connectDeadline = Date.now() + 15_000
    let connected = false
    while (!connected && Date.now() < connectDeadline) {
      const res = await fetch(`${node.state.adminUrl}/v1/rooms/${ROOM}`, {
        headers: {authorization: `Bearer ${node.adminToken}`},
      })
      const body = (await res.json()) as {participantsList?: Array<{identity: string; state: string}>}
      connected = body.participantsList?.some((p) => p.identity === 'vanishing' && p.state === 'connected') ?? false
      if (!connected) await new Promise((r) => setTimeout(r, 100))
    }
    assert.ok(connected, 'the vanishing subscriber connected')
    const startRequests = await requestsReceived(watcher.pc)
    child.kill('SIGKILL')
    const killedAt = Date.now()
    let ended: RegExpExecArray | null = null
    while (!ended && Date.now() - killedAt < 45_000) {
      await new Promise((r) => setTimeout(r, 200))
      ended = /session (sub_\w+) \(subscriber\) in room consent ended: (\S+)/.exec(node.output())
    }
    const seconds = (Date.now() - killedAt) / 1000
    assert.ok(ended, `no end within 45 s of the kill: ${node.output().slice(-500)}`)
    assert.is(ended[2], 'ice-failed')
    assert.ok(
      seconds > 15 && seconds < 40,
      `ended ${seconds.toFixed(1)} s after the kill (consent expires 30 s after the last answer)`,
    )
    // Meanwhile (>= 15 s) the watcher answered the node's consent checks: 5 s +- 20 % apart.
    const checks = (await requestsReceived(watcher.pc)) - startRequests
    assert.ok(
      checks >= Math.floor(seconds / 6) && checks <= Math.ceil(seconds / 4) + 1,
      `${checks} consent checks in ${seconds.toFixed(1)} s`,
    )
    assert.is(watcher.pc.connectionState, 'connected', 'the live subscriber keeps its session')
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL')
    await watcher.close()
    await publisher.close()
  }
})

test.run()
