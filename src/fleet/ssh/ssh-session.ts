// One SSH connection (ssh2) to a node's host: the host key checked against known_hosts
// before anything is sent, key authentication, and the few channel kinds confctl uses
// (exec, sftp, a port forward, an interactive shell). Every way a connection can fail
// becomes one sentence with exit code 3 (host, network, auth, host key) or 2 (a key file
// that cannot be used).
import {readFileSync} from 'node:fs'
import {connect as netConnect, type Socket} from 'node:net'
import {homedir} from 'node:os'
import {join} from 'node:path'
import type {AuthenticationType, Client, ClientChannel, ConnectConfig, PseudoTtyOptions, SFTPWrapper} from 'ssh2'
import {BadInputError, UnreachableError} from '../../errors.js'
import {addKnownHost, checkHostKey, fingerprint, hostKeyAlgorithms, hostKeyName, keyTypeOf} from './known-hosts.js'
import {formatSshTarget, sq, type SshTarget} from './ssh-target.js'

export interface SshConnectOptions {
  target: SshTarget
  /** Private key file; without one: ssh-agent ($SSH_AUTH_SOCK), then ~/.ssh/id_ed25519, id_ecdsa, id_rsa. */
  identityFile?: string
  /** Default ~/.ssh/known_hosts. */
  knownHostsFile?: string
  /** Accept and record a host key not seen before (never a changed one). */
  acceptNew?: boolean
  /** TCP connect + SSH handshake + authentication. */
  timeoutMs?: number
}

export interface ExecResult {
  code: number | null
  signal?: string
  stdout: string
  stderr: string
}

export const DEFAULT_SSH_TIMEOUT_MS = 15_000

export function defaultKnownHostsFile(): string {
  return join(homedir(), '.ssh', 'known_hosts')
}

interface KeyCandidate {
  file: string
  key: Buffer
}

/** ssh2, loaded when a connection is opened: commands that reach no SSH node skip its ~0.1 s. */
type Ssh2 = typeof import('ssh2')

function loadKey(ssh2: Ssh2, file: string, explicit: boolean): KeyCandidate | undefined {
  let data: Buffer
  try {
    data = readFileSync(file)
  } catch (err) {
    if (!explicit) return undefined
    throw new BadInputError(
      `cannot read the SSH key ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`,
    )
  }
  const parsed = ssh2.utils.parseKey(data)
  if (parsed instanceof Error) {
    if (!explicit) return undefined
    const encrypted = /encrypted|passphrase/i.test(parsed.message)
    throw new BadInputError(
      encrypted
        ? `the SSH key ${file} is protected by a passphrase; add it to ssh-agent (ssh-add) and leave out --identity-file.`
        : `${file} is not a private SSH key confctl can use (${parsed.message.replace(/\.$/, '')}).`,
    )
  }
  if (Array.isArray(parsed) ? !parsed[0]?.isPrivateKey() : !parsed.isPrivateKey()) {
    if (!explicit) return undefined
    throw new BadInputError(`${file} is a public key; --identity-file needs the private key.`)
  }
  return {file, key: data}
}

export class SshSession {
  private sftpPromise?: Promise<SFTPWrapper>
  private closed = false
  private readonly closeHandlers: (() => void)[] = []

  private constructor(
    readonly target: SshTarget,
    private readonly client: Client,
    private readonly socket: Socket,
  ) {
    client.on('close', () => {
      this.closed = true
      for (const h of this.closeHandlers.splice(0)) h()
    })
    client.on('error', () => {}) // after ready, failures surface on the channel that hit them
  }

  get label(): string {
    return formatSshTarget(this.target)
  }

  get isOpen(): boolean {
    return !this.closed
  }

  onClose(handler: () => void): void {
    if (this.closed) handler()
    else this.closeHandlers.push(handler)
  }

  /** Let the process exit while only this connection is open (a cached tunnel). */
  unref(): void {
    this.socket.unref()
  }

  ref(): void {
    this.socket.ref()
  }

