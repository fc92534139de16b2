// test-kind: unit
// What /healthz says (src/sfu/node-health.ts): degraded with every reason that applies,
// before draining; no counts (the endpoint needs no token).
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {nodeHealth} from '../../src/sfu/node-health.js'
import type {RoomRegistry} from '../../src/sfu/room-registry.js'
import type {SessionBudget} from '../../src/sfu/session-budget.js'

// Only the fields nodeHealth reads; the real classes need a running node.
const registry = (draining: boolean) => ({draining}) as unknown as RoomRegistry
const budget = (total: number, maxSessions: number, portsExhausted = false) =>
  ({total, limits: {maxSessions}, portsExhausted}) as unknown as SessionBudget

test('ok below the session cap; draining when draining', () => {
  assert.equal(nodeHealth(registry(false), budget(9, 10)), {status: 'ok'})
  assert.equal(nodeHealth(registry(true), budget(0, 10)), {status: 'draining'})
})

test('full at exactly the cap, not one session later', () => {
  assert.equal(nodeHealth(registry(false), budget(10, 10)), {status: 'degraded', reasons: ['node_full']})
})

test('every reason that applies, and degraded wins over draining', () => {
  assert.equal(nodeHealth(registry(true), budget(3, 10, true)), {status: 'degraded', reasons: ['no_ports']})
  assert.equal(nodeHealth(registry(false), budget(12, 10, true)), {
    status: 'degraded',
    reasons: ['no_ports', 'node_full'],
  })
})

test('the answer carries no counts', () => {
  assert.not.match(JSON.stringify(nodeHealth(registry(false), budget(12, 10))), /\d/)
})

test.run()
