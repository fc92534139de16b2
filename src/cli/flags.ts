// The typed flag kinds commands declare for durations, ports, port ranges, sizes and days, built on
// oclif's Flags.custom over src/units.ts, so every command spells and checks a value the same
// way (`--duration 10s` works wherever a duration is asked for) and a bad value is exit 2 with
// one sentence, before the command runs.
import {Flags} from '@oclif/core'
import type {OptionFlag} from '@oclif/core/interfaces'
import {
  parseDay,
  parseDurationMs,
  parseDurationSeconds,
  parsePort,
  parsePortRange,
  parseSizeBytes,
  UnitError,
  formatPortRange,
  type DurationBounds,
} from '../units.js'

/** What every flag kind here takes besides its own options (oclif's names and meaning). */
export interface FlagOptions {
  description: string
  /** The default as a user would type it (shown in --help as typed, parsed like the user's value). */
  default?: string
  exclusive?: string[]
  dependsOn?: string[]
  hidden?: boolean
}

/**
 * oclif rewrites a failing parse's message to "Parsing --flag \n\t<message>\nSee more help
 * with --help"; the sentence from units.ts already names the flag, so keep it as it is.
 */
class FlagValueError extends UnitError {
  constructor(sentence: string) {
    super(sentence)
    Object.defineProperty(this, 'message', {get: () => sentence, set: () => {}, enumerable: false, configurable: true})
  }
}

function checked<T>(parse: () => T): T {
  try {
    return parse()
  } catch (err) {
    if (err instanceof UnitError) throw new FlagValueError(err.message)
    throw err
  }
}

// Flags.custom's overloads cannot tell a generic T from an array of T, so it is called
// through this one signature; the overloads of each flag kind below give commands exact types.
const customFlag = Flags.custom as unknown as (options: object) => (overrides?: object) => unknown

function build<T>(
  o: FlagOptions,
  helpValue: string,
  parse: (input: string, name: string) => T,
): OptionFlag<T> | OptionFlag<T | undefined> {
  const {default: typed, ...rest} = o
  // The flag's name is only known at parse time (oclif passes the flag); the default is
  // parsed once here, under the name the help shows, so a bad default fails at load, loudly.
  const definition = customFlag({
    ...rest,
    helpValue,
    parse: async (input: string, _ctx: unknown, flag: {name: string}) => checked(() => parse(input, `--${flag.name}`)),
  })
  if (typed === undefined) return definition() as OptionFlag<T | undefined>
  return definition({default: parse(typed, 'the default'), defaultHelp: async () => typed}) as OptionFlag<T>
}

export interface DurationFlagOptions extends FlagOptions {
  /** What the command gets: milliseconds (default) or whole seconds. */
  unit?: 'ms' | 's'
  bounds?: DurationBounds
}

/** A duration: 500ms, 10s, 5m, 1h, 7d or a bare number of seconds; the value in `unit`. */
export function durationFlag(o: DurationFlagOptions & {default: string}): OptionFlag<number>
export function durationFlag(o: DurationFlagOptions): OptionFlag<number | undefined>
export function durationFlag(o: DurationFlagOptions): OptionFlag<number> | OptionFlag<number | undefined> {
  const {unit = 'ms', bounds, ...rest} = o
  return build(rest, 'DURATION', (input, name) =>
    unit === 's' ? parseDurationSeconds(input, name, bounds) : parseDurationMs(input, name, bounds),
  )
}

/** A TCP/UDP port 0..65535 (0 = any free port unless allowZero is false). */
export function portFlag(o: FlagOptions & {allowZero?: boolean; default: string}): OptionFlag<number>
export function portFlag(o: FlagOptions & {allowZero?: boolean}): OptionFlag<number | undefined>
export function portFlag(o: FlagOptions & {allowZero?: boolean}): OptionFlag<number> | OptionFlag<number | undefined> {
  const {allowZero = true, ...rest} = o
  return build(rest, 'PORT', (input, name) => parsePort(input, name, {allowZero}))
}

/**
 * A UDP port range for media, X-Y with 1024 <= X <= Y <= 65535 (what the node accepts), checked
 * and given back as text "X-Y": fleet.yaml and the node's argv keep it so, and oclif's flag
 * types take a tuple for a repeated flag.
 */
export function portRangeFlag(o: FlagOptions & {default: string}): OptionFlag<string>
export function portRangeFlag(o: FlagOptions): OptionFlag<string | undefined>
export function portRangeFlag(o: FlagOptions): OptionFlag<string> | OptionFlag<string | undefined> {
  return build(o, 'X-Y', (input, name) => formatPortRange(parsePortRange(input, name)))
}

/** A size: 512KB, 10MB, 1GB (binary units, at least 1KB), as bytes. */
export function sizeFlag(o: FlagOptions & {default: string}): OptionFlag<number>
export function sizeFlag(o: FlagOptions): OptionFlag<number | undefined>
export function sizeFlag(o: FlagOptions): OptionFlag<number> | OptionFlag<number | undefined> {
  return build(o, 'SIZE', (input, name) => parseSizeBytes(input, name))
}

/** A calendar day YYYY-MM-DD that exists, as midnight UTC of that day. */
export function dayFlag(o: FlagOptions): OptionFlag<Date | undefined> {
  return build(o, 'YYYY-MM-DD', (input, name) => parseDay(input, name)) as OptionFlag<Date | undefined>
}
