// test-kind: e2e (a second process holds the lock)
// src/fleet/file-lock.ts on real files and a real second process: a free lock runs the
// function and is gone after; a lock held by another live process is "busy" (BusyError,
// exit 75: try again) naming the file and the process, not a failed check; a lock whose
// process was killed is taken over once stale; an old-style lock file (a pid in a plain
// file) from a dead process is cleared.
import {spawn, type ChildProcess} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {BusyError, EXIT} from '../../src/errors.js'
import {LOCK_STALE_MS, withFileLock} from '../../src/fleet/file-lock.js'
import {until} from '../helpers/until.js'

const dir = mkdtempSync(join(tmpdir(), 'confctl-lock-'))
const children: ChildProcess[] = []
test.after(() => {
  for (const c of children) c.kill('SIGKILL')
  rmSync(dir, {recursive: true, force: true})
})

const lockModule = new URL('../../src/fleet/file-lock.js', import.meta.url).href

/** Another confctl-like process that takes the lock and holds it until it is killed. */
async function holdInOtherProcess(lock: string): Promise<ChildProcess> {
  const script =
    `const {withFileLock} = await import(${JSON.stringify(lockModule)});` +
    `await withFileLock(${JSON.stringify(lock)}, async () => { console.log('locked'); await new Promise(() => setInterval(() => {}, 1000)) })`
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {stdio: ['ignore', 'pipe', 'inherit']})
  children.push(child)
  let out = ''
  child.stdout!.on('data', (c) => (out += String(c)))
  await until('the other process to take the lock', () => out.includes('locked'), 15_000)
  return child
}

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => undefined,
    (e: unknown) => e,
  )
}

test('a free lock runs the function, exists meanwhile and leaves nothing behind', async () => {
  const sub = join(dir, 'free')
  const lock = join(sub, 'fleet.yaml.lock')
  const r = await withFileLock(lock, async () => {
    assert.ok(existsSync(lock), 'the lock exists while the function runs')
    return 42
  })
  assert.is(r, 42)
  assert.equal(readdirSync(sub), [], 'lock and owner note removed')
})

test('the lock is released when the function throws', async () => {
  const lock = join(dir, 'throws.lock')
  const err = await failure(withFileLock(lock, async () => Promise.reject(new Error('boom'))))
  assert.match(String(err), /boom/)
  assert.not.ok(existsSync(lock))
  assert.is(await withFileLock(lock, async () => 'again'), 'again')
})

test('a lock held by another live process is busy: BusyError, exit 75, naming the file and the pid', async () => {
  const lock = join(dir, 'held.lock')
  const other = await holdInOtherProcess(lock)
  let ran = false
  const err = await failure(withFileLock(lock, async () => void (ran = true), 300))
  assert.ok(err instanceof BusyError, `got ${String(err)}`)
  assert.is(err.exitCode, EXIT.busy)
  assert.is(err.exitCode, 75)
  assert.ok(err.message.includes(lock), err.message)
  assert.ok(err.message.includes(`process ${other.pid}`), err.message)
  assert.not.ok(ran, 'the function did not run')
  assert.ok(existsSync(lock), "the other process's lock is left alone")

  // Killed (no chance to clean up): its lock stays, still fresh, so still busy...
  other.kill('SIGKILL')
  await until('the holder to die', () => other.exitCode !== null || other.signalCode !== null)
  assert.ok(existsSync(lock))
  assert.ok((await failure(withFileLock(lock, async () => 'x', 200))) instanceof BusyError)
  // ...until nobody has refreshed it for the stale time (set back instead of waited for).
  const past = new Date(Date.now() - LOCK_STALE_MS - 5_000)
  utimesSync(lock, past, past)
  assert.is(await withFileLock(lock, async () => 'taken over', 2000), 'taken over')
  assert.not.ok(existsSync(lock))
})

test('the function waits for a lock held in the same process and runs after it is released', async () => {
  const lock = join(dir, 'queue.lock')
  const order: string[] = []
  let releaseFirst!: () => void
  const first = withFileLock(lock, async () => {
    order.push('first')
    await new Promise<void>((r) => (releaseFirst = r))
  })
  await until('the first holder to run', () => order.length === 1)
  const second = withFileLock(lock, async () => void order.push('second'), 5000)
  releaseFirst()
  await Promise.all([first, second])
  assert.equal(order, ['first', 'second'])
})

test('an old-style lock file from a dead process is cleared; from a live one it is busy', async () => {
  const stale = join(dir, 'legacy-dead.lock')
  writeFileSync(stale, '2147483646') // no such pid
  assert.is(await withFileLock(stale, async () => 'ran', 2000), 'ran')
  assert.not.ok(existsSync(stale))

  const live = join(dir, 'legacy-live.lock')
  writeFileSync(live, String(process.pid))
  const err = await failure(withFileLock(live, async () => 'ran', 200))
  assert.ok(err instanceof BusyError, String(err))
  assert.ok(err.message.includes(`process ${process.pid}`), err.message)
  assert.ok(existsSync(live))
})

test('a lock directory without an owner note: busy, "another process"', async () => {
  const lock = join(dir, 'anon.lock')
  mkdirSync(lock)
  const err = await failure(withFileLock(lock, async () => 'ran', 200))
  assert.ok(err instanceof BusyError, String(err))
  assert.match(err.message, /is held by another process; try again/)
})

test.run()
