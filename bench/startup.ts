// npm run bench:startup — wall time of `confctl --version` (process start, oclif loading the
// manifest, printing), 3 warm-up runs then 20 measured; prints median, p95 and min.
import {execFileSync} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import {nearestRank} from '../src/qoe/percentiles.js'

const bin = fileURLToPath(new URL('../../bin/run.js', import.meta.url))
const run = () => {
  const t0 = performance.now()
  execFileSync(process.execPath, [bin, '--version'], {stdio: 'ignore'})
  return performance.now() - t0
}
for (let i = 0; i < 3; i++) run()
const times = Array.from({length: 20}, run).sort((a, b) => a - b)
const f = (n: number) => `${n.toFixed(0)} ms`
console.log(
  `confctl --version: median ${f(nearestRank(times, 50))}, p95 ${f(nearestRank(times, 95))}, min ${f(times[0]!)} (20 runs)`,
)
