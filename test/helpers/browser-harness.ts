// What every browser test file sets up inside its namespace (in-isolated-netns.ts): a real
// node announcing the namespace's address, the test page on 127.0.0.1, join tokens from the
// node's admin API, the admin API's room view, and polling of a page's own getStats() with a
// deadline. Browsers are launched by the test (browsers.ts) and closed in its `after` hook.
import {startTestNode, type TestNode} from './sfu-process.js'
import {startPageServer, type PageServer} from './webrtc-page.js'
import type {Tab} from './browsers.js'

export interface Harness {
  node: TestNode
  page: PageServer
  whip(room: string): string
  whep(room: string, publisherId: string): string
  token(room: string, identity: string, maxSessions?: number): Promise<string>
  rooms(): Promise<Array<{name: string; participants: number}>>
  room(name: string): Promise<{status: number; body: any}>
  /** The node's log lines (stdout and stderr) that mention `text`, for failure messages. */
  log(text?: string): string
  /** Publishes from `tab` as identity `name` (also the page's session name); see webrtc-page.ts for opts. */
  publish(tab: Tab, room: string, name: string, opts?: Record<string, unknown>): Promise<SessionSummary>
  /** Subscribes from `tab` to the publisher of `pub`. */
  subscribe(
    tab: Tab,
    room: string,
    name: string,
    pub: SessionSummary,
    opts?: Record<string, unknown>,
  ): Promise<SessionSummary>
  /** What the node says of a room: its participants' state and streams, and its log tail. */
  explain(room: string): Promise<string>
  /** waitForMedia, failing with the node's side of the story (explain). */
  expectMedia(
    tab: Tab,
    session: string,
    room: string,
    kinds?: Array<'audio' | 'video'>,
    ms?: number,
  ): Promise<PageStats>
  close(): Promise<void>
}

export async function startHarness(nsIp: string, extraNodeArgs: string[] = []): Promise<Harness> {
  const node = await startTestNode(
    ['--announce-ip', nsIp, '--max-sessions-per-ip', '64', ...extraNodeArgs],
    '43000-43199',
  )
  const page = await startPageServer()
  const base = node.state.publicUrl
  const admin = (path: string, init: RequestInit = {}) =>
    fetch(`${node.state.adminUrl}${path}`, {
      ...init,
      headers: {authorization: `Bearer ${node.adminToken}`, 'content-type': 'application/json'},
    })
  const h: Harness = {
    node,
    page,
    whip: (room) => `${base}/whip/${room}`,
    whep: (room, publisherId) => `${base}/whep/${room}/${publisherId}`,
    async token(room, identity, maxSessions = 2) {
      const res = await admin('/v1/tokens', {
        method: 'POST',
        body: JSON.stringify({room, identity, grants: {maxSessions}}),
      })
      if (res.status !== 201) throw new Error(`POST /v1/tokens answered ${res.status}: ${await res.text()}`)
      return ((await res.json()) as {token: string}).token
    },
    async rooms() {
      return ((await (await admin('/v1/rooms')).json()) as {rooms: Array<{name: string; participants: number}>}).rooms
    },
    async room(name) {
      const res = await admin(`/v1/rooms/${name}`)
      return {status: res.status, body: await res.json()}
    },
    log(text) {
      const lines = node.output().split('\n')
      return (text ? lines.filter((l) => l.includes(text)) : lines).slice(-40).join('\n')
    },
    async publish(tab, room, name, opts = {}) {
      return tab.call<SessionSummary>('publish', name, {url: h.whip(room), token: await h.token(room, name), ...opts})
    },
    async subscribe(tab, room, name, pub, opts = {}) {
      return tab.call<SessionSummary>('subscribe', name, {
        url: h.whep(room, participantIdOf(pub.location)),
        token: await h.token(room, name),
        ...opts,
      })
    },
    async explain(room) {
      const {status, body} = await h.room(room)
      const participants =
        status === 200
          ? (body.participantsList ?? []).map((p: any) => ({
              id: p.id,
              role: p.role,
              state: p.state,
              streams: (p.streams ?? []).map(
                (st: any) =>
                  `${st.direction} ${st.kind} ${st.codec} packets=${st.packets} pli=${st.pliCount} nack=${st.nackCount}`,
              ),
            }))
          : `GET /v1/rooms/${room}: ${status} ${JSON.stringify(body)}`
      return `node's view of room ${room}: ${JSON.stringify(participants)}\nnode log:\n${h.log()}`
    },
    async expectMedia(tab, session, room, kinds, ms) {
      try {
        return await waitForMedia(tab, session, kinds, ms)
      } catch (err) {
        throw new Error(`${(err as Error).message}\n${await h.explain(room)}`)
      }
    },
    async close() {
      await page.close()
      await node.stop()
    },
  }
  return h
}

