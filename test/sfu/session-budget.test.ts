// test-kind: unit
// SessionBudget: the caps per token, per address and per node, and the port-exhaustion flag.
import {suite} from 'uvu'
import * as assert from 'uvu/assert'
import {BudgetError, SessionBudget} from '../../src/sfu/session-budget.js'

const budget = suite('SessionBudget')

const claim = (tokenId: string, ip: string, tokenMaxSessions = 2) => ({tokenId, ip, tokenMaxSessions})

function refusal(fn: () => unknown): BudgetError {
  try {
    fn()
  } catch (err) {
    if (err instanceof BudgetError) return err
    throw err
  }
  throw new assert.Assertion({
    message: 'expected a BudgetError',
    operator: 'throws',
    expects: 'BudgetError',
    actual: 'nothing',
  })
}

budget('a token holds at most its maxSessions; the refusal is a 429 naming the token', () => {
  const b = new SessionBudget({maxSessions: 10, maxSessionsPerIp: 10})
  b.reserve(claim('t1', '192.0.2.1'))
  b.reserve(claim('t1', '192.0.2.2'))
  const err = refusal(() => b.reserve(claim('t1', '192.0.2.3')))
  assert.is(err.status, 429, 'status')
  assert.is(err.code, 'too_many_sessions_for_token')
  assert.match(err.message, /maxSessions 2/)
  assert.ok(err.retryAfterSeconds > 0, 'a Retry-After is given')
  b.reserve(claim('t2', '192.0.2.3')) // another token is not affected
})

budget('an address holds at most maxSessionsPerIp, whatever the tokens', () => {
  const b = new SessionBudget({maxSessions: 10, maxSessionsPerIp: 2})
  b.reserve(claim('a', '198.51.100.7'))
  b.reserve(claim('b', '198.51.100.7'))
  const err = refusal(() => b.reserve(claim('c', '198.51.100.7')))
  assert.is(err.status, 429)
  assert.is(err.code, 'too_many_sessions_for_ip')
  assert.match(err.message, /198\.51\.100\.7/)
})

budget('the node cap is a 503 and release() frees exactly one slot, once', () => {
  const b = new SessionBudget({maxSessions: 2, maxSessionsPerIp: 5})
  const r1 = b.reserve(claim('a', '192.0.2.1'))
  b.reserve(claim('b', '192.0.2.2'))
  const err = refusal(() => b.reserve(claim('c', '192.0.2.3')))
  assert.is(err.status, 503)
  assert.is(err.code, 'node_full')
  assert.is(b.refusals.get('node_full'), 1, 'the refusal is counted')
  r1.release()
  r1.release() // idempotent: must not free a second slot
  assert.is(b.total, 1, 'one slot in use after a double release')
  b.reserve(claim('c', '192.0.2.3'))
  refusal(() => b.reserve(claim('d', '192.0.2.4')))
})

budget('ports exhausted until a session ends or a peer gets a port again', () => {
  const b = new SessionBudget({maxSessions: 5, maxSessionsPerIp: 5})
  const r = b.reserve(claim('a', '192.0.2.1'))
  b.markPortsExhausted()
  assert.ok(b.portsExhausted)
  r.release()
  assert.not.ok(b.portsExhausted, 'a released session gave a port back')
  b.markPortsExhausted()
  b.markPortsAvailable()
  assert.not.ok(b.portsExhausted)
  assert.is(b.noPortsError().status, 503)
})

budget('nonsense limits are refused with the option named', () => {
  assert.throws(() => new SessionBudget({maxSessions: 0, maxSessionsPerIp: 1}), /maxSessions/)
  assert.throws(() => new SessionBudget({maxSessions: 1, maxSessionsPerIp: 0}), /maxSessionsPerIp/)
})

budget.run()
