// `node exec N -- CMD` and `node ssh N`: a command or an interactive login shell in the
// node's directory on its host, over the same checked SSH connection as everything else.
import {constants as osConstants} from 'node:os'
import {Writable} from 'node:stream'
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

/** Runs CMD (one string, as ssh does: the remote shell parses it) in the node directory.
 *  `stdin`, when given, is streamed to the command (as `ssh host cmd < file` does); without it
 *  the command reads end of file at once. Output goes to the given writers, or is captured. */
export async function execOnNode(
  entry: SshNodeEntry,
  command: string,
  io: {stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream} | 'capture',
  stdin?: NodeJS.ReadableStream,
): Promise<RemoteCommandResult> {
  if (!command.trim())
    throw new BadInputError('give the command to run after --, e.g. `confctl node exec edge1 -- uptime`.')
  const session = await SshSession.connect(sshOptionsOf(entry))
  try {
    const full = `cd ${sq(entry.dir)} && ${command}`
    const captured = io === 'capture' ? {stdout: new Collector(), stderr: new Collector()} : undefined
    const out = captured ?? (io as {stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream})
    const r = await session.execStreaming(full, out.stdout, out.stderr, stdin)
    const result: RemoteCommandResult = {
      name: entry.name,
      host: session.label,
      command,
      exitCode: r.code,
      signal: r.signal ?? null,
    }
    if (captured) Object.assign(result, {stdout: captured.stdout.text(), stderr: captured.stderr.text()})
    return result
  } finally {
    session.close()
  }
}

/** The exit status `node exec` passes on: the remote command's code, or 128 + the number of
 *  the signal that killed it (as a shell reports it; 1 for a signal this system has no number
 *  for). */
export function passedOnStatus(r: RemoteCommandResult): number {
  if (r.exitCode !== null) return r.exitCode
  const n = r.signal ? osConstants.signals[`SIG${r.signal}` as NodeJS.Signals] : undefined
  return n ? 128 + n : 1
}

/** A writable that keeps what is written, for --json. */
class Collector extends Writable {
  private readonly chunks: Buffer[] = []
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.chunks.push(chunk)
    done()
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8')
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
