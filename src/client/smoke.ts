// `runSmoke`: the end-to-end check of a node's media path. P synthetic publishers send a
// test pattern and a tone into one fresh room; S synthetic subscribers each receive every
// publisher over WHEP; after the duration, every received stream is judged from the
// subscriber's own libwebrtc stats (a real client's view, not the node's). Everything it
// opens — peer connections, node sessions, a throwaway node — is closed again, always.
import {randomBytes} from 'node:crypto'
import {evaluateStream, type StreamResult} from './evaluate.js'
import {startThrowawayNode, type ThrowawayNode, type ThrowawayOptions} from '../fleet/node-launcher-throwaway.js'
import {adminClient, type SmokeTarget} from './node-target.js'
import {waitForConnection} from './peer-state.js'
import {SyntheticPublisher} from './publisher.js'
import {checkSmokeSettings, type SmokeSettings} from './smoke-options.js'
import type {SmokeReport} from './smoke-report.js'
import {inboundStreams, streamOfKind, type MediaKind} from './stats.js'
import {SyntheticSubscription} from './subscriber.js'
import {releaseNativeObjects} from './wrtc.js'
import {StatsSeries} from './stats-series.js'
import type {FleetSmokePlan} from './fleet-smoke.js'

export interface SmokeOptions extends Partial<SmokeSettings> {
  /** The node to check; without one a throwaway local node is started and stopped. */
  target?: SmokeTarget
  /** For that throwaway node (default: named smoke-<pid>, stopped on Ctrl-C). */
  localNode?: ThrowawayOptions
  /** Progress lines for a human (the CLI shows them on a TTY only). */
  onProgress?: (message: string) => void
  /** smoke --fleet: subscribe through this other node and check the relay (fleet-smoke.ts). */
  fleet?: Pick<FleetSmokePlan, 'subscribeVia' | 'check'>
}

interface Subscription {
  subscriber: string
  publisher: SyntheticPublisher & {label: string}
  sub: SyntheticSubscription
}

const KINDS: MediaKind[] = ['audio', 'video']

