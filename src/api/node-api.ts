// The JSON shapes of the node's admin API and public WHIP/WHEP API: the wire contract. The node
// (src/sfu) produces them and the CLI (src/fleet, src/cli, src/tui) consumes them; both import
// them from here, src/api, which imports nothing else from src/, so both sides change together.

export interface ApiError {
  error: {code: string; message: string}
}

export interface NodeInfo {
  id: string
  name: string
  version: string
  startedAt: string // ISO 8601
  uptimeSeconds: number
  draining: boolean
  publicUrl: string
  load: {cpuPercent: number; rssBytes: number; loadavg: [number, number, number]}
  counts: {rooms: number; participants: number; publishers: number; subscribers: number}
  /** Things the operator must know, e.g. the admin API served over plain HTTP off loopback
   *  (--insecure-admin). Absent from nodes older than this field. */
  warnings?: string[]
  /** Fleet coordination through Redis (--redis); absent on a node that runs alone. */
  coordination?: NodeCoordinationInfo
}

export interface NodeCoordinationInfo {
  /** 'degraded': Redis is unreachable; the node serves its rooms and places new ones on itself. */
  status: 'ok' | 'degraded'
  /** The Redis URL without its password. */
  redis: string
  prefix: string
  placement: string
  redirectMode: 'relay' | '307'
}

export interface RoomSummary {
  name: string
  createdAt: string
  /** Distinct identities in the room: a person who publishes and subscribes to two others is
   *  one person in three sessions (participants counts the sessions). */
  people: number
  participants: number
  publishers: number
  subscribers: number
  bitrateInBps: number
  bitrateOutBps: number
  /** Highest interarrival jitter of any stream in the room (null: no stream has one yet). */
  worstJitterMs: number | null
  /** Highest fraction lost over the last interval of any stream, as a percentage (0..100,
   *  rounded to 0.01); null when the room has no stream. */
  worstLossPercent: number | null
  /** Highest round-trip time of any stream (downlinks only; null until one is known). */
  worstRttMs: number | null
  /** Lowest MOS estimate of any stream (null: none has one yet). */
  worstMos: number | null
  /** Sum of the packet counters of the room's streams (received + sent; it drops when a
   *  participant leaves). Packets per second come from two polls. */
  packets: number
}

/** Uplink: publisher -> SFU, measured by the node on what it receives.
 *  Downlink: SFU -> subscriber, from the subscriber's RTCP receiver reports. */
export type StreamDirection = 'uplink' | 'downlink'

export interface StreamStats {
  id: string // "<participantId>:<kind>"
  kind: 'audio' | 'video'
  codec: string // e.g. "opus", "VP8"
  direction: StreamDirection
  ssrc: number
  packets: number // received (uplink) or sent (downlink)
  bytes: number
  bitrateBps: number
  packetsLost: number // cumulative
  /**
   * Downlink: the packets the subscriber expected by its last receiver report, counted from its
   * first report (the delta of the extended highest sequence numbers it reported), null before
   * its second report; uplink: absent. packetsLost comes from the same reports, so a window's
   * loss is Δlost / Δexpected over the same stretch of media ("packets" is counted when sent and
   * would pair the reports' loss with a different stretch).
   */
  reportedExpected?: number | null
  fractionLost: number // 0..1, last interval
  jitterMs: number | null
  rttMs: number | null
  nackCount: number
  pliCount: number
  /** E-model MOS estimate from this stream's loss, jitter and RTT (src/qoe/mos.ts). */
  mos: number | null
  /** For downlink streams: the publisher whose media this is. */
  sourcePublisherId?: string
}

export interface ParticipantInfo {
  id: string // session id, also the last path segment of the WHIP/WHEP Location
  identity: string
  name: string
  role: 'publisher' | 'subscriber'
  joinedAt: string
  remoteIp: string
  userAgent: string
  state: string // ICE/DTLS connection state
  /** For subscribers: the publisher they receive. */
  publisherId?: string
  streams: StreamStats[]
}

export interface RoomDetail extends RoomSummary {
  participantsList: ParticipantInfo[]
}

/** What a join token allows (the token's `grants` claim). */
export interface TokenGrants {
  publish: boolean
  subscribe: boolean
  /** Sessions the token may hold at once on the node (1..100). */
  maxSessions: number
}

export interface TokenRequest {
  room: string
  identity: string
  name?: string
  ttlSeconds?: number
  /** Left out: publish and subscribe, 2 sessions. Each field left out takes that default. */
  grants?: Partial<TokenGrants>
}

export interface TokenResponse {
  token: string
  expiresAt: string
  /** Token id: what POST /v1/tokens/revocations takes to revoke it. */
  jti: string
  grants: TokenGrants
}

/** POST /v1/tokens/revocations */
export interface RevocationRequest {
  jti: string
  /** The token's exp (seconds since the epoch), when known: the revocation is kept until
   *  then. Left out: kept for the longest token lifetime (7 days) from now. */
  exp?: number
}

/** One revoked token id, as POST and GET /v1/tokens/revocations answer it. */
export interface TokenRevocation {
  jti: string
  revokedAt: string // ISO 8601
  expiresAt: string // ISO 8601: pruned after this, when the token has expired anyway
}

/** Written by the node to state.json in its directory once both ports listen. */
export interface NodeStateFile {
  pid: number
  id: string
  name: string
  version: string
  publicUrl: string
  adminUrl: string
  /** Absolute path of the admin API's TLS certificate when it serves HTTPS: what a client
   *  trusts, alone, to talk to it (src/fleet/admin-client.ts). */
  adminTlsCert?: string
  rtcPorts: [number, number]
  startedAt: string
}

/** One row of the node's qoe_samples table, as GET /v1/qoe/samples serves it. */
export interface QoeSample {
  time: string
  room: string
  participantId: string
  identity: string
  direction: StreamDirection
  kind: 'audio' | 'video'
  codec: string
  sourcePublisherId: string | null
  packets: number
  lost: number
  /** StreamStats.reportedExpected of a downlink (null for an uplink, or before it is known). */
  expected: number | null
  fractionLost: number
  jitterMs: number | null
  rttMs: number | null
  bitrateBps: number
  mos: number | null
  userAgent: string
}

/** DELETE /v1/rooms/{room} */
export interface CloseRoomResponse {
  closed: string // the room's name
  participants: number // sessions disconnected
}

/** DELETE /v1/rooms/{room}/participants/{id or identity} */
export interface KickResponse {
  kicked: string[] // session ids ended
}

/** GET /healthz (no token): 200 "ok" or "draining"; 503 "degraded" with reasons
 * ('no_ports': the RTC port range is used up; 'node_full': the session cap is reached). */
export interface HealthResponse {
  status: 'ok' | 'draining' | 'degraded'
  reasons?: string[]
  /** Present on a node in a coordinated fleet. 'degraded' (Redis unreachable) does not make the
   *  status degraded: the node still takes sessions, only placement is local. */
  coordination?: 'ok' | 'degraded'
}
