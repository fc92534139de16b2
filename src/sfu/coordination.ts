// The node's part in a coordinated fleet (--redis): it registers itself with a heartbeat,
// places new rooms through the claim script, tells where a room lives, gives rooms up when
// they end, and keeps serving when Redis is away: then it places new rooms on itself, logs
// one warning per outage, says "degraded", and re-registers (re-claiming its rooms) as soon
// as Redis answers again. A room another node won in a split brain is closed here.
import {Redis} from 'ioredis'
import {claimRoom, releaseRoom} from '../coord/claim-room.js'
import {findRoomOwner, redactUrl} from '../coord/fleet-view.js'
import {HEARTBEAT_INTERVAL_MS} from '../coord/keys.js'
import {deregister, heartbeat, type HostedRoom, type RoomRefresh} from '../coord/node-registration.js'
import type {PlacementPolicy} from '../coord/placement-policy.js'
import type {RegisteredNode} from '../coord/registered-node.js'

export type CoordinationStatus = 'ok' | 'degraded'

/** Where a request for a room goes: served here, or by another live node. */
export type RoomRoute = {here: true} | {here: false; owner: RegisteredNode}

export interface NodeCoordinationOptions {
  /** This node's id (node.id). */
  selfId: string
  redisUrl: string
  prefix: string
  policy: PlacementPolicy
  ttlMs: number
  intervalMs?: number
  /** The node's record as of now (heartbeatAt is filled in here); called once per heartbeat. */
  describe: () => Omit<RegisteredNode, 'heartbeatAt'>
  /** The rooms this node hosts now, with their creation time (epoch ms). */
  hostedRooms: () => Array<{room: string; createdAt: number}>
  /** A room another node won in a split brain: close its sessions here. */
  onRoomLost: (room: string) => void
  log: (line: string) => void
}

const HERE: RoomRoute = {here: true}

export class NodeCoordination {
  readonly redis: Redis
  private status_: CoordinationStatus = 'degraded'
  private warned = false
  private timer: NodeJS.Timeout | undefined
  private beating: Promise<void> | undefined
  private stopped = false
  /** claimedAt (epoch ms) of the rooms this node holds or placed on itself. */
  private readonly claims = new Map<string, number>()

  constructor(private readonly opts: NodeCoordinationOptions) {
    this.redis = new Redis(opts.redisUrl, {
      lazyConnect: true,
      connectTimeout: 2000,
      commandTimeout: 1000,
      // While Redis is away commands fail at once (the node places rooms on itself) instead of
      // queueing behind a connection that may take minutes to come back.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: (times) => Math.min(200 * times, 2000),
    })
    this.redis.on('error', (err: Error) => this.degrade(err))
    this.redis.on('ready', () => void this.beat())
  }

  get status(): CoordinationStatus {
    return this.status_
  }

  get where(): string {
    return redactUrl(this.opts.redisUrl)
  }

  /** Connects and registers; resolves even when Redis is away (the node then runs degraded). */
  async start(): Promise<void> {
    await this.redis.connect().catch((err: Error) => this.degrade(err))
    await this.beat()
    this.timer = setInterval(() => void this.beat(), this.opts.intervalMs ?? HEARTBEAT_INTERVAL_MS)
    this.timer.unref()
  }

  /** Where a new publisher of `room` goes: the room's live owner, or a node chosen now. */
  async placeRoom(room: string): Promise<RoomRoute> {
    if (this.redis.status === 'ready') {
      try {
        const placed = await claimRoom(this.redis, this.opts.prefix, {
          room,
          selfId: this.opts.selfId,
          policy: this.opts.policy,
          ttlMs: this.opts.ttlMs,
        })
        if (placed.kind === 'none') return HERE // nobody is up: the registry says whether this node may
        if (placed.node.id !== this.opts.selfId) return {here: false, owner: placed.node}
        if (!this.claims.has(room)) this.claims.set(room, placed.claim.claimedAt)
        return HERE
      } catch (err) {
        this.degrade(err as Error)
      }
    }
    // Without Redis the room goes here; the next heartbeat with Redis claims it (split brain
    // with a node that did the same is settled there).
    if (!this.claims.has(room)) this.claims.set(room, Date.now())
    return HERE
  }

