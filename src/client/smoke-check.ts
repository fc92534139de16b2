// `confctl smoke` as one operation: which node (fleet.yaml's, any node by admin URL, or a
// throwaway one), the run itself (smoke.ts, loaded only now: it needs the native WebRTC
// library, which `--help` and the manifest must not), the JUnit file, and the verdict.
import {writeFile} from 'node:fs/promises'
import {BadInputError, CheckFailedError, UnavailableError} from '../errors.js'
import {smokeJunitXml} from './junit.js'
import {targetFromAdminUrl, targetFromInventory, type SmokeTarget} from './node-target.js'
import {planFleetSmoke, type FleetSmokePlan} from './fleet-smoke.js'
import type {SmokeSettings} from './smoke-options.js'
import type {SmokeReport} from './smoke-report.js'

export interface SmokeRequest extends Partial<SmokeSettings> {
  /** A node of fleet.yaml; or */
  node?: string
  /** any node's admin URL, with the file holding its admin token; neither: a throwaway node. */
  url?: string
  adminTokenFile?: string
  /** or two nodes of a coordinated fleet: publish through one, subscribe through the other. */
  fleet?: boolean
  /** Also write the report as JUnit XML here. */
  junit?: string
  onProgress?: (message: string) => void
}

export async function smokeCheck(req: SmokeRequest): Promise<SmokeReport> {
  const {node, url, adminTokenFile, junit, fleet: acrossFleet, ...options} = req
  if (adminTokenFile && !url)
    throw new BadInputError(
      '--admin-token-file goes with --url; with --node the token is read from the node directory.',
    )
  let target: SmokeTarget | undefined
  let fleet: FleetSmokePlan | undefined
  if (node) target = await targetFromInventory(node)
  else if (url) target = await targetFromAdminUrl(url, adminTokenFile)
  else if (acrossFleet) target = (fleet = await planFleetSmoke()).target
  let report: SmokeReport
  try {
    const {runSmoke} = await loadSmokeRunner()
    report = await runSmoke({...options, target, fleet})
  } finally {
    await fleet?.close()
  }
  if (junit) await writeJunit(junit, report)
  return report
}

/** The error a failed smoke check ends in (exit 1), after its report; null when it passed. */
export function smokeFailure(report: SmokeReport): CheckFailedError | null {
  if (report.passed) return null
  if (report.fleet && !report.fleet.passed)
    return new CheckFailedError(`smoke --fleet failed: ${report.fleet.problem}.`)
  const failed = report.streams.filter((s) => !s.passed).length
  return new CheckFailedError(
    `smoke check failed: ${failed} of ${report.streams.length} streams on node '${report.node}' missed the thresholds.`,
  )
}

async function writeJunit(file: string, report: SmokeReport): Promise<void> {
  try {
    await writeFile(file, smokeJunitXml(report))
  } catch (err) {
    throw new BadInputError(
      `cannot write the JUnit report to ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`,
    )
  }
}

async function loadSmokeRunner(): Promise<typeof import('./smoke.js')> {
  try {
    return await import('./smoke.js')
  } catch (err) {
    throw new UnavailableError(
      `the WebRTC client library (@roamhq/wrtc) cannot be loaded on this machine: ${(err as Error).message.split('\n')[0]}`,
    )
  }
}
