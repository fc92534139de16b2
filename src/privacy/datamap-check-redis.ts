// `datamap check` for Redis: each key pattern is sampled with SCAN (bounded, never KEYS) and
// the keys found must hold the declared type (hash, or a string / JSON text) and, between
// them, the declared fields. Live meeting data comes and goes, so a pattern that matches no
// key is a warning, not an error.
import type {Redis} from 'ioredis'
import {UnreachableError} from '../errors.js'
import {templateRegex} from './connectors/directory-connector.js'
import {collPath, type Report} from './datamap-check-types.js'
import type {CollectionDef, StoreDef} from './datamap-types.js'

const SAMPLE = 20
const MAX_SCANS = 50

async function sampleKeys(redis: Redis, coll: CollectionDef): Promise<string[]> {
  const re = templateRegex(coll.locator.pattern!)
  const glob = coll.locator.pattern!.replace(/\{\w+\}/g, '*')
  const out: string[] = []
  let cursor = '0'
  for (let i = 0; i < MAX_SCANS && out.length < SAMPLE; i++) {
    const [next, keys] = await redis.scan(cursor, 'MATCH', glob, 'COUNT', 1000)
    out.push(...keys.filter((k) => re.test(k)))
    cursor = next
    if (cursor === '0') break
  }
  return out.slice(0, SAMPLE)
}

async function checkCollection(redis: Redis, store: StoreDef, coll: CollectionDef, report: Report): Promise<void> {
  const path = collPath(store.name, coll.name)
  const at = coll.origins?.pattern ?? coll.origin
  const keys = await sampleKeys(redis, coll)
  if (keys.length === 0) {
    report({
      level: 'warning',
      at,
      key: `${path}.pattern`,
      message: `'${coll.locator.pattern}' matches no key right now (no live data, or a misspelt pattern?)`,
    })
    return
  }
  const want = coll.locator.type === 'hash' ? 'hash' : 'string'
  const seen = new Set<string>()
  for (const key of keys) {
    const type = await redis.type(key)
    if (type !== want) {
      report({
        level: 'error',
        at: coll.origins?.type ?? at,
        key: `${path}.type`,
        message: `is '${coll.locator.type}', but key ${key} holds a Redis ${type}`,
      })
      return
    }
    if (coll.locator.type === 'hash') Object.keys(await redis.hgetall(key)).forEach((f) => seen.add(f))
    if (coll.locator.type === 'json') {
      const v = await redis.get(key)
      let parsed: unknown
      try {
        parsed = JSON.parse(v ?? '')
      } catch {}
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
        report({
          level: 'error',
          at: coll.origins?.type ?? at,
          key: `${path}.type`,
          message: `is 'json', but key ${key} does not hold a JSON object`,
        })
        return
      }
      Object.keys(parsed).forEach((f) => seen.add(f))
    }
  }
  if (coll.locator.type === 'string') return // a string's only field is `value`
  const captures = [...coll.locator.pattern!.matchAll(/\{(\w+)\}/g)].map((m) => m[1])
  for (const f of coll.fields)
    if (!captures.includes(f.name) && !seen.has(f.name))
      report({
        level: 'warning',
        at: coll.origins?.[`fields.${f.name}`] ?? coll.origin,
        key: `${path}.fields.${f.name}`,
        message: `is in none of the ${keys.length} sampled key(s) of '${coll.locator.pattern}' (misspelt, or not set yet?)`,
      })
}

export async function checkRedisStore(store: StoreDef, report: Report): Promise<string[]> {
  const {Redis} = await import('ioredis') // loaded when a Redis store is checked, not at startup
  const redis = new Redis(store.connection.url!, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    connectTimeout: 5000,
  })
  redis.on('error', () => {})
  try {
    await redis.connect()
  } catch (err) {
    redis.disconnect()
    throw new UnreachableError(
      `store '${store.name}' (redis) cannot be reached: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`,
    )
  }
  try {
    for (const coll of store.collections) await checkCollection(redis, store, coll, report)
  } finally {
    redis.disconnect()
  }
  return store.collections.map((c) => c.name)
}
