// Rooms and their participants on this node. A room exists while someone is in it: it is
// created when its first publisher has been accepted (offer negotiated; never for a
// rejected offer, never while draining) and removed when its last session ends. Every join
// and leave is written to the session store; every end is logged with its reason.
import type {RoomDetail, RoomSummary, StreamStats} from '../api/node-api.js'
import type {EndReason, Participant} from './participant.js'
import {Publisher} from './publisher.js'
import {roomStats} from '../api/room-stats.js'
import {Subscriber} from './subscriber.js'
import type {SessionStore} from './session-store.js'

export class Room {
  readonly createdAt = new Date()
  readonly publishers = new Map<string, Publisher>()
  readonly subscribers = new Map<string, Subscriber>()

  constructor(readonly name: string) {}

  get size(): number {
    return this.publishers.size + this.subscribers.size
  }

  participants(): Participant[] {
    return [...this.publishers.values(), ...this.subscribers.values()]
  }

  summary(): RoomSummary {
    return this.summaryOf(this.participants().map((p) => ({streams: p.streams()})))
  }

  detail(): RoomDetail {
    const participantsList = this.participants().map((p) => p.info())
    // The aggregates from the same stats as the list, so the two always agree.
    return {...this.summaryOf(participantsList), participantsList}
  }

  /** The summary, with the quality aggregates taken over these participants' streams. */
  private summaryOf(participants: readonly {streams: readonly StreamStats[]}[]): RoomSummary {
    let bitrateIn = 0
    let bitrateOut = 0
    for (const p of this.publishers.values()) bitrateIn += p.bitrateBps
    for (const s of this.subscribers.values()) bitrateOut += s.bitrateBps
    return {
      name: this.name,
      createdAt: this.createdAt.toISOString(),
      people: new Set(this.participants().map((p) => p.who.identity)).size,
      participants: this.size,
      publishers: this.publishers.size,
      subscribers: this.subscribers.size,
      bitrateInBps: bitrateIn,
      bitrateOutBps: bitrateOut,
      ...roomStats(participants),
    }
  }
}

export class DrainingError extends Error {}

/** The session ended while it was being negotiated (its peer connection closed itself). */
export class SessionClosedError extends Error {}

/** Where the registry writes one line per ended session (the node log). */
export type SessionLog = (line: string) => void

export class RoomRegistry {
  private readonly rooms = new Map<string, Room>()
  /** Sessions ended since start, by reason (for /metrics). */
  readonly ended = new Map<EndReason, number>()
  draining = false
  private readonly ticker: NodeJS.Timeout
  private readonly goneListeners: Array<(room: string) => void> = []

  constructor(
    private readonly sessions: SessionStore,
    private readonly log: SessionLog = () => undefined,
  ) {
    this.ticker = setInterval(() => this.tick(), 1000)
    this.ticker.unref()
  }

  /** Called with a room's name once it has ended here (last session left, or closed). */
  onRoomGone(listener: (room: string) => void): void {
    this.goneListeners.push(listener)
  }

  private gone(room: Room): void {
    if (this.rooms.get(room.name) !== room) return
    this.rooms.delete(room.name)
    for (const listener of this.goneListeners) listener(room.name)
  }

  get(name: string): Room | undefined {
    return this.rooms.get(name)
  }

  list(): Room[] {
    return [...this.rooms.values()]
  }

  /** Throws DrainingError when a publisher for `name` would have to open a new room now. */
  checkAccepting(name: string): void {
    if (this.draining && !this.rooms.has(name))
      throw new DrainingError(`node is draining and accepts no new rooms (room '${name}')`)
  }

  /** Admits a negotiated publisher, opening its room if it is the first. */
  admitPublisher(roomName: string, publisher: Publisher): Room {
    this.checkAccepting(roomName)
    if (publisher.isClosed)
      throw new SessionClosedError(`the session closed during negotiation (${publisher.endReason})`)
    let room = this.rooms.get(roomName)
    if (!room) {
      room = new Room(roomName)
      this.rooms.set(roomName, room)
    }
    const home = room
    home.publishers.set(publisher.id, publisher)
    this.recordJoin(publisher)
    publisher.onClose((reason) => {
      home.publishers.delete(publisher.id)
      // Subscribers of a publisher that left have nothing left to receive.
      for (const sub of home.subscribers.values()) if (sub.publisher === publisher) void sub.close('publisher-gone')
      this.left(home, publisher, reason)
    })
    return home
  }

  /** Admits a negotiated subscriber of a publisher in `room`. */
  admitSubscriber(room: Room, subscriber: Subscriber): void {
    if (subscriber.isClosed)
      throw new SessionClosedError(`the session closed during negotiation (${subscriber.endReason})`)
    if (subscriber.publisher.isClosed || this.rooms.get(room.name) !== room) {
      throw new SessionClosedError(`publisher '${subscriber.publisher.id}' left room '${room.name}'`)
    }
    room.subscribers.set(subscriber.id, subscriber)
    subscriber.publisher.addSink(subscriber)
    this.recordJoin(subscriber)
    subscriber.onClose((reason) => {
      room.subscribers.delete(subscriber.id)
      this.left(room, subscriber, reason)
    })
  }

  private recordJoin(p: Participant): void {
    this.sessions.joined({
      id: p.id,
      room: p.who.room,
      identity: p.who.identity,
      displayName: p.who.name,
      role: p.role,
      remoteIp: p.who.remoteIp,
      userAgent: p.who.userAgent,
      joinedAt: p.joinedAt.toISOString(),
    })
  }

  private left(room: Room, p: Participant, reason: EndReason): void {
    this.sessions.left(p.id, reason)
    this.ended.set(reason, (this.ended.get(reason) ?? 0) + 1)
    // The session id and room only: identities and addresses are personal data (see the store).
    this.log(`session ${p.id} (${p.role}) in room ${room.name} ended: ${reason}`)
    if (room.size === 0) this.gone(room)
  }

  /** Finds a participant by session id, or all sessions of an identity. */
  findParticipants(room: Room, idOrIdentity: string): Participant[] {
    const all = room.participants()
    const byId = all.filter((p) => p.id === idOrIdentity)
    return byId.length ? byId : all.filter((p) => p.who.identity === idOrIdentity)
  }

  async closeRoom(room: Room, reason: EndReason = 'kicked'): Promise<number> {
    const all = room.participants()
    await Promise.all(all.map((p) => p.close(reason)))
    this.gone(room)
    return all.length
  }

  async closeAll(): Promise<void> {
    clearInterval(this.ticker)
    await Promise.all(this.list().map((r) => this.closeRoom(r, 'node-stopping')))
  }

  counts() {
    let publishers = 0
    let subscribers = 0
    for (const room of this.rooms.values()) {
      publishers += room.publishers.size
      subscribers += room.subscribers.size
    }
    return {rooms: this.rooms.size, participants: publishers + subscribers, publishers, subscribers}
  }

  private tick(): void {
    const now = Date.now()
    for (const room of this.rooms.values()) for (const p of room.participants()) p.tick(now)
  }
}
