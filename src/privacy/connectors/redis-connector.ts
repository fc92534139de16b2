// Redis key patterns ("gl:session:{id}") over strings, hashes and JSON values. Keys are
// walked with SCAN (never KEYS, which blocks a production server); {captures} in the
// pattern are fields of the record, so references can point at them. Changes to one step
// go in one MULTI/EXEC; JSON values keep their TTL.
import type {Redis} from 'ioredis'
import {UnreachableError} from '../../errors.js'
import type {CollectionDef, StoreDef} from '../datamap-types.js'
import {
  type Connector,
  type FoundRecord,
  type Match,
  type StepAction,
  type ValueEraser,
  valueMatches,
} from './connector.js'
import {templateRegex} from './directory-connector.js'

export class RedisConnector implements Connector {
  private client?: Redis
  constructor(readonly store: StoreDef) {}

  async connect(): Promise<void> {
    if (this.client) return
    const {Redis} = await import('ioredis') // loaded when a Redis store is opened, not at startup
    const client = new Redis(this.store.connection.url!, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
      connectTimeout: 5000,
    })
    client.on('error', () => {}) // reported through the failing command instead
    try {
      await client.connect()
    } catch (err) {
      client.disconnect()
      throw new UnreachableError(
        `store '${this.store.name}' (redis) cannot be reached: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`,
      )
    }
    this.client = client
  }

  private get redis(): Redis {
    if (!this.client) throw new Error('connector used before connect()')
    return this.client
  }

  private async run<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch (err) {
      if (/Connection is closed|ECONNREFUSED|ECONNRESET|Stream isn't writeable/i.test((err as Error).message)) {
        throw new UnreachableError(`store '${this.store.name}' (redis) went away: ${(err as Error).message}.`)
      }
      throw err
    }
  }

  private async load(coll: CollectionDef, key: string): Promise<Record<string, unknown> | undefined> {
    const type = coll.locator.type
    if (type === 'hash') {
      const h = await this.redis.hgetall(key)
      return Object.keys(h).length ? h : undefined
    }
    const v = await this.redis.get(key)
    if (v === null) return undefined
    if (type === 'string') return {value: v}
    try {
      const parsed = JSON.parse(v) as unknown
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
        ? (parsed as Record<string, unknown>)
        : undefined
    } catch {
      return undefined
    }
  }

  async find(coll: CollectionDef, matches: Match[]): Promise<FoundRecord[]> {
    const pattern = coll.locator.pattern!
    const re = templateRegex(pattern)
    const captures = [...pattern.matchAll(/\{(\w+)\}/g)].map((m) => m[1])
    // A capture that matches decides from the key alone; values are loaded only when needed.
    const glob = pattern.replace(/\{\w+\}/g, '*')
    const out: FoundRecord[] = []
    await this.run(async () => {
      let cursor = '0'
      do {
        const [next, keys] = await this.redis.scan(cursor, 'MATCH', glob, 'COUNT', 1000)
        cursor = next
        for (const key of keys) {
          const groups = re.exec(key)?.groups ?? {}
          const keyHit = matches.some((m) => captures.includes(m.field) && valueMatches(groups[m.field], m))
          const needsValue = matches.some((m) => !captures.includes(m.field))
          if (!keyHit && !needsValue) continue
          const value = await this.load(coll, key)
          if (!value) continue
          const data = {...value, ...groups}
          if (keyHit || matches.some((m) => valueMatches(data[m.field], m))) out.push({key, data})
        }
      } while (cursor !== '0')
    })
    return out
  }

  planErasure(coll: CollectionDef, records: FoundRecord[], _m: Match[], erase: ValueEraser): StepAction[] {
    if (coll.erasure.strategy === 'delete' || coll.locator.type === 'string')
      return [{op: 'delete', keys: records.map((r) => r.key)}]
    return [
      {
        op: 'update',
        rows: records.map((r) => ({
          key: r.key,
          set: Object.fromEntries(coll.erasure.fields.map((f) => [f, erase(f, r.data[f])])),
        })),
      },
    ]
  }

  async apply(coll: CollectionDef, step: StepAction): Promise<number> {
    return this.run(async () => {
      if (step.op === 'delete') return step.keys.length ? await this.redis.del(...step.keys) : 0
      if (step.op !== 'update') throw new Error(`a redis store cannot apply '${step.op}'`)
      const multi = this.redis.multi()
      let n = 0
      for (const row of step.rows) {
        if (coll.locator.type === 'hash') {
          const set = Object.entries(row.set).filter(([, v]) => v !== null)
          const del = Object.entries(row.set)
            .filter(([, v]) => v === null)
            .map(([f]) => f)
          if (set.length) multi.hset(row.key, Object.fromEntries(set))
          if (del.length) multi.hdel(row.key, ...del)
          n++
        } else {
          const value = await this.load(coll, row.key)
          if (!value) continue
          multi.set(row.key, JSON.stringify({...value, ...row.set}), 'KEEPTTL')
          n++
        }
      }
      await multi.exec()
      return n
    })
  }

  async rectify(coll: CollectionDef, records: FoundRecord[], field: string, value: string): Promise<number> {
    if (coll.locator.type === 'string') return 0
    return this.apply(coll, {op: 'update', rows: records.map((r) => ({key: r.key, set: {[field]: value}}))})
  }

  async countOlderThan(coll: CollectionDef, field: string, before: Date): Promise<number> {
    // Each value must be loaded to read its time anyway, so counting is finding.
    return (await this.findOlderThan(coll, field, before)).length
  }

  async findOlderThan(coll: CollectionDef, field: string, before: Date): Promise<FoundRecord[]> {
    const re = templateRegex(coll.locator.pattern!)
    const out: FoundRecord[] = []
    await this.run(async () => {
      let cursor = '0'
      do {
        const [next, keys] = await this.redis.scan(
          cursor,
          'MATCH',
          coll.locator.pattern!.replace(/\{\w+\}/g, '*'),
          'COUNT',
          1000,
        )
        cursor = next
        for (const key of keys) {
          const v = await this.load(coll, key)
          if (v && Date.parse(String(v[field])) < before.getTime())
            out.push({key, data: {...v, ...(re.exec(key)?.groups ?? {})}})
        }
      } while (cursor !== '0')
    })
    return out
  }

  async close(): Promise<void> {
    this.client?.disconnect()
    this.client = undefined
  }
}