export interface InboundStats {
  packetsReceived?: number
  bytesReceived?: number
  framesDecoded?: number
  frameWidth?: number
  totalSamplesReceived?: number
  concealedSamples?: number
  codec?: string
}

export interface CandidateInfo {
  address: string
  type: string
  ufrag?: string
}

export interface PageStats {
  inbound: {audio?: InboundStats; video?: InboundStats}
  outbound: Array<{
    kind: string
    rid?: string
    packetsSent?: number
    framesEncoded?: number
    frameWidth?: number
    codec?: string
    active?: boolean
  }>
  /** The selected candidate pair: ids of its candidates, and their address, type and ICE ufrag. */
  pair: {local: string; remote: string; localCandidate?: CandidateInfo; remoteCandidate?: CandidateInfo} | null
  pairs?: Array<{
    state: string
    nominated: boolean
    local?: CandidateInfo
    remote?: CandidateInfo
    requestsSent: number
    responsesReceived: number
  }>
}

export interface SessionSummary {
  location: string
  etag: string | null
  links: string[]
  postStatus: number
  offer: string
  answer: string
  patches: Array<{status: number; body: string; etag: string | null; contentType: string | null}>
  connectionState: string
  /** The state of the DTLS transport media arrives on (null before any track). */
  dtlsState: string | null
  timing?: {gather: number; post: number; apply: number}
  events: Array<{t: number; what: string; state?: string; kind?: string}>
  tracks: Array<{kind: string; readyState: string; muted: boolean}>
  now?: number
}

/** Polls `check` on a page's own getStats() until it holds or `ms` pass; returns the last stats. */
export async function waitForStats(
  tab: Tab,
  session: string,
  what: string,
  check: (s: PageStats) => boolean,
  ms = 20_000,
): Promise<PageStats> {
  const deadline = Date.now() + ms
  let last: PageStats = {inbound: {}, outbound: [], pair: null}
  while (Date.now() < deadline) {
    last = await tab.call<PageStats>('stats', session)
    if (check(last)) return last
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`${session}: ${what} not seen within ${ms / 1000} s; last stats ${JSON.stringify(last)}`)
}

/** Waits until both kinds decode: video frames and audio samples (not concealment) rise. */
export async function waitForMedia(
  tab: Tab,
  session: string,
  kinds: Array<'audio' | 'video'> = ['audio', 'video'],
  ms = 20_000,
): Promise<PageStats> {
  const first = await waitForStats(
    tab,
    session,
    `${kinds.join(' and ')} arriving`,
    (s) => kinds.every((k) => received(s, k) > 0),
    ms,
  )
  // Rising, not a burst at connect: the same figures again, higher.
  return waitForStats(
    tab,
    session,
    `${kinds.join(' and ')} still arriving`,
    (s) => kinds.every((k) => received(s, k) > received(first, k) + (k === 'video' ? 10 : 4800)),
    ms,
  )
}

/** Decoded video frames, or audio samples that were received and not concealed. */
export function received(s: PageStats, kind: 'audio' | 'video'): number {
  if (kind === 'video') return s.inbound.video?.framesDecoded ?? 0
  const a = s.inbound.audio
  return a ? (a.totalSamplesReceived ?? 0) - (a.concealedSamples ?? 0) : 0
}

/** Polls the page until its session's connection state is `state`. */
export async function waitForConnectionState(
  tab: Tab,
  session: string,
  state: string,
  ms = 15_000,
): Promise<SessionSummary> {
  const deadline = Date.now() + ms
  let last: SessionSummary | undefined
  while (Date.now() < deadline) {
    last = await tab.call<SessionSummary>('state', session)
    if (last.connectionState === state) return last
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(
    `${session}: connection state ${last?.connectionState}, not ${state}, after ${ms / 1000} s; events ${JSON.stringify(last?.events)}`,
  )
}

/** The participant id at the end of a WHIP Location. */
export const participantIdOf = (location: string) => location.split('/').pop()!

/** Wraps a uvu before-hook: uvu 0.5 swallows a hook's error, so print it before failing. */
export function loudly(what: string, hook: () => Promise<void>): () => Promise<void> {
  return async () => {
    try {
      await hook()
    } catch (err) {
      console.error(`${what} failed:`, err)
      throw err
    }
  }
}
