// The fleet's coordination settings (fleet.yaml `coordination:`, written by `confctl fleet
// init`): which Redis the nodes register in and under which key prefix. Checked here once,
// with one sentence naming the value, for the flag and the YAML alike, so a typo never
// reaches a node (which would then register in the wrong place, or nowhere).
import {BadInputError} from '../errors.js'
import {redactUrl, redisUrlProblem} from '../coord/fleet-view.js'
import {DEFAULT_PREFIX, prefixProblem} from '../coord/keys.js'

export interface CoordinationSettings {
  /** redis://[user:password@]host[:port][/db] or rediss:// (TLS). */
  redis: string
  /** Prefix of every key (docs/fleet.md); absent = DEFAULT_REDIS_PREFIX. */
  redisPrefix?: string
}

export const DEFAULT_REDIS_PREFIX = DEFAULT_PREFIX

/** A Redis URL as the nodes take it (the coordination module's check), without a trailing
 *  slash; `what` names the flag or key. */
export function checkRedisUrl(value: string, what: string): string {
  const problem = redisUrlProblem(value)
  if (problem) throw new BadInputError(`${what}: ${problem}.`)
  return value.replace(/\/+$/, '')
}

export function checkRedisPrefix(value: string, what: string): string {
  const problem = prefixProblem(value)
  if (problem) throw new BadInputError(`${what}: ${problem}.`)
  return value
}

/** The prefix the nodes and confctl use. */
export function redisPrefixOf(c: CoordinationSettings): string {
  return c.redisPrefix ?? DEFAULT_REDIS_PREFIX
}

/** The URL without its password, for output and messages. */
export function redactedRedisUrl(value: string): string {
  return redactUrl(value).replace(/\/+$/, '')
}
