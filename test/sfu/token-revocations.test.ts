// test-kind: unit
// Revoked join tokens (src/sfu/token-revocations.ts) in a real node.db (SQLite, in-process):
// a revocation lasts until the token's own expiry, survives a reopen, and revoking twice
// never shortens it. Clocks are passed in, so no test waits.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {openDriver} from '../../src/sfu/node-db-driver.js'
import {TokenRevocations} from '../../src/sfu/token-revocations.js'

const dir = mkdtempSync(join(tmpdir(), 'confctl-revocations-'))
let n = 0
const freshDb = () => openDriver(join(dir, `node-${n++}.db`))
const T0 = new Date('2026-11-30T07:00:00.000Z')
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000)

test('a revoked jti is revoked until its expiry, then pruned', () => {
  const r = new TokenRevocations(freshDb())
  try {
    const entry = r.revoke('jti-1', at(60), T0)
    assert.equal(entry, {jti: 'jti-1', revokedAt: T0.toISOString(), expiresAt: at(60).toISOString()})
    assert.ok(r.isRevoked('jti-1'))
    assert.not.ok(r.isRevoked('jti-2'))
    r.pruneExpired(at(59))
    assert.ok(r.isRevoked('jti-1'), 'before its expiry')
    r.pruneExpired(at(60))
    assert.not.ok(r.isRevoked('jti-1'), 'at its expiry the token is refused as expired anyway')
  } finally {
    r.stop()
  }
})

test('revoking twice keeps the first revocation time and the later expiry', () => {
  const r = new TokenRevocations(freshDb())
  try {
    r.revoke('j', at(60), T0)
    const shorter = r.revoke('j', at(30), at(5))
    assert.equal(shorter, {jti: 'j', revokedAt: T0.toISOString(), expiresAt: at(60).toISOString()})
    const longer = r.revoke('j', at(90), at(6))
    assert.is(longer.expiresAt, at(90).toISOString())
    assert.is(longer.revokedAt, T0.toISOString())
  } finally {
    r.stop()
  }
})

test('list: oldest revocation first', () => {
  const r = new TokenRevocations(freshDb())
  try {
    const far = new Date('2100-01-01T00:00:00.000Z') // list() prunes with the real clock
    r.revoke('b', far, at(2))
    r.revoke('a', far, at(1))
    r.revoke('c', far, at(3))
    assert.equal(
      r.list().map((e) => e.jti),
      ['a', 'b', 'c'],
    )
  } finally {
    r.stop()
  }
})

test('revocations survive a reopen of node.db; expired rows do not come back', () => {
  const path = join(dir, 'reopen.db')
  const db = openDriver(path)
  const r = new TokenRevocations(db)
  r.revoke('lasting', new Date('2100-01-01T00:00:00.000Z'), T0)
  r.revoke('expired', new Date('2000-01-01T00:00:00.000Z'), T0)
  r.stop()
  db.close()
  const db2 = openDriver(path)
  const again = new TokenRevocations(db2)
  try {
    assert.ok(again.isRevoked('lasting'))
    assert.not.ok(again.isRevoked('expired'))
    assert.is(db2.prepare("SELECT count(*) AS n FROM token_revocations WHERE jti = 'expired'").all()[0]!.n, 0)
  } finally {
    again.stop()
    db2.close()
  }
})

test.after(() => rmSync(dir, {recursive: true, force: true}))
test.run()
