// Runs a Lua script by its SHA1 (EVALSHA) and loads it once on NOSCRIPT, so that a
// placement sends a 40-byte digest instead of the script, and a Redis that restarted (and
// forgot its scripts) is served again without the caller noticing.
import {createHash} from 'node:crypto'
import type {Redis} from 'ioredis'

export class LuaScript {
  readonly sha: string

  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex')
  }

  async run(redis: Redis, keys: string[], args: (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args)
    } catch (err) {
      if (!String((err as Error).message).startsWith('NOSCRIPT')) throw err
      return redis.eval(this.source, keys.length, ...keys, ...args)
    }
  }
}
