// Runs a test file inside an isolated network namespace of its own (netns.ts), so that
// everything the file starts — the node, real browsers, GStreamer — sends its packets, mDNS
// multicast included, only inside it. The file's first statement is
//   const NS_IP = await insideIsolatedNetns(import.meta.url)
// Outside the namespace this creates it, runs the same file in it (`ip netns exec`), passes
// its output through, then kills whatever is still inside (by pid), deletes the namespace and
// exits with the file's code: it never returns. Inside, it returns the namespace's address,
// after starting the namespace's only DNS server (dns-sink.ts).
import {spawn} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import {startDnsSink, type DnsSink} from './dns-sink.js'
import {createIsolatedNetns, escapedPackets, removeStaleIsolatedNetns} from './netns.js'

const ENV = 'CONFCTL_ISOLATED_NETNS_IP'
/** Hard bound of one file, below run-tests.js's 10 minutes, so that we clean up, not it. */
const FILE_DEADLINE_MS = 8 * 60 * 1000
/** uvu prints "Duration:" when done; a file still alive this long afterwards is ended. */
const LINGER_MS = 3000

let dns: DnsSink | undefined

export async function insideIsolatedNetns(fileUrl: string): Promise<string> {
  const inside = process.env[ENV]
  if (inside) {
    dns = await startDnsSink(inside)
    return inside
  }
  removeStaleIsolatedNetns()
  const ns = createIsolatedNetns()
  const child = spawn(
    'ip',
    ['netns', 'exec', ns.name, process.execPath, '--enable-source-maps', fileURLToPath(fileUrl)],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {...process.env, [ENV]: ns.ip},
    },
  )
  let output = ''
  let finished = false
  child.stdout!.on('data', (chunk: Buffer) => {
    process.stdout.write(chunk)
    output += chunk
    if (!finished && output.includes('Duration:')) {
      finished = true
      setTimeout(() => child.kill('SIGKILL'), LINGER_MS).unref()
    }
  })
  child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(chunk))
  const deadline = setTimeout(() => {
    process.stdout.write(`\n(${fileURLToPath(fileUrl)} ran past ${FILE_DEADLINE_MS / 60000} minutes: ended)\n`)
    child.kill('SIGKILL')
  }, FILE_DEADLINE_MS)
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => child.kill('SIGKILL'))
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)))
  clearTimeout(deadline)
  // Browsers' helper processes (GPU, zygote, content) may outlive their parent: gone with ns.
  ns.destroy()
  // Ended by us after uvu's summary: the summary decides.
  process.exit(code ?? (finished && allPassed(output) ? 0 : 1))
}

function allPassed(output: string): boolean {
  const count = (label: string) => Number(output.match(new RegExp(`${label}:\\s+(\\d+)`))?.[1] ?? -1)
  return count('Total') >= 0 && count('Total') === count('Passed') + Math.max(0, count('Skipped'))
}

/** Inside: what anything in the namespace tried beyond it — names looked up (dns-sink.ts) and
 *  unicast packets to outside addresses (netns.ts's fence). Both should stay empty. */
export function reachedBeyond(): {lookups: string[]; packets: string[]} {
  return {lookups: [...(dns?.names ?? [])], packets: escapedPackets()}
}
