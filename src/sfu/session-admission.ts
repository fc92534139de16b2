// Admits one WHIP or WHEP session: checks the token's grant, reserves a slot in the
// session budget, negotiates the offer and only then hands the session to its room. Any
// failure on the way closes the half-made peer connection and gives the slot back, so a
// rejected offer leaves nothing behind: no room, no session row, no UDP port.
import type {JoinClaims} from './join-token.js'
import {ALL_CODECS} from '../api/codec-names.js'
import {
  answerOffer,
  createPeer,
  NoPortsError,
  type PeerOptions,
  type PeerRole,
  type PlanSections,
} from './peer-factory.js'
import {newParticipantId, type Identity, type Participant} from './participant.js'
import {Publisher} from './publisher.js'
import {planPublisher, planSubscriber} from './section-plan.js'
import type {Room, RoomRegistry} from './room-registry.js'
import type {SessionBudget} from './session-budget.js'
import {Subscriber} from './subscriber.js'

export interface AdmissionDeps {
  registry: RoomRegistry
  budget: SessionBudget
  peer: PeerOptions
  /** Milliseconds a session may take to connect before it is closed. */
  connectTimeoutMs: number
}

/** The token does not grant what the request asks for. */
export class GrantError extends Error {}

export interface Admitted<P extends Participant> {
  participant: P
  answer: string
}

export async function admitPublisher(
  deps: AdmissionDeps,
  claims: JoinClaims,
  who: Identity,
  offer: string,
): Promise<Admitted<Publisher>> {
  if (!claims.grants.publish) throw new GrantError(`the join token of '${claims.sub}' does not allow publishing`)
  deps.registry.checkAccepting(who.room)
  return negotiate(
    deps,
    claims,
    who,
    offer,
    (pc, options) => new Publisher(newParticipantId('pub'), who, pc, options),
    {
      role: 'publisher',
      prepare: (p) => p.prepare(),
      plan: (offer) => planPublisher(offer, deps.peer.codecs ?? ALL_CODECS),
      streamId: (p) => p.id,
      admit: (p) => void deps.registry.admitPublisher(who.room, p),
    },
  )
}

export async function admitSubscriber(
  deps: AdmissionDeps,
  claims: JoinClaims,
  who: Identity,
  room: Room,
  publisher: Publisher,
  offer: string,
): Promise<Admitted<Subscriber>> {
  if (!claims.grants.subscribe) throw new GrantError(`the join token of '${claims.sub}' does not allow subscribing`)
  return negotiate(
    deps,
    claims,
    who,
    offer,
    (pc, options) => new Subscriber(newParticipantId('sub'), who, pc, publisher, options),
    {
      role: 'subscriber',
      prepare: (s) => s.bindTransceivers(),
      plan: (offer) => planSubscriber(offer, publisher.negotiatedCodecs()),
      streamId: () => publisher.id,
      admit: (s) => deps.registry.admitSubscriber(room, s),
    },
  )
}

interface Steps<P extends Participant> {
  role: PeerRole
  prepare(participant: P): void
  /** Which m-sections are served with which codec (section-plan.ts). */
  plan: PlanSections
  streamId(participant: P): string
  admit(participant: P): void
}

async function negotiate<P extends Participant>(
  deps: AdmissionDeps,
  claims: JoinClaims,
  who: Identity,
  offer: string,
  make: (pc: ReturnType<typeof createPeer>, options: {connectTimeoutMs: number}) => P,
  steps: Steps<P>,
): Promise<Admitted<P>> {
  const reservation = deps.budget.reserve({
    tokenId: claims.jti,
    tokenMaxSessions: claims.grants.maxSessions,
    ip: who.remoteIp,
  })
  let participant: P | undefined
  try {
    participant = make(createPeer(deps.peer, steps.role), {connectTimeoutMs: deps.connectTimeoutMs})
    participant.onClose(() => reservation.release())
    const p = participant
    const answer = await answerOffer(p.pc, offer, steps.streamId(p), steps.plan, () => steps.prepare(p), steps.role)
    deps.budget.markPortsAvailable()
    p.watchTransports()
    steps.admit(p)
    return {participant: p, answer}
  } catch (err) {
    reservation.release()
    if (err instanceof NoPortsError) deps.budget.markPortsExhausted() // after release(), which clears it
    await participant?.close('rejected')
    throw err
  }
}