  static async connect(opts: SshConnectOptions): Promise<SshSession> {
    const {target} = opts
    const label = formatSshTarget(target)
    const knownHosts = opts.knownHostsFile ?? defaultKnownHostsFile()
    const timeoutMs = opts.timeoutMs ?? DEFAULT_SSH_TIMEOUT_MS
    // CommonJS: its module.exports is the default export (what `import ssh2 from` gave).
    const ssh2 = ((await import('ssh2')) as unknown as {default: Ssh2}).default
    const keys: KeyCandidate[] = opts.identityFile
      ? [loadKey(ssh2, opts.identityFile, true)!]
      : ['id_ed25519', 'id_ecdsa', 'id_rsa']
          .map((f) => loadKey(ssh2, join(homedir(), '.ssh', f), false))
          .filter((k): k is KeyCandidate => !!k)
    const agent = opts.identityFile ? undefined : process.env.SSH_AUTH_SOCK || undefined
    if (!agent && keys.length === 0) {
      throw new BadInputError(
        `no SSH key to log in to ${label} with: pass --identity-file, or start ssh-agent with your key.`,
      )
    }
    const tried: string[] = []
    const methods: (() => object)[] = [
      ...(agent ? [() => (tried.push('ssh-agent'), {type: 'agent' as const, username: target.user, agent})] : []),
      ...keys.map((k) => () => (tried.push(k.file), {type: 'publickey' as const, username: target.user, key: k.key})),
    ]

    const socket = await openSocket(target, label, timeoutMs)
    const client = new ssh2.Client()
    let hostKeyProblem: string | undefined
    const name = hostKeyName(target.host, target.port)
    const config: ConnectConfig = {
      sock: socket,
      host: target.host,
      port: target.port,
      username: target.user,
      readyTimeout: timeoutMs,
      algorithms: (() => {
        const serverHostKey = hostKeyAlgorithms(knownHosts, target.host, target.port)
        return serverHostKey ? {serverHostKey: serverHostKey as never} : undefined
      })(),
      hostVerifier: (key: Buffer) => {
        const fp = fingerprint(key)
        const verdict = checkHostKey(knownHosts, target.host, target.port, key)
        if (verdict.status === 'known') return true
        if (verdict.status === 'unknown' && opts.acceptNew) {
          addKnownHost(knownHosts, target.host, target.port, key)
          return true
        }
        hostKeyProblem =
          verdict.status === 'unknown'
            ? `the host key of ${name} (${keyTypeOf(key)} ${fp}) is not in ${knownHosts}; check the fingerprint and run again with --accept-new to record it.`
            : verdict.status === 'revoked'
              ? `${name} presented the host key ${fp}, which ${knownHosts} line ${verdict.line} marks as revoked; refusing to connect.`
              : `the host key of ${name} has CHANGED: it is now ${keyTypeOf(key)} ${fp}, not the key at ${knownHosts} line ${verdict.line}; refusing to connect (if the change is expected, remove that line).`
        return false
      },
      authHandler: (_left: AuthenticationType[], _partial: boolean, next: (m: never) => void) => {
        const m = methods.shift()
        next((m ? m() : false) as never)
      },
    }
    return new Promise<SshSession>((resolve, reject) => {
      let settled = false
      const fail = (err: Error & {level?: string}) => {
        if (settled) return
        settled = true
        client.end()
        socket.destroy()
        if (hostKeyProblem) return reject(new UnreachableError(hostKeyProblem))
        if (err.level === 'client-authentication') {
          return reject(
            new UnreachableError(`${label} refused SSH authentication (tried ${tried.join(', ') || 'no key'}).`),
          )
        }
        if (err.level === 'client-timeout') {
          return reject(new UnreachableError(`${label} did not finish the SSH handshake within ${timeoutMs / 1000}s.`))
        }
        if (/no matching/i.test(err.message) && /host ?key/i.test(err.message)) {
          return reject(
            new UnreachableError(
              `${name} offers none of the host key types ${knownHosts} records for it; its host key may have changed, refusing to connect.`,
            ),
          )
        }
        reject(new UnreachableError(`the SSH connection to ${label} failed: ${netReason(err)}.`))
      }
      client.once('ready', () => {
        if (settled) return
        settled = true
        resolve(new SshSession(target, client, socket))
      })
      client.once('error', fail)
      client.once('close', () =>
        fail(Object.assign(new Error('the connection closed during the handshake'), {level: 'client-socket'})),
      )
      client.connect(config)
    })
  }

