// The codecs the node forwards and how an offered codec is matched against them. The node
// never decodes: a publisher keeps the codec it negotiated, and each of its subscribers must
// be able to receive exactly that codec (same profile), because there is no transcoding.
// Naming follows the rtpmap encoding names browsers use (opus, VP8, VP9, H264, AV1).
import {canonicalName, type CodecName} from '../api/codec-names.js'
import {DEFAULT_PROFILE_LEVEL_ID, levelName, parseProfileLevelId} from './h264-profile.js'

export type MediaKind = 'audio' | 'video'

const KIND: Record<CodecName, MediaKind> = {opus: 'audio', VP8: 'video', VP9: 'video', H264: 'video', AV1: 'video'}

/** One payload type of an m-section: rtpmap plus fmtp. */
export interface OfferedCodec {
  payloadType: number
  /** The encoding name as offered, e.g. "H264", "h264", "rtx". */
  encoding: string
  clockRate: number
  channels?: number
  /** The fmtp parameters, e.g. "profile-level-id=42e01f;packetization-mode=1". */
  fmtp: string
}

export function fmtpParams(fmtp: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const part of fmtp.split(';')) {
    const at = part.indexOf('=')
    if (at > 0) out.set(part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim())
  }
  return out
}

/** Codecs that repair or pad another one; never chosen as a stream's codec and never named in errors. */
const AUXILIARY = /^(rtx|red|ulpfec|flexfec-03|cn|telephone-event)$/i

export function isAuxiliary(codec: OfferedCodec): boolean {
  return AUXILIARY.test(codec.encoding)
}

/** Why the node cannot take this codec from a publisher, or undefined when it can. */
function publishProblem(codec: OfferedCodec, kind: MediaKind, allowed: readonly CodecName[]): string | undefined {
  const name = canonicalName(codec.encoding)
  if (!name || KIND[name] !== kind || !allowed.includes(name)) return 'not forwarded by this node'
  if (name === 'H264') {
    const params = fmtpParams(codec.fmtp)
    if (params.get('packetization-mode') !== '1') return 'packetization-mode 1 is required'
    if (!parseProfileLevelId(params.get('profile-level-id') ?? DEFAULT_PROFILE_LEVEL_ID)) return 'unknown H.264 profile'
  }
  return undefined
}

/** The first codec of the section (the offerer's preference) that the node forwards. */
export function choosePublishCodec(
  codecs: readonly OfferedCodec[],
  kind: MediaKind,
  allowed: readonly CodecName[],
): OfferedCodec | undefined {
  return codecs.find((c) => !isAuxiliary(c) && publishProblem(c, kind, allowed) === undefined)
}

/**
 * Whether a subscriber that offers `offered` can receive what the publisher negotiated as
 * `sent`. H.264: same profile and packetization mode, and a level at least the publisher's
 * unless the subscriber allows level asymmetry (RFC 6184 §8.2.2; every browser does). VP9
 * and AV1: the same profile (profile-id / profile, default 0).
 */
export function canReceive(offered: OfferedCodec, sent: OfferedCodec): boolean {
  const name = canonicalName(sent.encoding)
  if (!name || canonicalName(offered.encoding) !== name || offered.clockRate !== sent.clockRate) return false
  const want = fmtpParams(sent.fmtp)
  const have = fmtpParams(offered.fmtp)
  if (name === 'H264') {
    const wanted = parseProfileLevelId(want.get('profile-level-id') ?? DEFAULT_PROFILE_LEVEL_ID)
    const got = parseProfileLevelId(have.get('profile-level-id') ?? DEFAULT_PROFILE_LEVEL_ID)
    if (!wanted || !got || wanted.profile !== got.profile) return false
    if ((have.get('packetization-mode') ?? '0') !== (want.get('packetization-mode') ?? '0')) return false
    return have.get('level-asymmetry-allowed') === '1' || levelRank(got.level) >= levelRank(wanted.level)
  }
  if (name === 'VP9') return (have.get('profile-id') ?? '0') === (want.get('profile-id') ?? '0')
  if (name === 'AV1') return (have.get('profile') ?? '0') === (want.get('profile') ?? '0')
  return true
}

/** Level 1b (9) sits between 1 (10) and 1.1 (11). */
const levelRank = (level: number) => (level === 9 ? 10.5 : level)

/** "H264 (42e01f)", "VP9 (profile 2)", "opus": how errors and docs name an offered codec. */
export function describeCodec(codec: OfferedCodec): string {
  const name = canonicalName(codec.encoding) ?? codec.encoding
  const params = fmtpParams(codec.fmtp)
  if (name === 'H264') {
    const id = params.get('profile-level-id') ?? DEFAULT_PROFILE_LEVEL_ID
    const parsed = parseProfileLevelId(id)
    const what = parsed ? `${id.toLowerCase()}, ${parsed.profile} ${levelName(parsed.level)}` : `${id}, unknown profile`
    const mode = params.get('packetization-mode') ?? '0'
    return `H264 (${what}${mode === '1' ? '' : `, packetization-mode ${mode}`})`
  }
  if (name === 'VP9' && params.get('profile-id') && params.get('profile-id') !== '0')
    return `VP9 (profile ${params.get('profile-id')})`
  if (name === 'AV1' && params.get('profile') && params.get('profile') !== '0')
    return `AV1 (profile ${params.get('profile')})`
  return name
}

/** The non-auxiliary codecs of a section, each named once, for error messages. */
export function describeCodecs(codecs: readonly OfferedCodec[]): string {
  const names = [...new Set(codecs.filter((c) => !isAuxiliary(c)).map(describeCodec))]
  return names.length ? names.join(', ') : 'no codec'
}

/** What the node accepts from publishers, for error messages and docs. */
export function describeAllowed(allowed: readonly CodecName[], kind: MediaKind): string {
  const names = allowed.filter((c) => KIND[c] === kind).map((c) => (c === 'H264' ? 'H264 (packetization-mode 1)' : c))
  return names.length ? names.join(', ') : `no ${kind} codec (--codecs)`
}

/** werift's negotiated codec parameters (mimeType "video/H264", parameters = fmtp) in our terms. */
export function fromWerift(codec: {
  mimeType: string
  payloadType?: number
  clockRate: number
  channels?: number
  parameters?: string
}): OfferedCodec {
  return {
    payloadType: codec.payloadType ?? -1,
    encoding: codec.mimeType.slice(codec.mimeType.indexOf('/') + 1),
    clockRate: codec.clockRate,
    channels: codec.channels,
    fmtp: codec.parameters ?? '',
  }
}

/** The name a stream's codec has in room show, the admin API and QoE records: "H264", "opus". */
export function streamCodecName(codec: OfferedCodec | undefined): string {
  if (!codec) return 'unknown'
  return canonicalName(codec.encoding) ?? codec.encoding
}
