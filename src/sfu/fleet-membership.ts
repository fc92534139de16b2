// A coordinated node's membership in its fleet (--redis), wired from the node's own parts:
// the record its heartbeat registers (load, state, URLs), the rooms it hosts, what happens to
// a room it lost in a split brain or that ended, and the routing the public API uses to
// place rooms and relay requests to their owners (http/fleet-routing.ts).
import type {NodeCoordinationInfo} from '../api/node-api.js'
import {formatPlacementPolicy} from '../coord/placement-policy.js'
import {NodeCoordination} from './coordination.js'
import {ForwardedRate} from './forwarded-rate.js'
import type {FleetRouting} from './http/fleet-routing.js'
import type {CoordinationConfig} from './node-config.js'
import type {NodeLoad} from './node-load.js'
import type {ReloadingJoinKeys} from './reloading-join-keys.js'
import type {RoomRegistry} from './room-registry.js'

export interface MembershipDeps {
  config: CoordinationConfig
  id: string
  name: string
  version: string
  startedAt: Date
  /** Known once the public port listens. */
  publicUrl: () => string
  registry: RoomRegistry
  load: NodeLoad
  keys: ReloadingJoinKeys
  log: (line: string) => void
}

export interface FleetMembership {
  coordination: NodeCoordination
  routing: FleetRouting
  info(): NodeCoordinationInfo
}

export function fleetMembership(d: MembershipDeps): FleetMembership {
  const {config, registry} = d
  const forwarded = new ForwardedRate(registry)
  const coordination = new NodeCoordination({
    selfId: d.id,
    redisUrl: config.redisUrl,
    prefix: config.prefix,
    policy: config.placement,
    ttlMs: config.ttlMs,
    describe: () => {
      const counts = registry.counts()
      return {
        id: d.id,
        name: d.name,
        publicUrl: d.publicUrl(),
        relayUrl: config.relayUrl ?? d.publicUrl(),
        version: d.version,
        state: registry.draining ? 'draining' : 'up',
        startedAt: d.startedAt.getTime(),
        load: {
          cpuPercent: d.load.cpuPercent,
          rooms: counts.rooms,
          participants: counts.participants,
          packetsPerSecond: forwarded.perSecond(),
        },
      }
    },
    hostedRooms: () => registry.list().map((r) => ({room: r.name, createdAt: r.createdAt.getTime()})),
    onRoomLost: (name) => {
      const room = registry.get(name)
      if (room) void registry.closeRoom(room, 'room-moved')
    },
    log: d.log,
  })
  registry.onRoomGone((room) => void coordination.releaseRoom(room))
  return {
    coordination,
    routing: {
      selfId: d.id,
      placeRoom: (room) => coordination.placeRoom(room),
      routeOf: (room) => coordination.routeOf(room),
      fleetKeys: () => d.keys.current().all.filter((k) => k.scope === 'fleet'),
      relayKey: () => d.keys.current().fleet,
      redirectMode: config.redirectMode,
    },
    info: () => ({
      status: coordination.status,
      redis: coordination.where,
      prefix: config.prefix,
      placement: formatPlacementPolicy(config.placement),
      redirectMode: config.redirectMode,
    }),
  }
}
