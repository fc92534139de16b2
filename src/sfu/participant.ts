// What publishers and subscribers share: who they are (from the join token and the HTTP
// request), their peer connection, and how they leave.
import {randomBytes} from 'node:crypto'
import type {RTCPeerConnection} from 'werift'
import type {ParticipantInfo, StreamStats} from '../api/node-api.js'

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

/**
 * Why a session ended; the node log carries it with the session id. Every end goes
 * through Participant.close(reason), the one place a session ends.
 */
export type EndReason =
  | 'left' // DELETE by the client
  | 'kicked' // admin API kick or room close
  | 'connect-timeout' // ICE/DTLS not connected within the node's connect timeout
  | 'ice-failed' // the peer connection failed after connecting (consent lost, DTLS error)
  | 'peer-closed' // the peer connection closed itself (e.g. a DTLS close from the client)
  | 'dtls-failed' // the DTLS handshake failed (e.g. a fingerprint that does not match)
  | 'publisher-gone' // a subscriber whose publisher left
  | 'rejected' // negotiation failed; the session was never admitted
  | 'node-stopping'
  | 'room-moved' // another node of the fleet won the room in a split brain (coordination.ts)

export interface ParticipantOptions {
  /** Milliseconds a session may take to connect before it is closed (default 30 000). */
  connectTimeoutMs?: number
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 30_000

export abstract class Participant {
  readonly joinedAt = new Date()
  #endReason: EndReason | undefined
  #connectTimer: NodeJS.Timeout | undefined
  #connected = false
  private readonly closeHandlers: Array<(reason: EndReason) => void> = []
  abstract readonly role: 'publisher' | 'subscriber'

  constructor(
    readonly id: string,
    readonly who: Identity,
    readonly pc: RTCPeerConnection,
    options: ParticipantOptions = {},
  ) {
    // A session that never connects holds a UDP port; it gets a deadline of its own.
    this.#connectTimer = setTimeout(
      () => void this.close('connect-timeout'),
      options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    )
    this.#connectTimer.unref()
    // A peer that fails (ICE timeout, DTLS error) or closes leaves the room by itself.
    pc.connectionStateChange.subscribe((state) => {
      if (state === 'connected') {
        this.#connected = true
        clearTimeout(this.#connectTimer)
      } else if (state === 'failed') void this.close(this.#connected ? 'ice-failed' : 'connect-timeout')
      else if (state === 'closed') void this.close('peer-closed')
    })
  }

  /**
   * Called once the offer is applied. A client's DTLS close_notify (a closed browser tab,
   * libwebrtc's close()) closes werift's DTLS transport but leaves the peer connection
   * "connected" until consent expires ~30 s later; the transport's own state says it at once.
   */
  watchTransports(): void {
    for (const transport of this.pc.dtlsTransports) {
      transport.onStateChange.subscribe((state) => {
        if (state === 'closed') void this.close('peer-closed')
        else if (state === 'failed') void this.close('dtls-failed')
      })
    }
  }

  get isClosed(): boolean {
    return this.#endReason !== undefined
  }

  /** Why the session ended, once it has. */
  get endReason(): EndReason | undefined {
    return this.#endReason
  }

  /** Runs `handler` when the session ends; at once if it already has. */
  onClose(handler: (reason: EndReason) => void): void {
    if (this.#endReason !== undefined) handler(this.#endReason)
    else this.closeHandlers.push(handler)
  }

  /** Ends the session: idempotent, the first reason wins; handlers run even if one throws. */
  async close(reason: EndReason): Promise<void> {
    if (this.#endReason !== undefined) return
    this.#endReason = reason
    clearTimeout(this.#connectTimer)
    try {
      this.beforeClose()
    } finally {
      for (const handler of this.closeHandlers.splice(0)) {
        try {
          handler(reason)
        } catch {
          // A handler that throws must not keep the others (registry, budget) from running.
        }
      }
    }
    if (this.pc.connectionState === 'connected') await this.goodbye().catch(() => undefined)
    // werift's close sends an encrypted DTLS close_notify first (our patch), so a browser
    // sees the end at once rather than after its ICE consent runs out.
    await this.pc.close().catch(() => undefined)
  }

  protected beforeClose(): void {}

  /** Last words on a connected session before its peer connection closes (e.g. RTCP BYE). */
  protected async goodbye(): Promise<void> {}

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
