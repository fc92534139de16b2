// A throwaway network namespace joined to the host by a veth pair, for tests that impair
// one leg of a call. Only addresses of this pair are used (10.231.<n>.1 on the host side,
// .2 inside); nothing leaves the machine. Needs root, iproute2 and nftables (.ci/run
// installs nftables).
import {execFileSync} from 'node:child_process'

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

const run = (cmd: string, args: string[]) => execFileSync(cmd, args, {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']})

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
