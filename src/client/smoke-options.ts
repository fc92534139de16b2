// The knobs of a smoke check, their defaults, and their validation: one clear sentence per
// bad value (exit 2), phrased with the CLI flag names since that is where people set them.
import {BadInputError} from '../errors.js'

export interface SmokeSettings {
  publishers: number
  subscribers: number
  durationSeconds: number
  maxLossPercent: number
  maxJitterMs: number
  /** Video encoder cap per publisher, bits/s. */
  maxBitrateBps: number
  /** How long publishers and subscribers may take to connect (ICE + DTLS). */
  connectTimeoutMs: number
}

export const SMOKE_DEFAULTS: SmokeSettings = {
  publishers: 2,
  subscribers: 1,
  durationSeconds: 10,
  maxLossPercent: 1,
  maxJitterMs: 30,
  maxBitrateBps: 1_000_000,
  connectTimeoutMs: 10_000,
}

// Each subscriber opens one peer connection per publisher: keep a typo from opening thousands.
const MAX_PARTICIPANTS = 50
const MAX_DURATION_SECONDS = 3600

export function checkSmokeSettings(given: Partial<SmokeSettings>): SmokeSettings {
  const s: SmokeSettings = {...SMOKE_DEFAULTS}
  for (const [k, v] of Object.entries(given)) if (v !== undefined) (s as unknown as Record<string, number>)[k] = v
  wholeNumber('--publishers', s.publishers, 1, MAX_PARTICIPANTS)
  wholeNumber('--subscribers', s.subscribers, 1, MAX_PARTICIPANTS)
  if (!(Number.isFinite(s.durationSeconds) && s.durationSeconds > 0 && s.durationSeconds <= MAX_DURATION_SECONDS)) {
    throw new BadInputError(
      `--duration must be a number of seconds above 0 and at most ${MAX_DURATION_SECONDS}, not ${s.durationSeconds}.`,
    )
  }
  if (!(Number.isFinite(s.maxLossPercent) && s.maxLossPercent >= 0 && s.maxLossPercent <= 100)) {
    throw new BadInputError(`--max-loss must be a percentage from 0 to 100, not ${s.maxLossPercent}.`)
  }
  if (!(Number.isFinite(s.maxJitterMs) && s.maxJitterMs >= 0))
    throw new BadInputError(`--max-jitter must be 0 or more milliseconds, not ${s.maxJitterMs}.`)
  if (!(Number.isFinite(s.maxBitrateBps) && s.maxBitrateBps >= 30_000))
    throw new BadInputError(`the video bitrate must be at least 30000 bit/s, not ${s.maxBitrateBps}.`)
  if (!(Number.isFinite(s.connectTimeoutMs) && s.connectTimeoutMs > 0))
    throw new BadInputError(`the connect timeout must be above 0 ms, not ${s.connectTimeoutMs}.`)
  return s
}

function wholeNumber(flag: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max)
    throw new BadInputError(`${flag} must be a whole number from ${min} to ${max}, not ${v}.`)
}

/** A numeric flag's text to a number, or one sentence naming the flag. */
export function parseNumberFlag(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const n = Number(text.trim())
  if (text.trim() === '' || !Number.isFinite(n)) throw new BadInputError(`${flag} must be a number, not '${text}'.`)
  return n
}
