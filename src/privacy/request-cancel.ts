// `dsar cancel`: closes a request without an answer (withdrawn, a duplicate, identity not
// confirmed), with the reason. Erasure steps not yet applied are marked cancelled; the change
// and its 'request.cancelled' audit entry are written in one transaction: both or neither.
import {BadInputError} from '../errors.js'
import {appendAudit, type AuditContext} from './audit-log.js'
import {journalClose} from './erasure-journal.js'
import {getRequest, setRequestStatus, type DsarRequest} from './request-register.js'

export async function cancelRequest(ctx: AuditContext, id: string, reason: string): Promise<DsarRequest> {
  return ctx.db.tx(async (t) => {
    const r = await getRequest(t, id)
    if (!reason.trim()) throw new BadInputError('--reason must say why the request is cancelled.')
    if (r.status === 'cancelled') throw new BadInputError(`request '${id}' was already cancelled.`)
    if (r.status === 'done') throw new BadInputError(`request '${id}' is done; there is nothing left to cancel.`)
    if (r.status === 'restricted')
      throw new BadInputError(
        `request '${id}' has a restriction in force; lift it first with 'confctl dsar restrict ${id} --lift'.`,
      )
    const steps = await journalClose(t, id, 'cancelled')
    await setRequestStatus(t, id, 'cancelled')
    await appendAudit(t, ctx.key, ctx.actor, {
      event: 'request.cancelled',
      requestId: id,
      subjects: r.subjects.map((s) => s.hash),
      details: {reason: reason.trim(), was: r.status, cancelledSteps: steps},
    })
    return getRequest(t, id)
  })
}
