// Runs every compiled uvu test file (dist/test/**/*.test.js) in its own Node.js process,
// so a native WebRTC client or a child node left behind by one file cannot stall the next,
// then prints the closing line `N passed, N failed` that CI reads.
// Usage: node scripts/run-tests.js [substring ...]   (only files whose path contains one)
import {spawn} from 'node:child_process'
import {readdirSync, statSync} from 'node:fs'
import {join, relative} from 'node:path'

const root = new URL('..', import.meta.url).pathname
const testDir = join(root, 'dist', 'test')
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

function runFile(file) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--enable-source-maps', file], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {...process.env, FORCE_COLOR: '0'},
    })
    let output = ''
    let finishedAt = 0
    const onData = (chunk) => {
      const text = chunk.toString()
      output += text
      process.stdout.write(text)
      // uvu prints "Duration:" last; a file whose handles keep it alive afterwards is ended.
      if (!finishedAt && /Duration:/.test(output)) {
        finishedAt = Date.now()
        setTimeout(() => child.kill('SIGKILL'), 5000).unref()
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', (c) => process.stderr.write(c))
    const timer = setTimeout(() => {
      output += '\n(test file timed out)\n'
      child.kill('SIGKILL')
    }, FILE_TIMEOUT_MS)
    child.on('exit', (code) => {
      clearTimeout(timer)
      const num = (label) => Number((output.match(new RegExp(`${label}:\\s+(\\d+)`)) ?? [])[1] ?? 0)
      const total = num('Total')
      const passed = num('Passed')
      const skipped = num('Skipped')
      let failed = Math.max(0, total - passed - skipped)
      // A file that crashed before or during its suites counts as one failure.
      if (failed === 0 && (!finishedAt || (code !== 0 && code !== null))) failed = 1
      resolve({passed, failed, skipped})
    })
  })
}

const filters = process.argv.slice(2)
const files = findTests(testDir).filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
if (files.length === 0) {
  console.error('run-tests: no test files found (did the build run?)')
  process.exit(1)
}
let passed = 0
let failed = 0
let skipped = 0
const failedFiles = []
for (const file of files) {
  console.log(`\n# ${relative(root, file)}`)
  const r = await runFile(file)
  passed += r.passed
  failed += r.failed
  skipped += r.skipped
  if (r.failed) failedFiles.push(relative(root, file))
}
if (failedFiles.length) console.log(`\nfailed files:\n  ${failedFiles.join('\n  ')}`)
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
process.exit(failed ? 1 : 0)
