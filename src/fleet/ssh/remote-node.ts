// What provision, upgrade and deprovision share for one node on one SSH connection: its
// config.json, its supervisor, its admin API through a tunnel bound to this connection,
// the wait for /healthz, and the end of its log for error messages.
import {AdminClient, type HealthResponse} from '../admin-client.js'
import {UnreachableError} from '../../errors.js'
import {readRemoteFile, run, writeRemoteFile} from './remote-files.js'
import {remoteLayout, type RemoteLayout, type RemoteNodeConfig} from './remote-layout.js'
import {supervisorFor, type RemoteSupervisor} from './remote-supervisor.js'
import type {SshSession} from './ssh-session.js'
import {sq} from './ssh-target.js'
import {AdminTunnel} from './tunnel.js'

export const DEFAULT_HEALTH_TIMEOUT_MS = 30_000
export const DEFAULT_NODE_STOP_TIMEOUT_MS = 15_000
/** Releases kept besides the running and the previous one (those of failed upgrades). */
export const DEFAULT_KEEP_RELEASES = 2

/** A node that did not come up: `short` is the sentence alone, the message adds its log's
 *  end (`logLines`, the last lines of `logFile` when it failed). */
export class StartupError extends UnreachableError {
  constructor(
    readonly short: string,
    readonly logFile: string,
    readonly logLines: string[],
  ) {
    super(`${short}${formatLogTail(logFile, logLines)}`)
  }
}

/** "; last lines of <log>:\n  | ..." (or "." when there is nothing to show). */
export function formatLogTail(logFile: string, lines: string[]): string {
  if (lines.length === 0) return '.'
  return `${portInUse(lines) ? ': a port is already in use there' : ''}; ${quoteLog(logFile, lines)}`
}

/** "last lines of <log>:\n  | line\n  | line", the form every failed start shows. */
export function quoteLog(logFile: string, lines: string[]): string {
  return `last lines of ${logFile}:\n${lines.map((l) => `  | ${l}`).join('\n')}`
}

function portInUse(lines: string[]): boolean {
  return lines.some((l) => /port already in use|EADDRINUSE/.test(l))
}

export class RemoteNode {
  readonly layout: RemoteLayout
  private tunnel?: AdminTunnel
  private client?: AdminClient

  constructor(
    readonly session: SshSession,
    readonly name: string,
    readonly base: string,
    public cfg: RemoteNodeConfig,
  ) {
    this.layout = remoteLayout(base)
  }

  static async readConfig(session: SshSession, base: string): Promise<RemoteNodeConfig | undefined> {
    const text = await readRemoteFile(session, remoteLayout(base).config)
    if (text === undefined) return undefined
    try {
      return JSON.parse(text) as RemoteNodeConfig
    } catch {
      throw new UnreachableError(
        `${remoteLayout(base).config} on ${session.label} is not valid JSON; fix or remove it.`,
      )
    }
  }

  get where(): string {
    return `node '${this.name}' on ${this.session.label}`
  }

  get supervisor(): RemoteSupervisor {
    return supervisorFor(this.cfg.supervisor, this.session, this.base, this.name)
  }

  async writeConfig(): Promise<void> {
    await writeRemoteFile(this.session, this.layout.config, JSON.stringify(this.cfg, null, 2) + '\n', 0o600)
  }

  /** Points dir/current at a release directory. */
  async switchTo(release: string): Promise<void> {
    await run(
      this.session,
      `cd ${sq(this.base)} && ln -sfn ${sq(`releases/${release}`)} current`,
      `switch ${this.where} to release ${release}`,
    )
  }

  /** Removes the releases nothing will switch back to: keeps the running one, the previous
   *  one (the rollback target) and the `others` newest of the rest (e.g. from failed
   *  upgrades). Returns the names removed; a failure to remove is not the caller's failure,
   *  the next run tries again. */
  async pruneReleases(others = DEFAULT_KEEP_RELEASES): Promise<string[]> {
    const keep = [this.cfg.release, this.cfg.previousRelease].filter((r): r is string => Boolean(r))
    const r = await this.session
      .sh(
        [
          `cd ${sq(this.layout.releases)} || exit 0`,
          'n=0',
          // Newest first by the directory's time (set when its bundle was moved in).
          'ls -1t | while IFS= read -r d; do',
          '  [ -d "$d" ] || continue',
          ...keep.map((k) => `  [ "$d" = ${sq(k)} ] && continue`),
          '  n=$((n+1))',
          `  if [ $n -gt ${others} ]; then rm -rf -- "$d" && echo "confctl-removed=$d"; fi`,
          'done',
          'true',
        ].join('\n'),
      )
      .catch(() => undefined)
    return [...(r?.stdout ?? '').matchAll(/^confctl-removed=(.*)$/gm)].map((m) => m[1]!)
  }

  /** The admin API through a tunnel on this connection (opened on first use). */
  async admin(timeoutMs = 5000): Promise<AdminClient> {
    if (this.client) return this.client
    const token = (await readRemoteFile(this.session, this.layout.token))?.trim()
    if (!token) throw new UnreachableError(`${this.where} has no admin token at ${this.layout.token}.`)
    this.tunnel = new AdminTunnel(this.session, this.cfg.adminHost, this.cfg.adminPort)
    const url = await this.tunnel.open()
    this.client = new AdminClient({nodeName: this.name, adminUrl: url, token, timeoutMs})
    return this.client
  }

  /** /healthz status, or undefined when nothing answers. */
  async health(): Promise<HealthResponse['status'] | undefined> {
    try {
      return (await (await this.admin(3000)).health()).status
    } catch {
      return undefined
    }
  }

  /** Waits until the node answers /healthz "ok"; throws (exit 3) with its log's end when
   *  the process dies or the time is up. */
  async waitHealthy(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs
    let checks = 0
    for (;;) {
      const h = await this.health()
      if (h !== undefined) return // ok, draining or degraded: it runs and answers
      // Every few tries: a process that died will not become healthy (under the pidfile
      // supervisor's loop, which starts it again, a restart says it died).
      const st = ++checks % 4 === 0 ? await this.supervisor.status() : undefined
      if (st && (!st.running || (st.restarts ?? 0) > 0)) {
        const lines = await this.logLines()
        const port = portInUse(lines) ? ' because a port is already in use there' : ''
        throw new StartupError(`${this.where} exited during startup${port}`, this.layout.log, lines)
      }
      if (Date.now() > deadline) {
        throw new StartupError(
          `${this.where} did not become healthy within ${Math.round(timeoutMs / 1000)}s`,
          this.layout.log,
          await this.logLines(),
        )
      }
      await new Promise((r) => setTimeout(r, 250))
    }
  }

  /** The last lines of data/node.log (none when it is missing or empty). */
  async logLines(lines = 12): Promise<string[]> {
    const r = await this.session.sh(`tail -n ${lines} ${sq(this.layout.log)} 2>/dev/null`).catch(() => undefined)
    const text = r?.stdout.trimEnd() ?? ''
    return text ? text.split('\n') : []
  }

  closeTunnel(): void {
    this.tunnel?.close()
    this.tunnel = undefined
    this.client = undefined
  }
}
