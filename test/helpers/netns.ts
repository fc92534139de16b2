// Throwaway network namespaces for tests, in two shapes:
//   - createNetns(): joined to the host by a veth pair, for tests that impair one leg of a
//     call. Only addresses of this pair are used (10.231.<n>.1 on the host side, .2 inside).
//   - createIsolatedNetns(): joined to nothing, for tests whose clients (real browsers) send
//     packets we do not control, mDNS multicast included: everything runs inside it.
// Nothing leaves the machine. Needs root, iproute2 and nftables (.ci/run installs nftables).
import {execFileSync} from 'node:child_process'
import {mkdirSync, rmSync, writeFileSync} from 'node:fs'

export interface Netns {
  name: string
  hostIp: string
  nsIp: string
  /** Drops `percent` % of UDP packets arriving in (input) or leaving (output) the namespace,
   *  with nftables' numgen: the only impairment this kernel offers (no netem). */
  dropUdp(percent: number, hook: 'input' | 'output'): void
  exec(args: string[]): string
  destroy(): void
}

const run = (cmd: string, args: string[]) =>
  execFileSync(cmd, args, {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']})

export function createNetns(): Netns {
  const id = process.pid % 200
  const name = `cctest${process.pid}`
  const hostIf = `cch${process.pid % 100000}`
  const nsIf = `ccn${process.pid % 100000}`
  const hostIp = `10.231.${id}.1`
  const nsIp = `10.231.${id}.2`
  run('ip', ['netns', 'add', name])
  try {
    run('ip', ['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf])
    run('ip', ['link', 'set', nsIf, 'netns', name])
    run('ip', ['addr', 'add', `${hostIp}/30`, 'dev', hostIf])
    run('ip', ['link', 'set', hostIf, 'up'])
    run('ip', ['netns', 'exec', name, 'ip', 'addr', 'add', `${nsIp}/30`, 'dev', nsIf])
    run('ip', ['netns', 'exec', name, 'ip', 'link', 'set', nsIf, 'up'])
    run('ip', ['netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up'])
  } catch (err) {
    run('ip', ['netns', 'del', name])
    throw err
  }
  return {
    name,
    hostIp,
    nsIp,
    dropUdp(percent: number, hook: 'input' | 'output') {
      const script = [
        'table inet confctl_impair {',
        `  chain ${hook} {`,
        `    type filter hook ${hook} priority 0; policy accept;`,
        `    meta l4proto udp numgen random mod 100 < ${percent} drop`,
        '  }',
        '}',
      ].join('\n')
      execFileSync('ip', ['netns', 'exec', name, 'nft', '-f', '-'], {input: script})
    },
    exec(args: string[]) {
      return run('ip', ['netns', 'exec', name, ...args])
    },
    destroy() {
      try {
        run('ip', ['link', 'del', hostIf])
      } catch {
        /* gone with the namespace already */
      }
      run('ip', ['netns', 'del', name])
    },
  }
}

export interface IsolatedNetns {
  name: string
  /** The one non-loopback IPv4 address inside the namespace. */
  ip: string
  /** Ids of the processes still inside the namespace. */
  pids(): number[]
  destroy(): void
}

export const ISOLATED_NETNS_PREFIX = 'ccbr'
export const ISOLATED_IP = '10.233.0.1'

// Counts (and drops) what tries to leave the namespace's own network: any unicast packet to
// an address other than ISOLATED_IP's /24 or loopback lands in @escaped. Multicast (mDNS,
// IGMP, SSDP) has link scope: it stays on the namespace's link by construction.
const FENCE = `table inet confctl_fence {
  set escaped { type ipv4_addr . inet_proto . inet_service; flags dynamic; size 1024; }
  chain output {
    type filter hook output priority 0; policy accept;
    ip daddr { 10.233.0.0/24, 127.0.0.0/8, 224.0.0.0/4 } accept
    meta l4proto udp add @escaped { ip daddr . meta l4proto . udp dport } drop
    meta l4proto tcp add @escaped { ip daddr . meta l4proto . tcp dport } drop
    meta nfproto ipv4 add @escaped { ip daddr . meta l4proto . 0 } drop
  }
}
`

/** Called from inside an isolated namespace: "address proto port" of every packet that tried
 *  to leave its network (see FENCE), e.g. a DNS lookup or a packet to a public STUN server. */
export function escapedPackets(): string[] {
  const out = JSON.parse(run('nft', ['-j', 'list', 'set', 'inet', 'confctl_fence', 'escaped'])) as {
    nftables: Array<{set?: {elem?: Array<{concat: unknown[]}>}}>
  }
  const set = out.nftables.find((x) => x.set)?.set
  return (set?.elem ?? []).map((e) => (e as {concat?: unknown[]}).concat?.join(' ') ?? JSON.stringify(e))
}

/**
 * A namespace with `lo` and a veth pair whose BOTH ends stay inside it (this kernel has no
 * dummy interface): one end carries ISOLATED_IP and the default route, so a browser sees an
 * ordinary host with one network, and whatever it sends off that network dies at the other
 * end. IPv6 is off on the pair, so link-local addresses add no candidates.
 */
export function createIsolatedNetns(): IsolatedNetns {
  const name = `${ISOLATED_NETNS_PREFIX}${process.pid}`
  const inNs = (args: string[]) => run('ip', ['netns', 'exec', name, ...args])
  run('ip', ['netns', 'add', name])
  // `ip netns exec` mounts this over /etc/resolv.conf: lookups go to the test's dns-sink.ts.
  mkdirSync(`/etc/netns/${name}`, {recursive: true})
  writeFileSync(`/etc/netns/${name}/resolv.conf`, `nameserver ${ISOLATED_IP}\noptions timeout:1 attempts:1\n`)
  try {
    inNs(['ip', 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'sink0'])
    for (const dev of ['eth0', 'sink0']) inNs(['sysctl', '-q', '-w', `net.ipv6.conf.${dev}.disable_ipv6=1`])
    inNs(['ip', 'addr', 'add', `${ISOLATED_IP}/24`, 'dev', 'eth0'])
    for (const dev of ['eth0', 'sink0', 'lo']) inNs(['ip', 'link', 'set', dev, 'up'])
    inNs(['ip', 'route', 'add', 'default', 'dev', 'eth0'])
    execFileSync('ip', ['netns', 'exec', name, 'nft', '-f', '-'], {input: FENCE})
  } catch (err) {
    removeIsolated(name)
    throw err
  }
  const pids = () => netnsPids(name)
  return {
    name,
    ip: ISOLATED_IP,
    pids,
    destroy() {
      for (const pid of pids()) killPid(pid)
      removeIsolated(name)
    },
  }
}

/** Removes isolated namespaces whose creating test process is gone (killed from outside),
 *  with the processes left inside them. */
export function removeStaleIsolatedNetns(): void {
  const names = run('ip', ['netns', 'list'])
    .split('\n')
    .map((l) => l.split(' ')[0]!)
  for (const name of names) {
    const pid = Number(name.slice(ISOLATED_NETNS_PREFIX.length))
    if (!name.startsWith(ISOLATED_NETNS_PREFIX) || !Number.isInteger(pid) || pidAlive(pid)) continue
    for (const inside of netnsPids(name)) killPid(inside)
    removeIsolated(name)
  }
}

function removeIsolated(name: string): void {
  run('ip', ['netns', 'del', name])
  rmSync(`/etc/netns/${name}`, {recursive: true, force: true})
}

function netnsPids(name: string): number[] {
  try {
    return run('ip', ['netns', 'pids', name]).split('\n').filter(Boolean).map(Number)
  } catch {
    return []
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

function killPid(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL')
  } catch {
    /* exited meanwhile */
  }
}
