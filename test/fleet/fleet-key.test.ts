// test-kind: unit
// The fleet key files a node directory holds: installed, rotated with an overlap window, and
// read back by the node's own loader (src/sfu/join-keys.ts), which accepts the previous key
// only until the window ends.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {mkdtempSync, readFileSync, statSync, existsSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {installFleetKey, newFleetKey, rotateFleetKey} from '../../src/fleet/fleet-key.js'
import {kidOf, loadJoinKeys} from '../../src/sfu/join-keys.js'
import {BadInputError} from '../../src/errors.js'

const nodeSecret = Buffer.alloc(32, 7)
const fleetKids = (dir: string, now: number) =>
  loadJoinKeys(dir, nodeSecret, now)
    .all.filter((k) => k.scope === 'fleet')
    .map((k) => k.kid)
const kid = (hex: string) => kidOf(Buffer.from(hex, 'hex'), 'fleet')

test('install writes the key owner-only; the same key again changes nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'confctl-fleet-key-'))
  const key = newFleetKey()
  assert.is(await installFleetKey(dir, key), 'written')
  assert.is(statSync(join(dir, 'fleet.secret')).mode & 0o777, 0o600)
  assert.is(await installFleetKey(dir, key.toUpperCase()), 'unchanged')
  assert.equal(fleetKids(dir, Date.now()), [kid(key)])
  assert.is(loadJoinKeys(dir, nodeSecret).fleet?.kid, kid(key))
})

test('rotation keeps the previous key for the overlap window, then the node drops it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'confctl-fleet-key-'))
  const old = newFleetKey()
  const next = newFleetKey()
  const now = Date.parse('2026-01-01T00:00:00Z')
  await installFleetKey(dir, old)
  const {previousUntil} = await rotateFleetKey(dir, next, 3600_000, now)
  assert.is(previousUntil?.toISOString(), '2026-01-01T01:00:00.000Z')
  assert.is(readFileSync(join(dir, 'fleet.secret'), 'utf8').trim(), next)
  assert.equal(fleetKids(dir, now + 1000), [kid(next), kid(old)])
  assert.equal(fleetKids(dir, now + 3600_000), [kid(next)], 'after the window only the new key')
  assert.is(loadJoinKeys(dir, nodeSecret, now).fleet?.kid, kid(next), 'the new key signs')
})

test('installing a different key rotates the old one out; overlap 0 keeps no previous key', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'confctl-fleet-key-'))
  await installFleetKey(dir, newFleetKey())
  assert.is(await installFleetKey(dir, newFleetKey()), 'rotated')
  assert.ok(existsSync(join(dir, 'fleet.secret.previous')))
  await rotateFleetKey(dir, newFleetKey(), 0)
  assert.not.ok(existsSync(join(dir, 'fleet.secret.previous')))
  assert.not.ok(existsSync(join(dir, 'fleet.secret.previous-until')))
})

test('a key that is not hex or too short is bad input', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'confctl-fleet-key-'))
  for (const bad of ['xyz', 'ab'.repeat(31)])
    await installFleetKey(dir, bad).then(
      () => assert.unreachable(`accepted ${bad}`),
      (e: unknown) => assert.instance(e, BadInputError),
    )
})

test.run()
