// Cells more than one view shows: a node's state, tones from the QoE bands, a dash for
// a figure that is not known.
import {type FleetSnapshot, type NodeSnapshot, secondsSince} from '../../fleet/snapshot.js'
import {type Band, bandHigherWorse, DEFAULT_BANDS} from '../../qoe/bands.js'
import type {Cell} from '../layout.js'
import {fmtAge} from '../text.js'
import type {Tone} from '../theme.js'

export function stateCell(n: NodeSnapshot, snap: FleetSnapshot): Cell {
  if (n.state !== 'unreachable') return {text: n.state, tone: n.state}
  if (n.managed === false) return {text: 'no access', tone: 'unreachable'} // known through Redis only
  return {
    text: n.lastSeen ? `unreachable ${fmtAge(secondsSince(snap, n.lastSeen))}` : 'unreachable',
    tone: 'unreachable',
  }
}

export function lossTone(fraction: number | null): Tone | undefined {
  return bandTone(bandHigherWorse(fraction === null ? null : fraction * 100, DEFAULT_BANDS.lossPercent))
}

export function lossPercentTone(percent: number | null): Tone | undefined {
  return bandTone(bandHigherWorse(percent, DEFAULT_BANDS.lossPercent))
}

export function bandTone(b: Band | null): Tone | undefined {
  return b ?? undefined
}

export const dash = (t: Tone = 'muted'): Cell => ({text: '-', tone: t})
