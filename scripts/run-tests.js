// Runs the compiled uvu test files (dist/test/**/*.test.js), each in its own Node.js process
// (a native WebRTC client or a child node left behind by one file cannot stall the next),
// several at a time, then prints the closing line `N passed, N failed` that CI reads.
//
// Each test file says what kind it is in a comment near its top, `// test-kind: KIND`:
//   unit      pure or in-process: runs with up to --jobs files at once (default: 2 x CPUs);
//   e2e       starts processes, servers or real stores: at most --e2e files at once (default 3);
//   per-core  judges time under its own load (browsers, floods, killed nodes): runs after
//             the unit and e2e files, at most --per-core at once (default: one per CPU core).
//             Measured alone (busy CPU time over wall time, /proc/stat),
//             each keeps 0.4 to 1.1 cores busy, so with one per core each still has about a
//             core of its own;
//   serial    needs the whole machine (the smoke's four libwebrtc peers judged by frame counts
//             and jitter; loss ratios on a shaped link): runs last, alone.
// A per-core file may add the word `flood` (it floods a node with packets and keeps a core at
// 100 %): two floods never run at once (side by side, both nodes fell behind: frames decoded
// and /healthz probes late).
// A file without the comment counts as e2e. Files run longest first, which shortens the whole
// run: by the durations of this checkout's last run (dist/test-durations.json), else by those
// committed in test/durations.json (a fresh clone in CI has no dist/ yet; refresh it with
// `cp dist/test-durations.json test/durations.json` after a whole run when files were added).
//
// Usage: node scripts/run-tests.js [--unit] [--jobs N] [--e2e N] [--per-core N] [substring ...]
//   --unit      only unit files (npm run test:unit)
//   substring   only files whose path contains one of them
import {spawn} from 'node:child_process'
import {existsSync, readFileSync, readdirSync, statSync, writeFileSync} from 'node:fs'
import {availableParallelism} from 'node:os'
import {join, relative} from 'node:path'

const root = new URL('..', import.meta.url).pathname
const testDir = join(root, 'dist', 'test')
const durationsFile = join(root, 'dist', 'test-durations.json')
const committedDurations = join(root, 'test', 'durations.json')
const FILE_TIMEOUT_MS = 10 * 60 * 1000

function findTests(dir) {
  const out = []
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name)
    if (statSync(full).isDirectory()) out.push(...findTests(full))
    else if (name.endsWith('.test.js')) out.push(full)
  }
  return out
}

/** The file's kind, and whether its kind line says `flood`. */
function kindOf(file) {
  const head = readFileSync(file, 'utf8').slice(0, 4000)
  const m = head.match(/\/\/ test-kind: (unit|e2e|per-core|serial)(?: (flood))?(?![\w-])/)
  return m ? {kind: m[1], flood: m[2] === 'flood'} : {kind: 'e2e', flood: false}
}

function parseArgs(argv) {
  /** @type {{unitOnly: boolean, jobs: number, e2e: number, perCore: number, filters: string[]}} */
  const opts = {unitOnly: false, jobs: 2 * availableParallelism(), e2e: 3, perCore: availableParallelism(), filters: []}
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--unit') opts.unitOnly = true
    else if (a === '--jobs' || a === '--e2e' || a === '--per-core') {
      const n = Number(argv[++i])
      if (!Number.isInteger(n) || n < 1) {
        console.error(`run-tests: ${a} needs a whole number of at least 1, not '${argv[i]}'`)
        process.exit(2)
      }
      opts[a === '--jobs' ? 'jobs' : a === '--e2e' ? 'e2e' : 'perCore'] = n
    } else opts.filters.push(a)
  }
  return opts
}

/** Runs one file; resolves with its counts and its whole output (printed by the caller, so the
 *  output of files running at the same time is not interleaved). */
