// Runs the node on its host: a systemd unit where systemd runs and confctl logs in as root
// (restarts after a crash or a reboot), otherwise a pidfile supervisor: run.sh itself is a
// small supervising shell loop, detached in its own session, its pid in data/node.pid, its
// output appended to data/node.log, that starts the node again when it dies (backoff from
// 1 s doubling to 60 s, counted in data/restarts) and needs no root; it does not start at
// boot (see docs/provisioning.md). Both stop with SIGTERM, the node's clean stop.
import {nodeArgs} from '../node-args.js'
import {run, writeRemoteFile} from './remote-files.js'
import {BUNDLE_NAME, remoteLayout, unitName, type RemoteNodeConfig, type SupervisorKind} from './remote-layout.js'
import type {SshSession} from './ssh-session.js'
import {sq} from './ssh-target.js'

export interface SupervisorStatus {
  running: boolean
  pid?: number
  /** Times the pidfile supervisor started the node again since its start (0 for systemd). */
  restarts?: number
}

/** data/restarts, written by the pidfile supervisor's loop: "COUNT LAST_AT EXIT_CODE". */
export interface RestartRecord {
  count: number
  /** ISO time of the last restart. */
  lastAt: string
  /** How the node ended before it: its exit code (128 + signal when killed). */
  lastExitCode: number
}

export const RESTARTS_FILE = 'restarts'

export function parseRestarts(text: string | undefined): RestartRecord | null {
  const m = /^(\d+) (\S+) (\d+)\s*$/.exec(text ?? '')
  return m ? {count: Number(m[1]), lastAt: m[2]!, lastExitCode: Number(m[3])} : null
}

/** Backoff of the supervising loop: the first restart after 1 s, doubling up to this. */
export const MAX_RESTART_DELAY_S = 60

export interface StopOutcome {
  wasRunning: boolean
  forced: boolean
}

export interface RemoteSupervisor {
  readonly kind: SupervisorKind
  /** Writes what the supervisor needs (the unit); idempotent. */
  install(cfg: RemoteNodeConfig): Promise<void>
  start(): Promise<void>
  stop(timeoutMs: number): Promise<StopOutcome>
  status(): Promise<SupervisorStatus>
  /** Stops and removes the unit; leaves the files. */
  uninstall(timeoutMs: number): Promise<StopOutcome>
}

export function runScript(base: string, cfg: RemoteNodeConfig): string {
  const l = remoteLayout(base)
  const args = nodeArgs({...cfg, ...cfg.coordination, dir: l.data})
  const command = `${sq(cfg.nodeBin)} ${sq(`${l.current}/${BUNDLE_NAME}`)} ${args.map(sq).join(' ')}`
  const head = [
    '#!/bin/sh',
    `# confctl SFU node '${cfg.name}': written by \`confctl node provision\`, started by the ${cfg.supervisor} supervisor.`,
    'umask 077',
    `cd ${sq(l.data)} || exit 1`,
  ]
  if (cfg.supervisor === 'systemd') return [...head, `exec ${command}`, ''].join('\n')
  // The pidfile supervisor: this shell stays as the node's parent and starts it again when
  // it dies other than by a stop (exit 0 is a clean stop). A signal to this shell (the stop)
  // is passed on to the node and ends the loop; `sleep & wait` keeps the backoff
  // interruptible. The delay goes back to 1 s after a run of a minute or more.
  return [
    ...head,
    'child=; stopping=; delay=1',
    `trap 'stopping=1; [ -n "$child" ] && kill -TERM "$child" 2>/dev/null' TERM INT HUP`,
    'while :; do',
    '  started=$(date +%s)',
    `  ${command} &`,
    '  child=$!',
    '  wait "$child"; code=$?',
    '  while kill -0 "$child" 2>/dev/null; do wait "$child"; code=$?; done',
    '  child=',
    '  if [ -n "$stopping" ] || [ "$code" -eq 0 ]; then exit 0; fi',
    `  if [ $(( $(date +%s) - started )) -ge ${MAX_RESTART_DELAY_S} ]; then delay=1; fi`,
    `  n=$(( $(cut -d' ' -f1 ${RESTARTS_FILE} 2>/dev/null || echo 0) + 1 ))`,
    `  echo "$n $(date -u +%Y-%m-%dT%H:%M:%SZ) $code" > ${RESTARTS_FILE}.tmp && mv -f ${RESTARTS_FILE}.tmp ${RESTARTS_FILE}`,
    '  echo "confctl supervisor: the node exited with status $code; restart $n in ${delay}s" >&2',
    '  sleep "$delay" & wait $!',
    '  [ -n "$stopping" ] && exit 0',
    `  delay=$((delay * 2)); [ "$delay" -gt ${MAX_RESTART_DELAY_S} ] && delay=${MAX_RESTART_DELAY_S}`,
    'done',
    '',
  ].join('\n')
}

