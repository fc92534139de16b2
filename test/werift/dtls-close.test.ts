// test-kind: e2e
// The werift patch ignores unauthenticated (epoch 0) DTLS records after the handshake, so a
// forged plaintext close_notify does nothing; this checks that the real thing still works:
// when a libwebrtc peer closes, its encrypted close_notify closes werift's DTLS transport.
// The node's own peer factory answers the offer, in this process, so the DTLS state is visible.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {waitForConnection} from '../../src/client/peer-state.js'
import {createCompleteOffer} from '../../src/client/signalling.js'
import {RTCPeerConnection, releaseNativeObjects} from '../../src/client/wrtc.js'
import {ALL_CODECS} from '../../src/api/codec-names.js'
import {answerOffer, createPeer} from '../../src/sfu/peer-factory.js'
import {planPublisher} from '../../src/sfu/section-plan.js'

async function waitFor(what: string, condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

test('an encrypted close_notify from the real peer closes the DTLS transport', async () => {
  const node = createPeer({rtcPorts: [44900, 44999]}, 'subscriber')
  const client = new RTCPeerConnection()
  try {
    client.addTransceiver('audio', {direction: 'sendonly'})
    const answer = await answerOffer(
      node,
      await createCompleteOffer(client),
      'close-test',
      (offer) => planPublisher(offer, ALL_CODECS),
      () => undefined,
    )
    await client.setRemoteDescription({type: 'answer', sdp: answer})
    assert.ok(await waitForConnection(client, 15_000), `client connected (${client.connectionState})`)
    const dtls = () => node.dtlsTransports.map((t) => t.state)
    await waitFor('the node side connects', () => dtls().includes('connected'), 10_000)
    client.close() // libwebrtc sends close_notify under the negotiated keys (epoch 1)
    // ICE consent would notice only after 30 s; the alert takes a round trip.
    await waitFor(
      `the node's DTLS transport closes (states: ${dtls().join(', ')})`,
      () => dtls().includes('closed'),
      5_000,
    )
  } finally {
    client.close()
    await node.close()
    await releaseNativeObjects()
  }
})

test.run()