function runFile(file) {
  return new Promise((resolve) => {
    const started = Date.now()
    const child = spawn(process.execPath, ['--enable-source-maps', file], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {...process.env, FORCE_COLOR: '0'},
    })
    let output = ''
    let stdout = ''
    let finishedAt = 0
    child.stdout.on('data', (chunk) => {
      const text = chunk.toString()
      output += text
      stdout += text
      // uvu prints "Duration:" last; a file whose handles keep it alive afterwards is ended.
      if (!finishedAt && /Duration:/.test(stdout)) {
        finishedAt = Date.now()
        setTimeout(() => child.kill('SIGKILL'), 5000).unref()
      }
    })
    child.stderr.on('data', (c) => (output += c.toString()))
    const timer = setTimeout(() => {
      output += '\n(test file timed out)\n'
      child.kill('SIGKILL')
    }, FILE_TIMEOUT_MS)
    child.on('exit', (code) => {
      clearTimeout(timer)
      const num = (label) => Number((stdout.match(new RegExp(`${label}:\\s+(\\d+)`)) ?? [])[1] ?? 0)
      const total = num('Total')
      const passed = num('Passed')
      const skipped = num('Skipped')
      let failed = Math.max(0, total - passed - skipped)
      // A file that crashed before or during its suites counts as one failure.
      if (failed === 0 && (!finishedAt || (code !== 0 && code !== null))) failed = 1
      resolve({passed, failed, skipped, output, ms: Date.now() - started})
    })
  })
}

const opts = parseArgs(process.argv.slice(2))
if (!existsSync(testDir)) {
  console.error('run-tests: dist/test does not exist (did the build run?)')
  process.exit(1)
}
const files = findTests(testDir)
  .filter((f) => opts.filters.length === 0 || opts.filters.some((s) => f.includes(s)))
  .map((file) => ({file, name: relative(root, file), ...kindOf(file)}))
  .filter((f) => !opts.unitOnly || f.kind === 'unit')
if (files.length === 0) {
  console.error('run-tests: no test files found (did the build run?)')
  process.exit(1)
}
const readDurations = (file) => (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {})
const previous = {...readDurations(committedDurations), ...readDurations(durationsFile)}
const byLength = (a, b) => (previous[b.name] ?? 0) - (previous[a.name] ?? 0)

const totals = {passed: 0, failed: 0, skipped: 0}
const failedFiles = []
const durations = {...previous}
const report = (f, r) => {
  process.stdout.write(`\n# ${f.name} (${f.kind}, ${(r.ms / 1000).toFixed(1)} s)\n${r.output}`)
  totals.passed += r.passed
  totals.failed += r.failed
  totals.skipped += r.skipped
  durations[f.name] = r.ms
  if (r.failed) failedFiles.push(f.name)
}

/** Runs `list` with at most `jobs` files at once, at most `e2eJobs` of them e2e, and never two
 *  floods at once. */
async function pool(list, jobs, e2eJobs) {
  const waiting = list.slice()
  let running = 0
  let runningE2e = 0
  let runningFloods = 0
  await /** @type {Promise<void>} */ (
    new Promise((done) => {
      const next = () => {
        if (waiting.length === 0 && running === 0) return done()
        while (running < jobs) {
          const i = waiting.findIndex(
            (f) => (f.kind !== 'e2e' || runningE2e < e2eJobs) && !(f.flood && runningFloods > 0),
          )
          if (i < 0) break
          const [f] = waiting.splice(i, 1)
          running++
          if (f.kind === 'e2e') runningE2e++
          if (f.flood) runningFloods++
          runFile(f.file).then((r) => {
            running--
            if (f.kind === 'e2e') runningE2e--
            if (f.flood) runningFloods--
            report(f, r)
            next()
          })
        }
      }
      next()
    })
  )
}

const started = Date.now()
const ofKind = (...kinds) => files.filter((f) => kinds.includes(f.kind)).sort(byLength)
await pool(ofKind('unit', 'e2e'), opts.jobs, opts.e2e)
await pool(ofKind('per-core'), opts.perCore, opts.perCore)
await pool(ofKind('serial'), 1, 1)
writeFileSync(durationsFile, JSON.stringify(durations, null, 1))

if (failedFiles.length) console.log(`\nfailed files:\n  ${failedFiles.join('\n  ')}`)
const wall = ((Date.now() - started) / 1000).toFixed(0)
console.log(`\n${files.length} files in ${wall} s`)
console.log(`\n${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`)
process.exit(totals.failed ? 1 : 0)
