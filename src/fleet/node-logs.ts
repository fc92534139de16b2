// A local node's log (node.log: its stdout and stderr when started detached), for `confctl
// node logs`: the last lines, then, if asked, every new line until stopped. The end is read
// and the follow offset taken together, so no line is printed twice or missed between them.
import {BadInputError} from '../errors.js'
import {fileSize, followFile, readLastLines} from './log-tail.js'
import {nodeFiles} from './paths.js'
import {resolveNode} from './resolve-node.js'

export interface NodeLog {
  name: string
  file: string
  lines: string[]
  /** Where following starts: the size of the file before its last lines were read. */
  offset: number
}

/** The last `lines` lines of the node's log (the default node when `name` is undefined). */
export async function readNodeLog(name: string | undefined, lines: number): Promise<NodeLog> {
  const entry = await resolveNode(name)
  if (entry.kind !== 'local') {
    throw new BadInputError(
      `node '${entry.name}' is an ssh node, and this version of confctl cannot read remote logs yet.`,
    )
  }
  const file = nodeFiles(entry.dir).log
  const offset = await fileSize(file)
  return {name: entry.name, file, lines: await readLastLines(file, lines), offset}
}

/** Calls `onLine` for every line written after `log` was read, until `signal` aborts. */
export function followNodeLog(log: NodeLog, onLine: (line: string) => void, signal: AbortSignal): Promise<void> {
  return followFile(log.file, log.offset, onLine, signal)
}
