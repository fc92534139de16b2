// Reads an H.264 profile-level-id (RFC 6184 §8.1: profile_idc, profile-iop, level_idc as
// six hex digits) the way browsers do (libwebrtc's h264_profile_level_id), because two
// offers name the same profile in different spellings: 42e01f and 4d801f are both
// Constrained Baseline. The node forwards H.264 without decoding it, so a subscriber must
// be able to decode the very profile its publisher sends; the level may differ when the
// receiver allows level asymmetry.

export type H264Profile = 'constrained-baseline' | 'baseline' | 'main' | 'high' | 'constrained-high'

export interface H264ProfileLevel {
  profile: H264Profile
  /** level_idc, e.g. 31 (0x1f) for level 3.1; 9 stands for level 1b. */
  level: number
}

/** profile_idc plus a profile-iop bit pattern ('x' = any bit), as libwebrtc lists them. */
const PATTERNS: Array<[number, string, H264Profile]> = [
  [0x42, 'x1xx0000', 'constrained-baseline'],
  [0x4d, '1xxx0000', 'constrained-baseline'],
  [0x58, '11xx0000', 'constrained-baseline'],
  [0x42, 'x0xx0000', 'baseline'],
  [0x58, '10xx0000', 'baseline'],
  [0x4d, '0x0x0000', 'main'],
  [0x64, '00000000', 'high'],
  [0x64, '00001100', 'constrained-high'],
]

/** RFC 6184 §8.1: without profile-level-id the stream is Baseline (42) level 1 (0a). */
export const DEFAULT_PROFILE_LEVEL_ID = '42000a'

function matches(iop: number, pattern: string): boolean {
  for (let bit = 0; bit < 8; bit++) {
    const want = pattern[bit]
    const has = (iop >> (7 - bit)) & 1
    if (want !== 'x' && Number(want) !== has) return false
  }
  return true
}

/** The profile and level of a profile-level-id, or undefined for one no browser sends. */
export function parseProfileLevelId(id: string): H264ProfileLevel | undefined {
  if (!/^[0-9a-f]{6}$/i.test(id)) return undefined
  const idc = parseInt(id.slice(0, 2), 16)
  const iop = parseInt(id.slice(2, 4), 16)
  let level = parseInt(id.slice(4, 6), 16)
  // Level 1b is level_idc 11 with constraint_set3 in the Baseline family (RFC 6184 §8.1).
  if (level === 11 && (iop & 0x10) !== 0 && (idc === 0x42 || idc === 0x4d || idc === 0x58)) level = 9
  const profile = PATTERNS.find(([pIdc, pattern]) => pIdc === idc && matches(iop, pattern))?.[2]
  return profile ? {profile, level} : undefined
}

/** "3.1" for 31, "1b" for 9: levels as people write them. */
export function levelName(level: number): string {
  return level === 9 ? '1b' : `${Math.floor(level / 10)}.${level % 10}`
}
