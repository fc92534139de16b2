// A real OpenSSH server (Debian's openssh-server, /usr/sbin/sshd) for the ssh tests, on a
// free loopback port, with its own temporary host key, user keys, authorized_keys and
// sshd_config (-f), in the foreground (-D) logging to stderr (-e), its pidfile in the
// temporary directory. The system's sshd and its configuration are never touched.
//
// Keys: `userKey` may log in; `noNodeKey` may log in too, but its sessions get
// PATH=/nonexistent-confctl (authorized_keys environment=), so `node` is not found there;
// `wrongKey` is not authorized.
import {spawn, execFileSync, type ChildProcess} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createServer, connect} from 'node:net'
import {tmpdir, userInfo} from 'node:os'
import {join} from 'node:path'

export const SSHD = '/usr/sbin/sshd'

export interface TestSshd {
  port: number
  dir: string
  user: string
  /** user@127.0.0.1:port */
  target: string
  hostKeyPub: string
  userKey: string
  noNodeKey: string
  wrongKey: string
  /** A known_hosts file that holds this server's host key. */
  knownHosts: string
  log: () => string
  stop: () => Promise<void>
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as {port: number}).port
      s.close(() => resolve(port))
    })
  })
}

function keygen(file: string): void {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'confctl-test', '-f', file])
}

/** The SHA256 fingerprint OpenSSH prints for a public key file. */
export function sshKeygenFingerprint(pubFile: string): string {
  return /SHA256:[A-Za-z0-9+/]+/.exec(execFileSync('ssh-keygen', ['-l', '-f', pubFile], {encoding: 'utf8'}))![0]
}

async function waitForBanner(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 10_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`sshd exited with ${child.exitCode}: ${log()}`)
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1')
      s.once('data', (d) => {
        s.destroy()
        resolve(d.toString().startsWith('SSH-'))
      })
      s.once('error', () => resolve(false))
    })
    if (ok) return
    if (Date.now() > deadline) throw new Error(`sshd did not answer on port ${port}: ${log()}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

export async function startSshd(): Promise<TestSshd> {
  if (!existsSync(SSHD)) throw new Error(`${SSHD} is missing: install openssh-server (.ci/run does)`)
  const dir = mkdtempSync(join(tmpdir(), 'confctl-sshd-'))
  const file = (n: string) => join(dir, n)
  for (const k of ['host_key', 'user_key', 'nonode_key', 'wrong_key']) keygen(file(k))
  writeFileSync(
    file('authorized_keys'),
    `${readFileSync(file('user_key.pub'), 'utf8').trim()}\nenvironment="PATH=/nonexistent-confctl" ${readFileSync(file('nonode_key.pub'), 'utf8').trim()}\n`,
    {mode: 0o600},
  )
  const port = await freePort()
  const user = userInfo().username
  writeFileSync(
    file('sshd_config'),
    [
      `ListenAddress 127.0.0.1:${port}`,
      `HostKey ${file('host_key')}`,
      `AuthorizedKeysFile ${file('authorized_keys')}`,
      `PidFile ${file('sshd.pid')}`,
      'StrictModes no',
      'UsePAM no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      'PermitRootLogin prohibit-password',
      'PermitUserEnvironment PATH',
      'AllowTcpForwarding yes',
      'X11Forwarding no',
      'PrintMotd no',
      `AllowUsers ${user}`,
      'Subsystem sftp internal-sftp',
      'LogLevel VERBOSE',
      '',
    ].join('\n'),
  )
  // sshd's privilege separation directory; Debian creates it only when its service starts.
  if (process.getuid?.() === 0) mkdirSync('/run/sshd', {recursive: true, mode: 0o755})
  writeFileSync(
    file('known_hosts'),
    `[127.0.0.1]:${port} ${readFileSync(file('host_key.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ')}\n`,
  )
  // sshd under a small watchdog shell: it stops sshd when this test process is gone, even
  // after a SIGKILL (a hung test file is killed by scripts/run-tests.js), so no sshd outlives it.
  const watchdog = [
    `${SSHD} -D -e -f "$1" & s=$!`,
    "trap 'kill $s 2>/dev/null; wait $s; exit 0' TERM INT",
    'while kill -0 "$2" 2>/dev/null && kill -0 $s 2>/dev/null; do sleep 1 & wait $!; done',
    'kill $s 2>/dev/null; wait $s',
  ].join('\n')
  const child = spawn('/bin/sh', ['-c', watchdog, 'sshd-watchdog', file('sshd_config'), String(process.pid)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let log = ''
  child.stderr!.on('data', (c) => (log += c))
  const kill = () => {
    try {
      child.kill('SIGKILL')
    } catch {}
  }
  process.once('exit', kill)
  await waitForBanner(port, child, () => log)
  return {
    port,
    dir,
    user,
    target: `${user}@127.0.0.1:${port}`,
    hostKeyPub: file('host_key.pub'),
    userKey: file('user_key'),
    noNodeKey: file('nonode_key'),
    wrongKey: file('wrong_key'),
    knownHosts: file('known_hosts'),
    log: () => log,
    stop: async () => {
      process.off('exit', kill)
      if (child.exitCode === null) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(kill, 5000)
          child.once('exit', () => {
            clearTimeout(t)
            resolve()
          })
          child.kill('SIGTERM')
        })
      }
      rmSync(dir, {recursive: true, force: true})
    },
  }
}
