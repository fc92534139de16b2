// Reading and writing the small files in a local node's directory: the pidfile confctl
// owns, and state.json / admin.token that the node writes. Knowing which process (if any)
// runs a node directory is answered here, once, for the supervisor, `node list` and the
// admin-client resolution.
import {readFileSync} from 'node:fs'
import {readFile, rm} from 'node:fs/promises'
import type {NodeStateFile} from '../api/node-api.js'
import {BadInputError} from '../errors.js'
import {writeFileAtomic} from './atomic-write.js'
import {nodeFiles} from './paths.js'
import {isNodeProcess} from './process-check.js'

export function readPidfile(dir: string): number | undefined {
  try {
    const pid = Number(readFileSync(nodeFiles(dir).pid, 'utf8').trim())
    return Number.isInteger(pid) && pid > 0 ? pid : undefined
  } catch {
    return undefined
  }
}

export async function writePidfile(dir: string, pid: number): Promise<void> {
  await writeFileAtomic(nodeFiles(dir).pid, `${pid}\n`)
}

export async function removePidfile(dir: string): Promise<void> {
  await rm(nodeFiles(dir).pid, {force: true})
}

/** state.json if present and well-formed; undefined while the node is starting or after it stopped. */
export function readStateFile(dir: string): NodeStateFile | undefined {
  let value: unknown
  try {
    value = JSON.parse(readFileSync(nodeFiles(dir).state, 'utf8'))
  } catch {
    return undefined // missing, or caught half-written
  }
  const s = value as Partial<NodeStateFile>
  const ok = typeof s?.pid === 'number' && typeof s.adminUrl === 'string' && typeof s.publicUrl === 'string'
  return ok ? (value as NodeStateFile) : undefined
}

/**
 * The pid of the process running this node directory, or undefined. The pidfile is
 * checked first; state.json's pid covers a node started by hand (`node dist/src/sfu/main.js
 * --dir ...`). Either only counts if that pid is alive and still runs this directory.
 */
export function runningPid(dir: string): number | undefined {
  const fromPidfile = readPidfile(dir)
  if (fromPidfile !== undefined && isNodeProcess(fromPidfile, dir)) return fromPidfile
  const fromState = readStateFile(dir)?.pid
  if (fromState !== undefined && isNodeProcess(fromState, dir)) return fromState
  return undefined
}

/** Removes the pidfile and state.json left by a node that is no longer running (crash,
 *  SIGKILL, reboot), so they cannot be mistaken for a live node. Returns what it removed. */
export async function clearStaleFiles(dir: string): Promise<string[]> {
  if (runningPid(dir) !== undefined) return []
  const files = nodeFiles(dir)
  const removed: string[] = []
  for (const f of [files.pid, files.state]) {
    try {
      await rm(f)
      removed.push(f)
    } catch {}
  }
  return removed
}

export async function readAdminToken(dir: string, nodeName: string): Promise<string> {
  const file = nodeFiles(dir).token
  let token: string
  try {
    token = (await readFile(file, 'utf8')).trim()
  } catch (err) {
    throw new BadInputError(
      `cannot read the admin token of node '${nodeName}' at ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`,
    )
  }
  if (!token) throw new BadInputError(`the admin token file of node '${nodeName}' (${file}) is empty.`)
  return token
}
