import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {signJoinToken, verifyJoinToken, TokenError} from '../../src/sfu/join-token.js'

const secret = Buffer.from('00112233445566778899aabbccddeeff', 'hex')

test('a signed token verifies and carries room, identity and name', () => {
  const token = signJoinToken(secret, {room: 'r1', sub: 'alice@example.org', name: 'Alice'}, 60)
  const claims = verifyJoinToken(secret, token)
  assert.is(claims.room, 'r1')
  assert.is(claims.sub, 'alice@example.org')
  assert.is(claims.name, 'Alice')
  assert.is(claims.exp - claims.iat, 60)
})

test('an expired token is refused', () => {
  const token = signJoinToken(secret, {room: 'r1', sub: 'a', name: 'a'}, 60, Date.now() - 120_000)
  assert.throws(() => verifyJoinToken(secret, token), (e: Error) => e instanceof TokenError && /expired/.test(e.message))
})

test('a token signed with another secret is refused', () => {
  const token = signJoinToken(Buffer.from('ff', 'hex'), {room: 'r1', sub: 'a', name: 'a'}, 60)
  assert.throws(() => verifyJoinToken(secret, token), /signature/)
})

test('a tampered payload is refused', () => {
  const [h, , s] = signJoinToken(secret, {room: 'r1', sub: 'a', name: 'a'}, 60).split('.')
  const forged = Buffer.from(JSON.stringify({room: 'other', sub: 'a', exp: 9e9})).toString('base64url')
  assert.throws(() => verifyJoinToken(secret, `${h}.${forged}.${s}`), /signature/)
})

test('alg "none" and garbage are refused', () => {
  const none = Buffer.from(JSON.stringify({alg: 'none'})).toString('base64url')
  const body = Buffer.from(JSON.stringify({room: 'r', sub: 'a', exp: 9e9})).toString('base64url')
  assert.throws(() => verifyJoinToken(secret, `${none}.${body}.`), /HS256/)
  assert.throws(() => verifyJoinToken(secret, 'not-a-jwt'), /three/)
  assert.throws(() => verifyJoinToken(secret, '!!.??.**'), (e: Error) => e instanceof TokenError)
})

test.run()
