// Prometheus text exposition (format 0.0.4) of the node's rooms and streams.
import type {NodeInfo} from '../../api/node-api.js'
import type {RoomRegistry} from '../room-registry.js'

const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
const labels = (l: Record<string, string>) =>
  '{' +
  Object.entries(l)
    .map(([k, v]) => `${k}="${esc(v)}"`)
    .join(',') +
  '}'

/** Counters of how sessions ended and why new ones were refused, each by reason. */
export interface SessionCounters {
  ended: ReadonlyMap<string, number>
  refused: ReadonlyMap<string, number>
}

export function renderMetrics(node: NodeInfo, registry: RoomRegistry, sessions: SessionCounters): string {
  const lines: string[] = []
  const family = (name: string, type: 'gauge' | 'counter', help: string) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`)
  }
  family('confctl_node_info', 'gauge', 'Constant 1, labelled with the node id, name and version.')
  lines.push(`confctl_node_info${labels({id: node.id, name: node.name, version: node.version})} 1`)
  family('confctl_node_uptime_seconds', 'gauge', 'Seconds since the node started.')
  lines.push(`confctl_node_uptime_seconds ${node.uptimeSeconds}`)
  family('confctl_node_draining', 'gauge', '1 while the node accepts no new rooms.')
  lines.push(`confctl_node_draining ${node.draining ? 1 : 0}`)
  family('confctl_node_cpu_percent', 'gauge', 'CPU share of the node process over the last second (100 = one core).')
  lines.push(`confctl_node_cpu_percent ${node.load.cpuPercent}`)
  family('confctl_node_resident_memory_bytes', 'gauge', 'Resident memory of the node process.')
  lines.push(`confctl_node_resident_memory_bytes ${node.load.rssBytes}`)
  family('confctl_rooms', 'gauge', 'Rooms open on this node.')
  lines.push(`confctl_rooms ${node.counts.rooms}`)
  family('confctl_participants', 'gauge', 'Sessions on this node by role.')
  lines.push(`confctl_participants${labels({role: 'publisher'})} ${node.counts.publishers}`)
  lines.push(`confctl_participants${labels({role: 'subscriber'})} ${node.counts.subscribers}`)
  // An attack or a misconfiguration shows here first: refusals by cap, ends by reason.
  family(
    'confctl_sessions_ended_total',
    'counter',
    'Sessions ended since the node started, by reason (left, kicked, connect-timeout, ...).',
  )
  for (const [reason, n] of sessions.ended) lines.push(`confctl_sessions_ended_total${labels({reason})} ${n}`)
  family(
    'confctl_sessions_refused_total',
    'counter',
    'WHIP/WHEP requests refused by a session cap since the node started, by error code.',
  )
  for (const [reason, n] of sessions.refused) lines.push(`confctl_sessions_refused_total${labels({reason})} ${n}`)

  const streamFamilies: Array<
    [string, 'gauge' | 'counter', string, (s: ReturnType<typeof streamsOf>[number]['s']) => number | null]
  > = [
    ['confctl_stream_packets_total', 'counter', 'RTP packets received (uplink) or sent (downlink).', (s) => s.packets],
    [
      'confctl_stream_bytes_total',
      'counter',
      'RTP payload bytes received (uplink) or sent (downlink).',
      (s) => s.bytes,
    ],
    ['confctl_stream_bitrate_bps', 'gauge', 'Payload bitrate over the last second.', (s) => s.bitrateBps],
    ['confctl_stream_packets_lost_total', 'counter', 'Cumulative packets lost (RFC 3550).', (s) => s.packetsLost],
    ['confctl_stream_fraction_lost', 'gauge', 'Fraction of packets lost in the last interval.', (s) => s.fractionLost],
    [
      'confctl_stream_jitter_seconds',
      'gauge',
      'Interarrival jitter (RFC 3550).',
      (s) => (s.jitterMs === null ? null : s.jitterMs / 1000),
    ],
    [
      'confctl_stream_rtt_seconds',
      'gauge',
      'Round-trip time from receiver reports.',
      (s) => (s.rttMs === null ? null : s.rttMs / 1000),
    ],
    ['confctl_stream_nacks_total', 'counter', 'Generic NACK feedback messages.', (s) => s.nackCount],
    ['confctl_stream_plis_total', 'counter', 'Keyframe requests (PLI/FIR).', (s) => s.pliCount],
  ]
  const all = streamsOf(registry)
  for (const [name, type, help, value] of streamFamilies) {
    family(name, type, help)
    for (const {l, s} of all) {
      const v = value(s)
      if (v !== null) lines.push(`${name}${labels(l)} ${v}`)
    }
  }
  return lines.join('\n') + '\n'
}

function streamsOf(registry: RoomRegistry) {
  const out = []
  for (const room of registry.list()) {
    for (const p of room.participants()) {
      for (const s of p.streams()) {
        out.push({l: {room: room.name, participant: p.id, kind: s.kind, direction: s.direction}, s})
      }
    }
  }
  return out
}
