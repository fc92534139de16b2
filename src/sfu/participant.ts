// What publishers and subscribers share: who they are (from the join token and the HTTP
// request), their peer connection, and how they leave.
import {randomBytes} from 'node:crypto'
import type {RTCPeerConnection} from 'werift'
import type {ParticipantInfo, StreamStats} from './api-types.js'

export interface Identity {
  room: string
  identity: string
  name: string
  remoteIp: string
  userAgent: string
}

export function newParticipantId(prefix: 'pub' | 'sub'): string {
  return `${prefix}_${randomBytes(8).toString('hex')}`
}

export abstract class Participant {
  readonly joinedAt = new Date()
  private closed = false
  private readonly closeHandlers: Array<() => void> = []
  abstract readonly role: 'publisher' | 'subscriber'

  constructor(
    readonly id: string,
    readonly who: Identity,
    readonly pc: RTCPeerConnection,
  ) {
    // A peer that fails (ICE timeout, DTLS error) or closes leaves the room by itself.
    pc.connectionStateChange.subscribe((state) => {
      if (state === 'failed' || state === 'closed') void this.close()
    })
  }

  get isClosed(): boolean {
    return this.closed
  }

  onClose(handler: () => void): void {
    this.closeHandlers.push(handler)
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.beforeClose()
    for (const handler of this.closeHandlers) handler()
    await this.pc.close().catch(() => undefined)
  }

  protected beforeClose(): void {}

  /** Called once a second by the room to turn counters into rates. */
  abstract tick(nowMs: number): void

  abstract streams(): StreamStats[]

  info(): ParticipantInfo {
    return {
      id: this.id,
      identity: this.who.identity,
      name: this.who.name,
      role: this.role,
      joinedAt: this.joinedAt.toISOString(),
      remoteIp: this.who.remoteIp,
      userAgent: this.who.userAgent,
      state: this.pc.connectionState,
      streams: this.streams(),
    }
  }
}

/** Turns a growing byte counter into bits per second, once per tick. */
export class BitrateMeter {
  private lastBytes = 0
  private lastMs = 0
  bps = 0

  update(bytes: number, nowMs: number): void {
    if (this.lastMs > 0 && nowMs > this.lastMs) {
      this.bps = Math.max(0, Math.round(((bytes - this.lastBytes) * 8 * 1000) / (nowMs - this.lastMs)))
    }
    this.lastBytes = bytes
    this.lastMs = nowMs
  }
}
