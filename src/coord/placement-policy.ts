// Which live node a new room goes to (docs/fleet.md "Placement policies"). The choice is
// made inside the claim script (claim-room.ts), from the load each node last registered plus
// the rooms claimed for it since, so a burst of new rooms spreads instead of piling onto the
// node that looked emptiest at its last heartbeat.

export type PlacementPolicy =
  | {kind: 'least-participants'}
  | {kind: 'least-cpu'}
  /** This node while its CPU is below `percent`, otherwise as least-cpu. */
  | {kind: 'stay-here-below'; percent: number}

export const DEFAULT_PLACEMENT: PlacementPolicy = {kind: 'least-participants'}

export class PlacementPolicyError extends Error {}

/** `least-participants`, `least-cpu` or `stay-here-below:N` (N a percentage from 1 to 100). */
export function parsePlacementPolicy(value: string, what = '--placement'): PlacementPolicy {
  if (value === 'least-participants' || value === 'least-cpu') return {kind: value}
  const m = /^stay-here-below:(\d{1,3})%?$/.exec(value)
  if (m) {
    const percent = Number(m[1])
    if (percent >= 1 && percent <= 100) return {kind: 'stay-here-below', percent}
  }
  throw new PlacementPolicyError(
    `${what} must be least-participants, least-cpu or stay-here-below:N (N a CPU percentage from 1 to 100), not '${value}'`,
  )
}

export function formatPlacementPolicy(p: PlacementPolicy): string {
  return p.kind === 'stay-here-below' ? `stay-here-below:${p.percent}` : p.kind
}
