// The fleet's coordination settings (fleet.yaml `coordination:`, written by `confctl fleet
// init`): which Redis the nodes register in and under which key prefix. Checked here once,
// with one sentence naming the value, for the flag and the YAML alike, so a typo never
// reaches a node (which would then register in the wrong place, or nowhere).
import {BadInputError} from '../errors.js'

export interface CoordinationSettings {
  /** redis://[user:password@]host[:port][/db] or rediss:// (TLS). */
  redis: string
  /** Prefix of every key (docs/fleet.md); absent = DEFAULT_REDIS_PREFIX. */
  redisPrefix?: string
}

export const DEFAULT_REDIS_PREFIX = 'confctl:'

/** As the node checks its --redis-prefix: letters, digits, `_.:-` and `{}` (cluster hash tags). */
const PREFIX = /^[A-Za-z0-9_.:{}-]{1,64}$/

/** A Redis URL as ioredis takes it, normalised (no trailing slash); `what` names the flag or key. */
export function checkRedisUrl(value: string, what: string): string {
  let url: URL | undefined
  try {
    url = new URL(value)
  } catch {}
  if (!url || (url.protocol !== 'redis:' && url.protocol !== 'rediss:') || url.hostname === '')
    throw new BadInputError(
      `${what} must be a Redis URL such as redis://127.0.0.1:6379/0 (redis:// or rediss://, with a host), not '${value}'.`,
    )
  const db = url.pathname.replace(/^\/+|\/+$/g, '')
  if (db !== '' && !/^\d{1,2}$/.test(db))
    throw new BadInputError(`${what} names the database '${db}'; it must be a database number such as /0.`)
  if (url.search || url.hash) throw new BadInputError(`${what} must not carry a query or fragment, got '${value}'.`)
  return value.replace(/\/+$/, '')
}

export function checkRedisPrefix(value: string, what: string): string {
  if (!PREFIX.test(value))
    throw new BadInputError(`${what} must be 1-64 letters, digits or '_', '.', ':', '-', '{', '}', not '${value}'.`)
  return value
}

/** The prefix the nodes and confctl use. */
export function redisPrefixOf(c: CoordinationSettings): string {
  return c.redisPrefix ?? DEFAULT_REDIS_PREFIX
}

/** The URL without its password, for output and messages. */
export function redactedRedisUrl(value: string): string {
  try {
    const url = new URL(value)
    if (url.password) url.password = '***'
    return url.toString().replace(/\/+$/, '')
  } catch {
    return value
  }
}

/** The node program's flags for these settings (its --redis and --redis-prefix). */
export function coordinationArgs(c: CoordinationSettings | undefined): string[] {
  if (!c) return []
  return ['--redis', c.redis, ...(c.redisPrefix === undefined ? [] : ['--redis-prefix', c.redisPrefix])]
}
