// One node's call quality for `qoe inspect` and `qoe check --node`: fetch samples (stored or
// live, src/fleet/qoe-source.ts), summarise per participant and stream (src/qoe), and turn
// "nothing found" for a named room or participant into bad input rather than an empty table.
import {BadInputError} from '../errors.js'
import {summarizeNodeStreams, type NodeStream} from '../qoe/node-streams.js'
import {liveSamples, storedSamples, type QoeFilter} from './qoe-source.js'
import {connectNode} from './resolve-node.js'

export interface NodeQoeRequest extends QoeFilter {
  node?: string
  /** Past window of stored samples, seconds. */
  sinceSeconds?: number
  /** Live window: poll current counters for this many seconds instead. */
  liveSeconds?: number
  onLiveTick?: (second: number) => void
}

export interface NodeQoeResult {
  node: string
  mode: 'stored' | 'live'
  windowSeconds: number
  room: string | null
  participant: string | null
  streams: NodeStream[]
}

export async function nodeQoe(req: NodeQoeRequest): Promise<NodeQoeResult> {
  const {entry, client} = await connectNode(req.node)
  const filter: QoeFilter = {room: req.room, participant: req.participant}
  const live = req.liveSeconds !== undefined
  const windowSeconds = live ? req.liveSeconds! : (req.sinceSeconds ?? 900)
  const rows = live
    ? await liveSamples(client, windowSeconds, filter, req.onLiveTick)
    : await storedSamples(client, windowSeconds * 1000, filter)
  if (rows.length === 0 && (req.room || req.participant)) {
    const what = [req.room && `room '${req.room}'`, req.participant && `participant '${req.participant}'`]
      .filter(Boolean)
      .join(' / ')
    const when = live
      ? 'right now'
      : `in the last ${windowSeconds} s (samples are written every --qoe-interval; try --live)`
    throw new BadInputError(`${what} has no QoE samples on node '${entry.name}' ${when}.`)
  }
  return {
    node: entry.name,
    mode: live ? 'live' : 'stored',
    windowSeconds,
    room: req.room ?? null,
    participant: req.participant ?? null,
    streams: summarizeNodeStreams(rows),
  }
}
