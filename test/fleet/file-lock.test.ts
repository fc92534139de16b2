// test-kind: unit
// src/fleet/file-lock.ts on real files: a free lock runs the function and is removed after;
// a lock held by a live process is "busy" (BusyError, exit 75: try again), not a failed
// check; a lock left by a dead process is taken over.
import {existsSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {BusyError, EXIT} from '../../src/errors.js'
import {withFileLock} from '../../src/fleet/file-lock.js'

const dir = mkdtempSync(join(tmpdir(), 'confctl-lock-'))
test.after(() => rmSync(dir, {recursive: true, force: true}))

test('a free lock runs the function, holds our pid meanwhile and is removed after', async () => {
  const lock = join(dir, 'free.lock')
  const r = await withFileLock(lock, async () => {
    assert.ok(existsSync(lock), 'the lock file exists while the function runs')
    return 42
  })
  assert.is(r, 42)
  assert.not.ok(existsSync(lock))
})

test('a lock held by a live process is busy: BusyError, exit 75, naming the file and the pid', async () => {
  const lock = join(dir, 'held.lock')
  writeFileSync(lock, String(process.pid)) // this very process is alive: the lock is not stale
  let ran = false
  const err = await withFileLock(lock, async () => void (ran = true), 200).then(
    () => undefined,
    (e: unknown) => e,
  )
  assert.ok(err instanceof BusyError, `got ${String(err)}`)
  assert.is(err.exitCode, EXIT.busy)
  assert.is(err.exitCode, 75)
  assert.ok(err.message.includes(lock) && err.message.includes(String(process.pid)), err.message)
  assert.not.ok(ran, 'the function did not run')
  assert.ok(existsSync(lock), "the other process's lock is left alone")
})

test('a lock left by a dead process is taken over', async () => {
  const lock = join(dir, 'stale.lock')
  writeFileSync(lock, '2147483646') // no such pid
  assert.is(await withFileLock(lock, async () => 'ran', 2000), 'ran')
  assert.not.ok(existsSync(lock))
})

test.run()
