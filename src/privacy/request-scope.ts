// Everything an action on one request starts from: the request (unknown id = exit 2),
// its subjects in clear and as hashes, the datamap in force (the --datamap given now, else
// the one the request was opened with, else the default) and lazily opened connectors.
import {assertDatamapMatches} from './datamap-check.js'
import {loadDatamap} from './datamap-load.js'
import type {Datamap} from './datamap-types.js'
import type {PrivacyContext} from './privacy-context.js'
import {getRequest, requestSubjects, type DsarRequest, type RequestType} from './request-register.js'
import {BadInputError} from '../errors.js'
import {subjectHash, type Identifier} from './subject.js'
import {Connectors} from './subject-search.js'

export interface RequestScope {
  req: DsarRequest
  map: Datamap
  ids: Identifier[]
  hashes: string[]
  conns: Connectors
}

export async function withRequestScope<T>(
  ctx: PrivacyContext,
  id: string,
  datamap: string | undefined,
  fn: (scope: RequestScope) => Promise<T>,
  types?: RequestType[],
): Promise<T> {
  const req = await getRequest(ctx.db, id)
  if (types && !types.includes(req.type))
    throw new BadInputError(
      `request '${id}' is a ${req.type} request; this command applies to ${types.join(' or ')} requests.`,
    )
  const {map} = loadDatamap(ctx.home, datamap ?? req.datamap ?? undefined)
  // The map may have been edited, or a table renamed, since the request was opened: a table the
  // search would never ask about (a child of records the subject does not have) is caught here.
  await assertDatamapMatches(map)
  const ids = await requestSubjects(ctx.db, ctx.key, id)
  const conns = new Connectors(map)
  try {
    return await fn({req, map, ids, hashes: ids.map((i) => subjectHash(ctx.key, i)), conns})
  } finally {
    await conns.closeAll()
  }
}
