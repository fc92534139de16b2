// A synthetic participant run as its own process, so that it can live inside a network
// namespace (`ip netns exec NS node netns-participant.js ...`):
//   publish   WHIP_URL TOKEN SECONDS   prints {"participantId": ...} once published
//   subscribe WHEP_URL TOKEN SECONDS   prints {"subscribed": true} once subscribed
// It stays for SECONDS, then leaves and exits 0.
import {SyntheticPublisher} from '../../src/client/publisher.js'
import {SyntheticSubscription} from '../../src/client/subscriber.js'
import {releaseNativeObjects} from '../../src/client/wrtc.js'

const [role, url, token, seconds] = process.argv.slice(2)
if (!role || !url || !token || !seconds) {
  process.stderr.write('usage: netns-participant publish|subscribe URL TOKEN SECONDS\n')
  process.exit(2)
}
let closer: {close(): Promise<void>} | undefined
if (role === 'publish') {
  const pub = await SyntheticPublisher.publish({whipUrl: url, token})
  closer = pub
  process.stdout.write(JSON.stringify({participantId: pub.participantId}) + '\n')
} else {
  closer = await SyntheticSubscription.subscribe({whepUrl: url, token})
  process.stdout.write(JSON.stringify({subscribed: true}) + '\n')
}
await new Promise((r) => setTimeout(r, Number(seconds) * 1000))
await closer.close()
closer = undefined
await releaseNativeObjects()
process.exit(0)
