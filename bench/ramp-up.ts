// The publisher's ramp-up, one bench:sfu phase: how long a fresh publisher takes from
// "connected" to sending 1 Mbit/s. Its browser-like bandwidth estimator starts at 300 kbit/s
// and only climbs as fast as the node's congestion feedback lets it (transport-cc reports,
// REMB); with none it climbed ~8 %/s. Measured from the publisher's own getStats():
// candidate-pair availableOutgoingBitrate (the estimate) and outbound-rtp bytesSent over a
// sliding 1 s window (what it really sends). Bounded: LIMIT_S per run.
import {AdminClient} from '../src/fleet/admin-client.js'
import {startThrowawayNode} from '../src/fleet/node-launcher-throwaway.js'
import {waitForConnection} from '../src/client/peer-state.js'
import {SyntheticPublisher} from '../src/client/publisher.js'
import {releaseNativeObjects} from '../src/client/wrtc.js'

const TARGET_BPS = 1_000_000
const LIMIT_S = 30
const SAMPLE_MS = 250

export interface RampUp {
  /** Seconds from connect until the publisher's estimate reached 1 Mbit/s; null: not within limitS. */
  estimateS: number | null
  /** Seconds from connect until it sent 1 Mbit/s (audio + video, over the last second). */
  sendingS: number | null
  estimateAt1sKbps: number
  sendingAt5sKbps: number
  limitS: number
}

export async function measureRampUp(script: string | undefined): Promise<RampUp> {
  const node = await startThrowawayNode({script, name: `bench-${process.pid}`, handleSignals: true})
  const admin = new AdminClient({nodeName: node.name, adminUrl: node.adminUrl, token: node.adminToken})
  let pub: SyntheticPublisher | undefined
  try {
    const {token} = await admin.createToken({room: 'ramp', identity: 'ramp-pub'})
    pub = await SyntheticPublisher.publish({
      whipUrl: `${node.publicUrl}/whip/ramp`,
      token,
      width: 1280,
      height: 720,
      fps: 30,
      maxBitrateBps: 2_500_000,
    })
    if (!(await waitForConnection(pub.pc, 15_000)))
      throw new Error(`the ramp-up publisher did not connect (${pub.pc.connectionState})`)
    const t0 = performance.now()
    const sent: Array<{t: number; bytes: number}> = []
    const result: RampUp = {estimateS: null, sendingS: null, estimateAt1sKbps: 0, sendingAt5sKbps: 0, limitS: LIMIT_S}
    const elapsed = () => (performance.now() - t0) / 1000
    // Until both figures are in and the 5 s sample is taken, or the limit.
    while (elapsed() < LIMIT_S && (result.sendingS === null || result.estimateS === null || elapsed() < 5.5)) {
      await new Promise((r) => setTimeout(r, SAMPLE_MS))
      const t = (performance.now() - t0) / 1000
      let estimate = 0
      let bytes = 0
      for (const s of (await pub.pc.getStats()).values()) {
        if (s.type === 'candidate-pair' && s.nominated) estimate = s.availableOutgoingBitrate ?? 0
        if (s.type === 'outbound-rtp') bytes += s.bytesSent ?? 0
      }
      sent.push({t, bytes})
      const ago = sent.find((x) => x.t >= t - 1) ?? sent[0]!
      const sending = t - ago.t > 0.5 ? ((bytes - ago.bytes) * 8) / (t - ago.t) : 0
      if (t <= 1) result.estimateAt1sKbps = Math.round(estimate / 1000)
      if (t <= 5) result.sendingAt5sKbps = Math.round(sending / 1000)
      if (result.estimateS === null && estimate >= TARGET_BPS) result.estimateS = round1(t)
      if (result.sendingS === null && sending >= TARGET_BPS) result.sendingS = round1(t)
    }
    return result
  } finally {
    await pub?.close()
    pub = undefined // a live reference keeps wrtc's native objects alive: a crash at exit
    await node.stop()
    await releaseNativeObjects()
  }
}

const round1 = (n: number) => Math.round(n * 10) / 10
