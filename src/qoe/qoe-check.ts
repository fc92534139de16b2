// `qoe check` on a stats dump: import it as `qoe import` does and judge every stream's p95
// figures against the thresholds (thresholds.ts). The verdict and the one sentence a failed
// check ends in are shared with the check of a node's streams (fleet/node-qoe-check.ts).
import {CheckFailedError} from '../errors.js'
import {importDump, type ImportResult} from './import/index.js'
import {evaluate, type SummaryScope, type Thresholds, type Violation} from './thresholds.js'

export interface CheckVerdict {
  thresholds: Thresholds
  passed: boolean
  streamsChecked: number
  violations: Violation[]
}

/** The JSON of `qoe check --file` (field order as documented). */
export interface DumpCheck {
  file: string
  format: ImportResult['format']
  thresholds: Thresholds
  passed: boolean
  streamsChecked: number
  violations: Violation[]
  peerConnections: ImportResult['peerConnections']
}

export function judge(scopes: SummaryScope[], thresholds: Thresholds): CheckVerdict {
  const violations = evaluate(scopes, thresholds)
  const streamsChecked = scopes.reduce((n, s) => n + s.streams.length, 0)
  return {thresholds, passed: violations.length === 0, streamsChecked, violations}
}

/** One scope per peer connection of the dump. */
export function dumpScopes(check: Pick<DumpCheck, 'peerConnections'>): SummaryScope[] {
  return check.peerConnections.map((pc) => ({source: `pc ${pc.id}`, streams: pc.streams}))
}

export async function checkDump(file: string, thresholds: Thresholds): Promise<DumpCheck> {
  const result = await importDump(file)
  const verdict = judge(dumpScopes(result), thresholds)
  return {file: result.file, format: result.format, ...verdict, peerConnections: result.peerConnections}
}

/** The error a failed check ends in (exit 1), after its report: the first violation named,
 *  the others counted (`listed` says where: 'in the JSON' or 'above'). Null when it passed. */
export function checkFailure(verdict: CheckVerdict, listed: string): CheckFailedError | null {
  const {violations, streamsChecked} = verdict
  if (!violations.length) return null
  const streams = new Set(violations.map((v) => `${v.source} / ${v.stream}`))
  const more = violations.length > 1 ? ` (and ${violations.length - 1} more violation(s), listed ${listed})` : ''
  return new CheckFailedError(
    `${streams.size} of ${streamsChecked} stream(s) break the quality thresholds: ${violations[0]!.message}${more}.`,
  )
}
