// The ICE side of a session after its 201: trickled candidates and ICE restarts that a
// WHIP/WHEP client sends with PATCH (RFC 9725 §4.3), and the entity-tag that names the
// current ICE session (RFC 9725 §4.3.1: If-Match on every PATCH, a new tag per restart).
// Both act on the session's werift ICE transport directly, never through a new offer:
// WHIP renegotiates nothing but ICE, and a re-applied offer would re-announce the tracks.
import {randomBytes} from 'node:crypto'
import {IceCandidate, RTCIceParameters, type RTCIceTransport} from 'werift'
import type {Participant} from './participant.js'
import {buildSdpFrag, SdpFragError, type SdpFrag} from './sdp-frag.js'

/** Remote candidates one ICE session accepts in all (offer and PATCHes): each costs checks. */
export const MAX_REMOTE_CANDIDATES = 64
/** How long a restarted ICE session may take to find a pair again (RFC 7675's consent timeout). */
export const RESTART_TIMEOUT_MS = 30_000

/** The precondition of a PATCH failed: 412 (wrong tag) or 428 (no If-Match). */
export class PreconditionError extends Error {
  constructor(
    readonly status: 412 | 428,
    message: string,
  ) {
    super(message)
  }
}

export class IceSession {
  #etag = newEtag()
  #queue: Promise<unknown> = Promise.resolve()
  #restartTimer: NodeJS.Timeout | undefined
  #remoteCandidates: number

  constructor(
    private readonly participant: Participant,
    offerSdp: string,
    /** The answer's first m-line and mid: where a restart's candidates are announced. */
    private readonly bundle: {mLine: string; mid: string},
    private readonly restartTimeoutMs = RESTART_TIMEOUT_MS,
  ) {
    this.#remoteCandidates = (offerSdp.match(/^a=candidate:/gm) ?? []).length
    participant.onClose(() => clearTimeout(this.#restartTimer))
  }

  /** The strong entity-tag of the current ICE session, quoted, for the ETag header. */
  get etag(): string {
    return this.#etag
  }

  /**
   * Applies a PATCH fragment: new credentials make it an ICE restart (answered with the
   * node's fragment), anything else adds candidates (answered with nothing: a 204).
   * PATCHes of one session run one after the other.
   */
  patch(
    frag: SdpFrag,
    ifMatch: string | undefined,
  ): Promise<{restarted: false} | {restarted: true; fragment: string; etag: string}> {
    const run = this.#queue.then(() => this.#apply(frag, ifMatch))
    this.#queue = run.catch(() => undefined)
    return run
  }

  async #apply(frag: SdpFrag, ifMatch: string | undefined) {
    if (ifMatch === undefined)
      throw new PreconditionError(
        428,
        'PATCH needs an If-Match header: the ETag of the 201 (or of the last ICE restart), or "*" for an ICE restart',
      )
    const ice = this.#transport()
    const remote = ice.connection
    const restart =
      frag.ufrag !== undefined && (frag.ufrag !== remote.remoteUsername || frag.pwd !== remote.remotePassword)
    if (!etagMatches(ifMatch, this.#etag)) {
      throw new PreconditionError(
        412,
        `If-Match ${ifMatch.slice(0, 80)} does not match the current ICE session ${this.#etag}${restart ? '' : '; after an ICE restart use the ETag of its answer'}`,
      )
    }
    if (!restart) {
      await this.#addCandidates(ice, frag)
      return {restarted: false as const}
    }
    // RFC 8445 §9: new remote credentials; werift makes new local ones and forgets the pairs.
    ice.setRemoteParams(new RTCIceParameters({usernameFragment: frag.ufrag, password: frag.pwd}))
    await ice.gather()
    this.#remoteCandidates = 0
    this.#etag = newEtag()
    await this.#addCandidates(ice, frag)
    // The DTLS association stays; only ICE checks again. start() waits for a nominated pair
    // (or the session's close); a restart that finds none ends the session like lost consent.
    clearTimeout(this.#restartTimer)
    this.#restartTimer = setTimeout(() => {
      if (!['connected', 'completed'].includes(ice.state)) void this.participant.close('ice-failed')
    }, this.restartTimeoutMs)
    this.#restartTimer.unref()
    ice.start().catch(() => undefined)
    const local = ice.localParameters
    const fragment = buildSdpFrag({
      ufrag: local.usernameFragment!,
      pwd: local.password!,
      candidates: ice.localCandidates.map((c) => `candidate:${c.toJSON().candidate!.replace(/^candidate:/, '')}`),
      ...this.bundle,
    })
    return {restarted: true as const, fragment, etag: this.#etag}
  }

  async #addCandidates(ice: RTCIceTransport, frag: SdpFrag): Promise<void> {
    const lines = frag.sections.flatMap((s) => s.candidates)
    if (this.#remoteCandidates + lines.length > MAX_REMOTE_CANDIDATES) {
      throw new SdpFragError(
        `an ICE session takes at most ${MAX_REMOTE_CANDIDATES} remote candidates; this one has ${this.#remoteCandidates} and the fragment adds ${lines.length}`,
      )
    }
    this.#remoteCandidates += lines.length
    const ufrag = ice.connection.remoteUsername
    for (const line of lines) {
      const candidate = IceCandidate.fromJSON({candidate: line})
      // RFC 8840 §4.4: a candidate of another ICE session (its ufrag extension) is not ours.
      if (!candidate || (candidate.ufrag !== undefined && candidate.ufrag !== ufrag)) continue
      await ice.addRemoteCandidate(candidate)
    }
    if (frag.endOfCandidates || frag.sections.some((s) => s.endOfCandidates)) await ice.addRemoteCandidate(undefined)
  }

  /** The session's one ICE transport (WHIP and WHEP sessions are bundled). */
  #transport(): RTCIceTransport {
    const ice = this.participant.pc.iceTransports[0]
    if (!ice) throw new Error('the session has no ICE transport')
    return ice
  }
}

function newEtag(): string {
  return `"${randomBytes(12).toString('hex')}"`
}

/** RFC 9110 §13.1.1: "*" or a list of entity-tags, compared strongly (a weak tag never matches). */
export function etagMatches(ifMatch: string, etag: string): boolean {
  const value = ifMatch.trim()
  if (value === '*') return true
  return value.split(',').some((tag) => tag.trim() === etag)
}

const sessions = new WeakMap<Participant, IceSession>()

/** Starts tracking the ICE session of a session just admitted; `answerSdp` is its 201 body. */
export function trackIceSession(participant: Participant, offerSdp: string, answerSdp: string): IceSession {
  const mLine = /^m=[^\r\n]*/m.exec(answerSdp)?.[0] ?? 'm=audio 9 UDP/TLS/RTP/SAVPF 0'
  const mid = /^a=mid:([^\r\n]*)/m.exec(answerSdp)?.[1] ?? '0'
  const session = new IceSession(participant, offerSdp, {mLine, mid})
  sessions.set(participant, session)
  return session
}

export function iceSessionOf(participant: Participant): IceSession | undefined {
  return sessions.get(participant)
}
