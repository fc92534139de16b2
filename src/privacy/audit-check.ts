// `audit verify` and `audit anchor` in one place: the chain and its sealed head (audit-log.ts), the local witness
// (audit-witness.ts) and any anchors the operator kept (audit-anchor.ts). Each source catches
// what the others cannot; the result lists every problem in one sentence.
import {existsSync, statSync, writeFileSync} from 'node:fs'
import {dirname} from 'node:path'
import {BadInputError, CheckFailedError} from '../errors.js'
import {UNSEALED_HEAD, verifyAudit, type AuditProblem} from './audit-log.js'
import {checkAnchor, checkAnchorSignature, readAnchorFile, takeAnchor, type Anchor} from './audit-anchor.js'
import {checkWitness} from './audit-witness.js'
import type {PrivacyContext} from './privacy-context.js'

export interface AuditCheck {
  entries: number
  problems: AuditProblem[]
  anchors: Array<{file: string; seq: number; contained: boolean}>
}

export interface AnchorFile {
  file: string
  anchor: Anchor
}

/** Reads every anchor file before the store is opened: one that cannot be read or is not an
 *  anchor is bad input (exit 2) and nothing is opened or created. */
export function readAnchorFiles(files: string[]): AnchorFile[] {
  return files.map((file) => ({file, anchor: readAnchorFile(file)}))
}

/** Checks the signatures first, so a forged anchor is bad input (exit 2) before anything is reported. */
export async function checkAuditLog(ctx: PrivacyContext, anchors: AnchorFile[]): Promise<AuditCheck> {
  for (const {file, anchor} of anchors) checkAnchorSignature(anchor, file, ctx.key)
  const chain = await verifyAudit(ctx.db, ctx.key)
  const problems = [...chain.problems, ...(await checkWitness(ctx))]
  const checked: AuditCheck['anchors'] = []
  for (const {file, anchor} of anchors) {
    const found = await checkAnchor(ctx.db, anchor, file)
    problems.push(...found)
    checked.push({file, seq: anchor.seq, contained: found.length === 0})
  }
  return {entries: chain.entries, problems, anchors: checked}
}

/** Anchors the log after checking it: an anchor of a broken log would vouch for it. The one
 *  problem tolerated is a head left unsealed by an older confctl, which the anchor's own entry
 *  seals. --out is refused before anything is appended when it exists or its directory does not. */
export async function takeAuditAnchor(ctx: PrivacyContext, out?: string): Promise<Anchor> {
  if (out && existsSync(out)) throw new BadInputError(`--out ${out} already exists; anchors are never overwritten.`)
  if (out && !statSync(dirname(out), {throwIfNoEntry: false})?.isDirectory())
    throw new BadInputError(`--out ${out}: the directory ${dirname(out)} does not exist.`)
  const check = await checkAuditLog(ctx, [])
  const problems = check.problems.filter((p) => p.problem !== UNSEALED_HEAD)
  if (problems.length)
    throw new CheckFailedError(
      `the audit log is broken (${problems.length} problem(s), first at entry ${problems[0]!.seq}: ${problems[0]!.problem}); run 'confctl audit verify' before anchoring it.`,
    )
  const anchor = await takeAnchor(ctx, {out: out ?? null})
  if (out) writeFileSync(out, JSON.stringify(anchor, null, 2) + '\n', {flag: 'wx'})
  return anchor
}
