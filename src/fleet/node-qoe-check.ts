// `qoe check --node`: a node's streams (its stored samples over a window, or its counters
// polled live) judged against the thresholds, one scope per participant stream, the same
// way a dump is (qoe/qoe-check.ts).
import {judge} from '../qoe/qoe-check.js'
import type {SummaryScope, Thresholds, Violation} from '../qoe/thresholds.js'
import {nodeQoe, type NodeQoeResult} from './node-qoe.js'

/** The JSON of `qoe check --node` (field order as documented). */
export interface NodeCheck {
  node: string
  mode: NodeQoeResult['mode']
  windowSeconds: number
  thresholds: Thresholds
  passed: boolean
  streamsChecked: number
  violations: Violation[]
  streams: NodeQoeResult['streams']
}

export interface NodeCheckRequest {
  node?: string
  room?: string
  sinceSeconds: number
  /** Poll live counters for this long instead of reading stored samples. */
  liveSeconds?: number
}

export function nodeScopes(check: Pick<NodeCheck, 'streams'>): SummaryScope[] {
  return check.streams.map((s) => ({source: `${s.room} / ${s.identity}`, streams: [s.summary]}))
}

export async function checkNode(req: NodeCheckRequest, thresholds: Thresholds): Promise<NodeCheck> {
  const result = await nodeQoe(req)
  const verdict = judge(nodeScopes(result), thresholds)
  return {
    node: result.node,
    mode: result.mode,
    windowSeconds: result.windowSeconds,
    ...verdict,
    streams: result.streams,
  }
}
