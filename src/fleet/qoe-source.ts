// Where `qoe inspect` and `qoe check --node` get a node's QoE samples: the node's stored
// samples (GET /v1/qoe/samples, every --qoe-interval) for a past window, or live: the
// current per-stream counters of /v1/rooms/{room}, polled once a second for a short window
// and shaped like stored samples, so one summary code path serves both.
import type {QoeSample, RoomDetail} from '../api/node-api.js'
import type {AdminClient} from './admin-client.js'
import {qoeSampleOf} from '../api/qoe-sample.js'

export interface QoeFilter {
  room?: string
  participant?: string
}

export async function storedSamples(client: AdminClient, sinceMs: number, filter: QoeFilter): Promise<QoeSample[]> {
  return client.qoeSamples({since: new Date(Date.now() - sinceMs).toISOString(), ...filter})
}

export function roomToSamples(room: RoomDetail, time: string, filter: QoeFilter): QoeSample[] {
  const out: QoeSample[] = []
  for (const p of room.participantsList) {
    if (filter.participant && p.id !== filter.participant && p.identity !== filter.participant) continue
    for (const s of p.streams) out.push(qoeSampleOf(room.name, p, s, time))
  }
  return out
}

/** Polls the rooms once a second for `seconds`; onTick reports progress (TTY only). */
export async function liveSamples(
  client: AdminClient,
  seconds: number,
  filter: QoeFilter,
  onTick?: (n: number) => void,
): Promise<QoeSample[]> {
  const out: QoeSample[] = []
  for (let i = 0; i <= seconds; i++) {
    const names = filter.room ? [filter.room] : (await client.rooms()).map((r) => r.name)
    const time = new Date().toISOString()
    for (const name of names) {
      try {
        out.push(...roomToSamples(await client.room(name), time, filter))
      } catch (err) {
        if (i === 0) throw err // an unknown room is bad input; one that closed later is not
      }
    }
    onTick?.(i)
    if (i < seconds) await new Promise((r) => setTimeout(r, 1000))
  }
  return out
}
