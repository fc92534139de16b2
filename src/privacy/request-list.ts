// `dsar list`: every data-subject request with the days left to its due date, in the
// register's order (open ones first, the most urgent at the top). Read-only: without a
// privacy store yet it lists nothing and creates nothing (no key, no database).
import {withPrivacyIfPresent} from './privacy-context.js'
import {daysLeft, listRequests, type DsarRequest} from './request-register.js'

export interface ListedRequest extends DsarRequest {
  /** Whole days to dueAt (negative: overdue). */
  daysLeft: number
}

export async function listRequestsWithDeadlines({
  now = new Date(),
  env = process.env,
}: {now?: Date; env?: NodeJS.ProcessEnv} = {}): Promise<ListedRequest[]> {
  const requests = await withPrivacyIfPresent((ctx) => listRequests(ctx.db), [], env)
  return requests.map((r) => ({...r, daysLeft: daysLeft(r, now)}))
}
