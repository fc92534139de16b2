// Running the built CLI (bin/run.js -> dist/ + oclif.manifest.json) as a user would, with
// an isolated $CONFCTL_HOME, and cleaning up any node process a test started.
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {execa, type Options} from 'execa'
import {rtcPortSlot} from '../helpers/rtc-port-slots.js'

export const root = fileURLToPath(new URL('../../../', import.meta.url)) // dist/test/commands -> repo
export const bin = join(root, 'bin', 'run.js')

export interface CliResult {
  exitCode: number
  stdout: string
  stderr: string
}

export async function cli(home: string, args: string[], opts: Options = {}): Promise<CliResult> {
  const r = await execa(process.execPath, [bin, ...args], {
    cwd: root,
    reject: false,
    timeout: 60_000,
    env: {CONFCTL_HOME: home, FORCE_COLOR: '0', NO_COLOR: '1'},
    ...opts,
  })
  return {exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr)}
}

/** Live (non-zombie) processes whose command line mentions `path`. */
export function processesMentioning(path: string): number[] {
  const out: number[] = []
  for (const p of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    if (Number(p) === process.pid) continue
    try {
      const cmdline = readFileSync(`/proc/${p}/cmdline`, 'utf8')
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8')
      if (cmdline.includes(path) && !/\) [ZX] /.test(stat)) out.push(Number(p))
    } catch {}
  }
  return out
}

export function killAll(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {}
  }
}

/** A 100-port UDP range no other test process holds (see rtc-port-slots.ts). */
export function randomRtcRange(): string {
  return rtcPortSlot()
}