  /** Where requests for an existing room go (WHEP, PATCH, DELETE). Here when unknown or Redis is away. */
  async routeOf(room: string): Promise<RoomRoute> {
    if (this.redis.status !== 'ready') return HERE
    try {
      const placed = await this.ownerOf(room)
      return placed && placed.id !== this.opts.selfId ? {here: false, owner: placed} : HERE
    } catch (err) {
      this.degrade(err as Error)
      return HERE
    }
  }

  private ownerOf(room: string): Promise<RegisteredNode | null> {
    return findRoomOwner(this.redis, this.opts.prefix, room)
  }

  /** The room ended here: give its claim up so that it can be placed anywhere next time. */
  async releaseRoom(room: string): Promise<void> {
    this.claims.delete(room)
    if (this.redis.status !== 'ready') return
    await releaseRoom(this.redis, this.opts.prefix, room, this.opts.selfId).catch((err: Error) => this.degrade(err))
  }

  /** One heartbeat now (also after a state change such as drain); never throws. */
  beat(): Promise<void> {
    if (this.stopped) return Promise.resolve()
    return (this.beating ??= this.beatOnce().finally(() => (this.beating = undefined)))
  }

  private async beatOnce(): Promise<void> {
    const hosted: HostedRoom[] = this.opts
      .hostedRooms()
      .map(({room, createdAt}) => ({room, claimedAt: this.claims.get(room) ?? createdAt}))
    this.forgetUnused(new Set(hosted.map((h) => h.room)))
    if (this.redis.status !== 'ready') return
    try {
      const refreshes = await heartbeat(
        this.redis,
        this.opts.prefix,
        {...this.opts.describe(), heartbeatAt: Date.now()},
        hosted,
        this.opts.ttlMs,
      )
      this.recover(refreshes)
      for (const r of refreshes) this.settle(r)
    } catch (err) {
      this.degrade(err as Error)
    }
  }

  private recover(refreshes: RoomRefresh[]): void {
    if (this.status_ === 'ok') return
    this.status_ = 'ok'
    if (this.warned) {
      const reclaimed = refreshes.filter((r) => r.outcome !== 'lost').length
      this.opts.log(`coordination restored (Redis ${this.where}): registered again, ${reclaimed} room(s) claimed`)
    }
    this.warned = false
  }

  private settle(r: RoomRefresh): void {
    if (r.outcome === 'lost') {
      this.claims.delete(r.room)
      this.opts.log(
        `split brain: room ${r.room} is also hosted by node ${r.other}, whose claim is older (${new Date(r.claimedAt).toISOString()}): closing it here (room-moved)`,
      )
      this.opts.onRoomLost(r.room)
      return
    }
    this.claims.set(r.room, r.claimedAt)
    if (r.outcome === 'won')
      this.opts.log(
        `split brain: room ${r.room} was also claimed by node ${r.other}; this node's claim is older and wins`,
      )
    if (r.outcome === 'took-over')
      this.opts.log(`room ${r.room}: claim of node ${r.other}, no longer registered, taken over`)
  }

  /** A room placed here whose first session never arrived: its claimedAt must not linger and
   *  later make a new room of that name look older than it is (split brain). */
  private forgetUnused(hosted: Set<string>): void {
    const before = Date.now() - this.opts.ttlMs
    for (const [room, claimedAt] of this.claims) if (!hosted.has(room) && claimedAt < before) this.claims.delete(room)
  }

  /** Redis failed: one warning per outage, placement on this node until it answers again. */
  private degrade(err: Error): void {
    this.status_ = 'degraded'
    if (this.warned || this.stopped) return
    this.warned = true
    this.opts.log(
      `WARNING: coordination degraded: Redis ${this.where} is unreachable (${err.message}); serving existing rooms and placing new rooms on this node until it returns`,
    )
  }

  /** Clean shutdown: leaves the fleet at once (its rooms become placeable elsewhere). */
  async stop(): Promise<void> {
    this.stopped = true
    clearInterval(this.timer)
    await this.beating
    if (this.redis.status === 'ready')
      await deregister(this.redis, this.opts.prefix, this.opts.selfId).catch(() => undefined)
    this.redis.disconnect()
  }
}