/** The supervisor for a host: systemd only as root on a host where systemd runs. */
export function chooseSupervisor(
  requested: 'auto' | SupervisorKind,
  facts: {systemd: boolean; uid: number},
): SupervisorKind {
  if (requested !== 'auto') return requested
  return facts.systemd && facts.uid === 0 ? 'systemd' : 'pidfile'
}

export function supervisorFor(
  kind: SupervisorKind,
  session: SshSession,
  base: string,
  nodeName: string,
): RemoteSupervisor {
  return kind === 'systemd' ? new SystemdSupervisor(session, base, nodeName) : new PidfileSupervisor(session, base)
}

class PidfileSupervisor implements RemoteSupervisor {
  readonly kind = 'pidfile' as const
  private readonly l

  constructor(
    private readonly session: SshSession,
    base: string,
  ) {
    this.l = remoteLayout(base)
  }

  /** Sets $pid to the running supervisor's pid (or the node's, under a run.sh from before
   *  the supervising loop), or empty: the pidfile's pid counts only while it is alive and
   *  its command line names this node's directory (pid reuse). */
  private get findPid(): string {
    return [
      `pid=$(cat ${sq(this.l.pidfile)} 2>/dev/null)`,
      `case "$pid" in ''|*[!0-9]*) pid= ;; esac`,
      `if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then pid=; fi`,
      `if [ -n "$pid" ] && [ -r /proc/$pid/cmdline ] && ! tr '\\000' ' ' < /proc/$pid/cmdline | grep -qF -- ${sq(this.l.base + '/')}; then pid=; fi`,
    ].join('\n')
  }

  async install(): Promise<void> {}

  async start(): Promise<void> {
    const l = this.l
    await run(
      this.session,
      [
        'umask 077',
        this.findPid,
        'if [ -n "$pid" ]; then echo "running $pid"; exit 0; fi',
        `cd ${sq(l.data)} || exit 1`,
        // Restarts count from this start on.
        `rm -f ${sq(l.state)} ${RESTARTS_FILE}`,
        // setsid: its own session, so no hang-up from this SSH session reaches it.
        `if command -v setsid >/dev/null 2>&1; then setsid ${sq(l.runScript)} >>${sq(l.log)} 2>&1 </dev/null &`,
        `else nohup ${sq(l.runScript)} >>${sq(l.log)} 2>&1 </dev/null & fi`,
        `echo $! > ${sq(l.pidfile)}`,
        'echo "started $!"',
      ].join('\n'),
      'start the node',
    )
  }

  async stop(timeoutMs: number): Promise<StopOutcome> {
    const tenths = Math.max(1, Math.ceil(timeoutMs / 100))
    const out = await run(
      this.session,
      [
        this.findPid,
        `if [ -z "$pid" ]; then rm -f ${sq(this.l.pidfile)} ${sq(this.l.state)}; echo confctl-stop=none; exit 0; fi`,
        'kill -TERM "$pid" 2>/dev/null',
        'i=0',
        `while kill -0 "$pid" 2>/dev/null && [ $i -lt ${tenths} ]; do sleep 0.1; i=$((i+1)); done`,
        'how=term',
        // Forced: the whole session (the loop and the node it started), when setsid made one.
        'if kill -0 "$pid" 2>/dev/null; then kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null; how=kill; sleep 0.2; fi',
        `rm -f ${sq(this.l.pidfile)} ${sq(this.l.state)}`,
        'echo confctl-stop=$how',
      ].join('\n'),
      'stop the node',
    )
    const how = /confctl-stop=(\w+)/.exec(out)?.[1]
    return {wasRunning: how !== 'none', forced: how === 'kill'}
  }

