// `node exec N -- CMD` and `node ssh N`: a command or an interactive login shell in the
// node's directory on its host, over the same checked SSH connection as everything else.
import {BadInputError} from '../../errors.js'
import {readInventory, type SshNodeEntry} from '../inventory.js'
import {inventoryPath} from '../paths.js'
import {pickNode} from '../resolve-node.js'
import {SshSession} from './ssh-session.js'
import {sq} from './ssh-target.js'
import {sshOptionsOf} from './tunnel.js'

export async function sshEntry(name: string | undefined): Promise<SshNodeEntry> {
  const file = inventoryPath()
  const entry = pickNode(await readInventory(file), name, file)
  if (entry.kind !== 'ssh')
    throw new BadInputError(`node '${entry.name}' is a local node; its directory is ${entry.dir} on this machine.`)
  return entry
}

export interface RemoteCommandResult {
  name: string
  host: string
  command: string
  exitCode: number | null
  signal: string | null
  stdout?: string
  stderr?: string
}

/** Runs CMD (one string, as ssh does: the remote shell parses it) in the node directory. */
export async function execOnNode(
  entry: SshNodeEntry,
  command: string,
  io: {stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream} | 'capture',
): Promise<RemoteCommandResult> {
  if (!command.trim())
    throw new BadInputError('give the command to run after --, e.g. `confctl node exec edge1 -- uptime`.')
  const session = await SshSession.connect(sshOptionsOf(entry))
  try {
    const full = `cd ${sq(entry.dir)} && ${command}`
    if (io === 'capture') {
      const r = await session.exec(full)
      return {
        name: entry.name,
        host: session.label,
        command,
        exitCode: r.code,
        signal: r.signal ?? null,
        stdout: r.stdout,
        stderr: r.stderr,
      }
    }
    const r = await session.execStreaming(full, io.stdout, io.stderr)
    return {name: entry.name, host: session.label, command, exitCode: r.code, signal: r.signal ?? null}
  } finally {
    session.close()
  }
}

/** An interactive login shell with a remote pseudo-terminal, wired to this terminal (raw
 *  mode, window size changes forwarded). Resolves with the shell's exit code. */
export async function interactiveShell(entry: SshNodeEntry): Promise<number | null> {
  const stdin = process.stdin
  const stdout = process.stdout
  if (!stdin.isTTY)
    throw new BadInputError('`confctl node ssh` needs a terminal; use `confctl node exec NAME -- CMD` in scripts.')
  const session = await SshSession.connect(sshOptionsOf(entry))
  try {
    // A login shell started in the node directory (exec with a pty rather than shell()).
    const ch = await session.execPty(`cd ${sq(entry.dir)} 2>/dev/null; exec "\${SHELL:-/bin/sh}" -l`, {
      term: process.env.TERM || 'xterm-256color',
      rows: stdout.rows || 24,
      cols: stdout.columns || 80,
      width: 0,
      height: 0,
    })
    return await new Promise<number | null>((resolve) => {
      let code: number | null = null
      const onResize = () => ch.setWindow(stdout.rows || 24, stdout.columns || 80, 0, 0)
      stdin.setRawMode(true)
      stdin.resume()
      stdin.pipe(ch)
      ch.pipe(stdout, {end: false})
      ch.stderr.pipe(process.stderr, {end: false})
      stdout.on('resize', onResize)
      ch.on('exit', (c: number | null) => (code = c))
      ch.on('close', () => {
        stdout.off('resize', onResize)
        stdin.unpipe(ch)
        stdin.setRawMode(false)
        stdin.pause()
        resolve(code)
      })
    })
  } finally {
    session.close()
  }
}
