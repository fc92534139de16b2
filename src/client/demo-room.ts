// The demo's room: a few synthetic participants who each publish (test pattern + tone) and
// each watch everybody else, the way a small video meeting looks to an SFU. Identities are
// obviously synthetic (example.invalid) so that no demo row can be mistaken for a person.
import {AdminClient} from '../fleet/admin-client.js'
import type {SmokeTarget} from './node-target.js'
import {SyntheticPublisher} from './publisher.js'
import {SyntheticSubscription} from './subscriber.js'
import {releaseNativeObjects} from './wrtc.js'

const NAMES = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken']

export interface DemoRoom {
  room: string
  publishers: SyntheticPublisher[]
  subscriptions: SyntheticSubscription[]
  close(): Promise<void>
}

export async function joinDemoRoom(target: SmokeTarget, room: string, participants: number): Promise<DemoRoom> {
  const admin = new AdminClient({nodeName: target.name, adminUrl: target.adminUrl, token: target.adminToken})
  const publishers: SyntheticPublisher[] = []
  const subscriptions: SyntheticSubscription[] = []
  const close = async () => {
    await Promise.all(subscriptions.map((s) => s.close()))
    await Promise.all(publishers.map((p) => p.close()))
    // Drop the references, then collect: wrtc's native sources must die before exit.
    subscriptions.length = 0
    publishers.length = 0
    await releaseNativeObjects()
  }
  try {
    const people = Array.from({length: participants}, (_, i) => ({
      identity: `demo-${i + 1}@example.invalid`,
      name: `${NAMES[i % NAMES.length]} (demo)`,
    }))
    const tokens = await Promise.all(
      people.map((p) =>
        admin.createToken({
          room,
          identity: p.identity,
          name: p.name,
          ttlSeconds: 86400,
          grants: {maxSessions: Math.max(2, participants)},
        }),
      ),
    )
    for (const [i, t] of tokens.entries()) {
      // A modest bitrate: several encoders and decoders share this machine with the node.
      publishers.push(
        await SyntheticPublisher.publish({
          whipUrl: `${target.publicUrl}/whip/${encodeURIComponent(room)}`,
          token: t.token,
          maxBitrateBps: 300_000,
          toneHz: 330 + 110 * i,
        }),
      )
    }
    for (const [i, t] of tokens.entries()) {
      for (const [j, pub] of publishers.entries()) {
        if (i === j) continue
        const whepUrl = `${target.publicUrl}/whep/${encodeURIComponent(room)}/${encodeURIComponent(pub.participantId)}`
        subscriptions.push(await SyntheticSubscription.subscribe({whepUrl, token: t.token}))
      }
    }
    return {room, publishers, subscriptions, close}
  } catch (err) {
    await close()
    throw err
  }
}
