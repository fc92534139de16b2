// Is a pid (from a pidfile) still a live process, and is it still *our* node? Pidfiles
// outlive crashes and reboots, and the OS reuses pids, so "kill -0 works" alone is not
// proof: on Linux we also check /proc for zombies and for the node's --dir argument.
import {readFileSync} from 'node:fs'

export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
  } catch (err) {
    // EPERM: it exists but belongs to someone else; still alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
  // A zombie (exited, not yet reaped by its parent) answers kill -0 but is gone.
  const stat = readProc(pid, 'stat')
  if (stat) {
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3)
    if (state === 'Z' || state === 'X') return false
  }
  return true
}

/** Alive and, where /proc exists, started with `--dir <dir>` (i.e. not a recycled pid). */
export function isNodeProcess(pid: number, dir: string): boolean {
  if (!isProcessAlive(pid)) return false
  const cmdline = readProc(pid, 'cmdline')
  if (cmdline === undefined) return true // no /proc (macOS) or not readable: trust kill -0
  const args = cmdline.split('\0')
  const i = args.indexOf('--dir')
  return i !== -1 && args[i + 1] === dir
}

function readProc(pid: number, file: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8')
  } catch {
    return undefined
  }
}
