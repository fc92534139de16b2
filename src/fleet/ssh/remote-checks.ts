// What a host must have before a node goes there, asked in two round trips: who we are and
// where `node` is (a plain shell, so a host without Node.js still answers), then, through
// that Node.js, its version, the free disk under the node directory, whether systemd runs,
// what is already provisioned there, and whether the node's TCP ports are free.
import {UnreachableError} from '../../errors.js'
import type {SshSession} from './ssh-session.js'
import {sq} from './ssh-target.js'
import type {RemoteNodeConfig} from './remote-layout.js'

export const MIN_NODE_MAJOR = 20

export interface HostBasics {
  uid: number
  home: string
  /** Absolute path of `node` on the login PATH, or undefined. */
  nodeBin?: string
}

export async function hostBasics(session: SshSession): Promise<HostBasics> {
  const r = await session.sh(
    'echo "confctl-uid=$(id -u 2>/dev/null)"; echo "confctl-home=$HOME"; echo "confctl-node=$(command -v node 2>/dev/null)"',
    {timeoutMs: 30_000},
  )
  const get = (k: string) => new RegExp(`^confctl-${k}=(.*)$`, 'm').exec(r.stdout)?.[1]?.trim() ?? ''
  if (!r.stdout.includes('confctl-uid=')) {
    throw new UnreachableError(
      `${session.label} did not run a shell command (exit ${r.code}): ${firstLine(r.stderr) || 'no output'}.`,
    )
  }
  const nodeBin = get('node')
  return {uid: Number(get('uid') || -1), home: get('home'), nodeBin: nodeBin.startsWith('/') ? nodeBin : undefined}
}

export function requireNode(session: SshSession, basics: HostBasics): string {
  if (!basics.nodeBin) {
    throw new UnreachableError(
      `${session.label} has no Node.js: \`node\` is not on the login PATH there; install Node.js ${MIN_NODE_MAJOR} or later on that host.`,
    )
  }
  return basics.nodeBin
}

export interface PortProbe {
  host: string
  port: number
}

export interface HostFacts {
  nodeVersion: string
  freeBytes?: number
  diskPath: string
  systemd: boolean
  config?: RemoteNodeConfig
  busyPorts: (PortProbe & {code: string})[]
}

// Plain ES5 on purpose: an old Node.js must still run it, to be told it is too old.
const CHECK_JS = `
var fs = require('fs'), net = require('net'), path = require('path');
var a = JSON.parse(process.argv[1]);
var r = {nodeVersion: process.version, systemd: fs.existsSync('/run/systemd/system'), busyPorts: []};
var p = a.dir; while (!fs.existsSync(p) && p !== path.dirname(p)) p = path.dirname(p);
r.diskPath = p;
if (fs.statfsSync) { var s = fs.statfsSync(p); r.freeBytes = s.bavail * s.bsize; }
try { r.config = JSON.parse(fs.readFileSync(path.join(a.dir, 'config.json'), 'utf8')); } catch (e) {}
var left = a.ports.length;
function done() { if (--left <= 0) console.log('confctl-facts=' + JSON.stringify(r)); }
if (!left) { left = 1; done(); }
a.ports.forEach(function (x) {
  var srv = net.createServer();
  srv.once('error', function (e) { r.busyPorts.push({host: x.host, port: x.port, code: e.code}); done(); });
  srv.listen(x.port, x.host, function () { srv.close(done); });
});
`

export async function hostFacts(
  session: SshSession,
  nodeBin: string,
  dir: string,
  ports: PortProbe[],
): Promise<HostFacts> {
  const r = await session.sh(`exec ${sq(nodeBin)} -e ${sq(CHECK_JS)} ${sq(JSON.stringify({dir, ports}))}`, {
    timeoutMs: 30_000,
  })
  const m = /^confctl-facts=(.*)$/m.exec(r.stdout)
  if (!m) {
    throw new UnreachableError(
      `${session.label} could not run its checks with ${nodeBin} (exit ${r.code}): ${firstLine(r.stderr) || 'no output'}.`,
    )
  }
  return JSON.parse(m[1]!) as HostFacts
}

export function requireNodeVersion(session: SshSession, nodeBin: string, version: string): void {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1] ?? 0)
  if (major < MIN_NODE_MAJOR) {
    throw new UnreachableError(
      `${session.label} has Node.js ${version} at ${nodeBin}; the node bundle needs Node.js ${MIN_NODE_MAJOR} or later there.`,
    )
  }
}

export function requireDisk(session: SshSession, facts: HostFacts, needBytes: number): void {
  if (facts.freeBytes !== undefined && facts.freeBytes < needBytes) {
    throw new UnreachableError(
      `${session.label} has only ${mib(facts.freeBytes)} free on ${facts.diskPath}; the node needs at least ${mib(needBytes)} there for its bundle and data.`,
    )
  }
}

export function mib(bytes: number): string {
  return bytes >= 1024 ** 4 ? `${(bytes / 1024 ** 4).toFixed(1)} TiB` : `${Math.floor(bytes / 1024 / 1024)} MiB`
}

export function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !/^\/usr\/bin\/env: /.test(l))[0] ?? ''
  ).replace(/\.$/, '')
}