  /** Runs a command through the login shell; collects its output. */
  exec(command: string, opts: {stdin?: string | Buffer; timeoutMs?: number} = {}): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      this.client.exec(command, (err, ch) => {
        if (err) return reject(new UnreachableError(`${this.label} refused to run a command: ${err.message}.`))
        const out: Buffer[] = []
        const errs: Buffer[] = []
        let timer: NodeJS.Timeout | undefined
        if (opts.timeoutMs) {
          timer = setTimeout(() => {
            ch.close()
            reject(new UnreachableError(`a command on ${this.label} did not finish within ${opts.timeoutMs! / 1000}s.`))
          }, opts.timeoutMs)
        }
        let code: number | null = null
        let signal: string | undefined
        ch.on('data', (d: Buffer) => out.push(d))
        ch.stderr.on('data', (d: Buffer) => errs.push(d))
        ch.on('exit', (c: number | null, s?: string) => {
          code = c
          signal = s ?? undefined
        })
        ch.on('close', () => {
          clearTimeout(timer)
          resolve({
            code,
            signal,
            stdout: Buffer.concat(out).toString('utf8'),
            stderr: Buffer.concat(errs).toString('utf8'),
          })
        })
        if (opts.stdin !== undefined) ch.end(opts.stdin)
        else ch.end()
      })
    })
  }

  /** A POSIX shell script, run by /bin/sh whatever the user's login shell is. */
  sh(script: string, opts: {stdin?: string | Buffer; timeoutMs?: number} = {}): Promise<ExecResult> {
    return this.exec(`/bin/sh -c ${sq(script)}`, opts)
  }

  /** Runs a command with its output streamed to the given writers (and `stdin`, when given,
   *  streamed to it until it ends); resolves with the exit code. */
  execStreaming(
    command: string,
    stdout: NodeJS.WritableStream,
    stderr: NodeJS.WritableStream,
    stdin?: NodeJS.ReadableStream,
  ): Promise<{code: number | null; signal?: string}> {
    return new Promise((resolve, reject) => {
      this.client.exec(command, (err, ch) => {
        if (err) return reject(new UnreachableError(`${this.label} refused to run a command: ${err.message}.`))
        let code: number | null = null
        let signal: string | undefined
        ch.on('data', (d: Buffer) => stdout.write(d))
        ch.stderr.on('data', (d: Buffer) => stderr.write(d))
        ch.on('exit', (c: number | null, s?: string) => {
          code = c
          signal = s ?? undefined
        })
        ch.on('close', () => {
          // The command may end before its input does (it did not read it): stop reading ours,
          // or an open pipe would keep confctl running.
          if (stdin) {
            stdin.unpipe(ch)
            stdin.pause()
          }
          resolve({code, signal})
        })
        if (stdin) stdin.pipe(ch)
        else ch.end()
      })
    })
  }

  sftp(): Promise<SFTPWrapper> {
    return (this.sftpPromise ??= new Promise((resolve, reject) => {
      this.client.sftp((err, sftp) =>
        err ? reject(new UnreachableError(`${this.label} refused an SFTP session: ${err.message}.`)) : resolve(sftp),
      )
    }))
  }

  /** A channel to host:port as seen from the remote host (ssh -L without a listening port). */
  forwardOut(host: string, port: number): Promise<ClientChannel> {
    return new Promise((resolve, reject) => {
      this.client.forwardOut('127.0.0.1', 0, host, port, (err, ch) => (err ? reject(err) : resolve(ch)))
    })
  }

  /** A command with a remote pseudo-terminal (an interactive shell). */
  execPty(command: string, window: PseudoTtyOptions): Promise<ClientChannel> {
    return new Promise((resolve, reject) => {
      this.client.exec(command, {pty: window}, (err, ch) =>
        err ? reject(new UnreachableError(`${this.label} refused a terminal session: ${err.message}.`)) : resolve(ch),
      )
    })
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    this.client.end()
    this.socket.destroy()
  }
}

function openSocket(target: SshTarget, label: string, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({host: target.host, port: target.port})
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new UnreachableError(`cannot reach ${label} over SSH: no answer within ${timeoutMs / 1000}s.`))
    }, timeoutMs)
    socket.once('connect', () => {
      clearTimeout(timer)
      socket.removeAllListeners('error')
      resolve(socket)
    })
    socket.once('error', (err) => {
      clearTimeout(timer)
      reject(new UnreachableError(`cannot reach ${label} over SSH: ${netReason(err)}.`))
    })
  })
}

function netReason(err: unknown): string {
  const e = err as NodeJS.ErrnoException
  const reasons: Record<string, string> = {
    ECONNREFUSED: 'connection refused (is sshd running on that port?)',
    ECONNRESET: 'connection reset',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
    ENOTFOUND: 'host name not found',
    EAI_AGAIN: 'host name lookup failed',
    ETIMEDOUT: 'connection timed out',
  }
  return (e?.code && reasons[e.code]) ?? (e?.message ?? String(err)).replace(/\.$/, '')
}