  async status(): Promise<SupervisorStatus> {
    const out = await run(
      this.session,
      `${this.findPid}\necho "confctl-pid=$pid"; echo "confctl-restarts=$(cut -d' ' -f1 ${sq(`${this.l.data}/${RESTARTS_FILE}`)} 2>/dev/null)"`,
      'check whether the node runs',
    )
    const pid = Number(/confctl-pid=(\d*)/.exec(out)?.[1] || 0)
    const restarts = Number(/confctl-restarts=(\d*)/.exec(out)?.[1] || 0)
    return pid > 0 ? {running: true, pid, restarts} : {running: false, restarts}
  }

  async uninstall(timeoutMs: number): Promise<StopOutcome> {
    return this.stop(timeoutMs)
  }
}

class SystemdSupervisor implements RemoteSupervisor {
  readonly kind = 'systemd' as const
  private readonly l
  private readonly unit: string

  constructor(
    private readonly session: SshSession,
    base: string,
    nodeName: string,
  ) {
    this.l = remoteLayout(base)
    this.unit = unitName(nodeName)
  }

  private get unitFile(): string {
    return `/etc/systemd/system/${this.unit}`
  }

  async install(cfg: RemoteNodeConfig): Promise<void> {
    const text = [
      '[Unit]',
      `Description=confctl SFU node ${cfg.name}`,
      'After=network-online.target',
      'Wants=network-online.target',
      '',
      '[Service]',
      'Type=simple',
      `ExecStart=${this.l.runScript}`,
      `WorkingDirectory=${this.l.data}`,
      'UMask=0077',
      'Restart=on-failure',
      'RestartSec=2',
      'KillSignal=SIGTERM',
      'TimeoutStopSec=30',
      `StandardOutput=append:${this.l.log}`,
      `StandardError=append:${this.l.log}`,
      '',
      '[Install]',
      'WantedBy=multi-user.target',
      '',
    ].join('\n')
    await writeRemoteFile(this.session, this.unitFile, text, 0o644)
    await run(
      this.session,
      `systemctl daemon-reload && systemctl enable ${sq(this.unit)} >/dev/null 2>&1`,
      `enable ${this.unit}`,
    )
  }

  async start(): Promise<void> {
    await run(this.session, `systemctl start ${sq(this.unit)}`, `start ${this.unit}`)
  }

  async stop(timeoutMs: number): Promise<StopOutcome> {
    const was = (await this.status()).running
    if (!was) return {wasRunning: false, forced: false}
    // systemd sends SIGTERM, then SIGKILL after TimeoutStopSec; wait a little longer than that.
    await run(
      this.session,
      `timeout ${Math.ceil(timeoutMs / 1000) + 35} systemctl stop ${sq(this.unit)}`,
      `stop ${this.unit}`,
    )
    return {wasRunning: true, forced: false}
  }

  async status(): Promise<SupervisorStatus> {
    const r = await this.session.sh(
      `systemctl show -p MainPID --value ${sq(this.unit)} 2>/dev/null; systemctl is-active ${sq(this.unit)} 2>/dev/null`,
    )
    const [pidLine, active] = r.stdout.trim().split('\n')
    const pid = Number(pidLine)
    return active?.trim() === 'active' ? {running: true, pid: pid > 0 ? pid : undefined} : {running: false}
  }

  async uninstall(timeoutMs: number): Promise<StopOutcome> {
    const stopped = await this.stop(timeoutMs)
    await run(
      this.session,
      `systemctl disable ${sq(this.unit)} >/dev/null 2>&1; rm -f ${sq(this.unitFile)}; systemctl daemon-reload; systemctl reset-failed ${sq(this.unit)} >/dev/null 2>&1; true`,
      `remove ${this.unit}`,
    )
    return stopped
  }
}
