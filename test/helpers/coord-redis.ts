// Redis for coordination tests: the machine's Redis on database 9 with a key prefix of the
// test's own (other helpers' tests run at the same time), removed afterwards; or a
// redis-server of the test's own on a free port, for tests that must stop Redis (never the
// machine's).
import {spawn, type ChildProcess} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {createServer} from 'node:net'
import {Redis} from 'ioredis'
import {until} from './until.js'

export const TEST_REDIS_URL = 'redis://127.0.0.1:6379/9'

export function uniquePrefix(what: string): string {
  return `confctl-test:${what}:${randomBytes(4).toString('hex')}:`
}

/** Deletes every key under `prefix` (SCAN, never KEYS or FLUSHDB: the database is shared). */
export async function dropPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0'
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000)
    if (found.length > 0) await redis.del(...found)
    cursor = next
  } while (cursor !== '0')
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as {port: number}).port
      server.close(() => resolve(port))
    })
  })
}

export interface OwnRedis {
  port: number
  url: string
  child: ChildProcess
  stop(): Promise<void>
}

/** A redis-server of this test's own on `port` (a free one by default), without persistence. */
export async function startOwnRedis(port?: number): Promise<OwnRedis> {
  const p = port ?? (await freePort())
  const child = spawn(
    'redis-server',
    ['--port', String(p), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let output = ''
  child.stdout!.on('data', (c) => (output += c))
  child.stderr!.on('data', (c) => (output += c))
  await until(`redis-server on port ${p} to accept connections`, () => {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}: ${output}`)
    return /Ready to accept connections/.test(output)
  })
  return {
    port: p,
    url: `redis://127.0.0.1:${p}/0`,
    child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGKILL')
      }),
  }
}