export async function runSmoke(opts: SmokeOptions = {}): Promise<SmokeReport> {
  const settings = checkSmokeSettings(opts)
  const progress = opts.onProgress ?? (() => undefined)
  let local: ThrowawayNode | undefined
  // Everything opened so far, so the finally block can close it whatever failed.
  const publishers: (SyntheticPublisher & {label: string})[] = []
  const subscriptions: Subscription[] = []
  const series = new StatsSeries()
  try {
    if (!opts.target) progress('starting a throwaway local node')
    const target =
      opts.target ??
      (local = await startThrowawayNode({name: `smoke-${process.pid}`, handleSignals: true, ...opts.localNode}))
    const publicUrl = target.publicUrl.replace(/\/+$/, '')
    const room = `smoke-${randomBytes(4).toString('hex')}`
    const subscribeUrl = (opts.fleet?.subscribeVia.publicUrl ?? publicUrl).replace(/\/+$/, '')
    const admin = adminClient(target.name, target.adminUrl, target.adminToken)
    // A subscriber's one token serves one session per publisher.
    const token = async (identity: string, name: string) =>
      (
        await admin.createToken({
          room,
          identity,
          name,
          ttlSeconds: Math.ceil(settings.durationSeconds) + 300,
          grants: {maxSessions: Math.max(2, settings.publishers)},
        })
      ).token

    progress(`node ${target.name}: publishing ${settings.publishers} test streams into room ${room}`)
    await allOpened(
      range(settings.publishers).map(async (i) => {
        const label = `smoke-pub-${i}`
        const p = await SyntheticPublisher.publish({
          whipUrl: `${publicUrl}/whip/${encodeURIComponent(room)}`,
          token: await token(label, `confctl smoke publisher ${i}`),
          maxBitrateBps: settings.maxBitrateBps,
        })
        publishers.push(Object.assign(p, {label}))
      }),
    )
    await Promise.all(publishers.map((p) => waitForConnection(p.pc, settings.connectTimeoutMs)))

    progress(
      `subscribing ${settings.subscribers} subscriber(s) to every publisher${opts.fleet ? ` through node ${opts.fleet.subscribeVia.name}` : ''}`,
    )
    await allOpened(
      range(settings.subscribers).map(async (j) => {
        const subscriber = `smoke-sub-${j}`
        // One identity may hold several sessions: one token serves all its subscriptions.
        const t = await token(subscriber, `confctl smoke subscriber ${j}`)
        await allOpened(
          publishers.map(async (publisher) => {
            const whepUrl = `${subscribeUrl}/whep/${encodeURIComponent(room)}/${encodeURIComponent(publisher.participantId)}`
            subscriptions.push({subscriber, publisher, sub: await SyntheticSubscription.subscribe({whepUrl, token: t})})
          }),
        )
      }),
    )
    await Promise.all(subscriptions.map((s) => waitForConnection(s.sub.pc, settings.connectTimeoutMs)))

    progress(`receiving media for ${settings.durationSeconds} s`)
    series.start(() => subscriptions.map((s) => s.sub))
    await new Promise((r) => setTimeout(r, settings.durationSeconds * 1000))
    await series.stop()

    // While the room still lives: where the fleet placed it.
    const fleet = opts.fleet && (await opts.fleet.check(room))
    const streams = (await Promise.all(subscriptions.map((s) => judge(s, settings, series)))).flat()
    streams.sort(
      (a, b) =>
        a.subscriber.localeCompare(b.subscriber, 'en', {numeric: true}) ||
        a.publisher.localeCompare(b.publisher, 'en', {numeric: true}) ||
        a.kind.localeCompare(b.kind),
    )
    return {
      passed: streams.length > 0 && streams.every((s) => s.passed) && (fleet?.passed ?? true),
      node: target.name,
      room,
      durationSeconds: settings.durationSeconds,
      thresholds: {maxLossPercent: settings.maxLossPercent, maxJitterMs: settings.maxJitterMs},
      streams,
      ...(fleet ? {fleet} : {}),
    }
  } finally {
    await series.stop()
    if (subscriptions.length || publishers.length) progress('closing the test participants')
    await Promise.allSettled(subscriptions.map((s) => s.sub.close()))
    await Promise.allSettled(publishers.map((p) => p.close()))
    // Drop our references before the forced GC, or the native sources would survive it.
    subscriptions.length = 0
    publishers.length = 0
    await releaseNativeObjects()
    if (local) {
      progress('stopping the throwaway node')
      await local.stop()
    }
  }
}

async function judge(s: Subscription, settings: SmokeSettings, series: StatsSeries): Promise<StreamResult[]> {
  const inbound = inboundStreams(await s.sub.pc.getStats())
  return KINDS.map((kind) => {
    const result = evaluateStream(
      {
        subscriber: s.subscriber,
        publisher: s.publisher.label,
        kind,
        connectionState: s.sub.pc.connectionState,
        publisherConnectionState: s.publisher.pc.connectionState,
        timeToFirstFrameMs: s.sub.firstMediaMs[kind],
      },
      streamOfKind(inbound, kind),
      settings,
    )
    // The shared QoE summary of the same stream over the run (src/qoe/summary.ts).
    result.summary = series.summary(s.sub, kind, `${s.subscriber}<-${s.publisher.label}:${kind}`, result.codec)
    return result
  })
}

/** Like Promise.all, but waits for every attempt before throwing the first error, so that
 *  nothing is still being opened (and missed by the cleanup) when the caller gives up. */
async function allOpened(attempts: Promise<void>[]): Promise<void> {
  const results = await Promise.allSettled(attempts)
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (failed) throw failed.reason
}

const range = (n: number) => Array.from({length: n}, (_, i) => i + 1)
