// npm run bench:startup — wall time of a command from process start to exit: `confctl
// --version` (oclif loading the generated manifest, printing) and two everyday commands on an
// empty $CONFCTL_HOME, `node list` and `dsar list`, which load their domain modules but reach
// no node and no store. 3 warm-up runs then 20 measured each; prints median, p95 and min.
import {execFileSync} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {nearestRank} from '../src/qoe/percentiles.js'

const bin = fileURLToPath(new URL('../../bin/run.js', import.meta.url))
const home = mkdtempSync(join(tmpdir(), 'confctl-bench-startup-'))
const env = {...process.env, CONFCTL_HOME: home}
const f = (n: number) => `${n.toFixed(0)} ms`

try {
  for (const args of [['--version'], ['node', 'list'], ['dsar', 'list']]) {
    const run = () => {
      const t0 = performance.now()
      execFileSync(process.execPath, [bin, ...args], {stdio: 'ignore', env})
      return performance.now() - t0
    }
    for (let i = 0; i < 3; i++) run()
    const times = Array.from({length: 20}, run).sort((a, b) => a - b)
    console.log(
      `confctl ${args.join(' ')}: median ${f(nearestRank(times, 50))}, p95 ${f(nearestRank(times, 95))}, min ${f(times[0]!)} (20 runs)`,
    )
  }
} finally {
  rmSync(home, {recursive: true, force: true})
}
