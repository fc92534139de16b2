// What /healthz says: "ok", "draining", or "degraded" with the reasons a load balancer or
// an operator needs (the node is up but cannot take new sessions). It reveals no counts
// and no personal data, since /healthz needs no token.
import type {HealthResponse} from '../api/node-api.js'
import type {RoomRegistry} from './room-registry.js'
import type {SessionBudget} from './session-budget.js'

export function nodeHealth(registry: RoomRegistry, budget: SessionBudget): HealthResponse {
  const reasons: string[] = []
  if (budget.portsExhausted) reasons.push('no_ports')
  if (budget.total >= budget.limits.maxSessions) reasons.push('node_full')
  if (reasons.length > 0) return {status: 'degraded', reasons}
  return {status: registry.draining ? 'draining' : 'ok'}
}
