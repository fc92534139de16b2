// test-kind: serial (four libwebrtc peers judged by the smoke's default jitter and frame limits)
// End to end: real synthetic WebRTC clients (libwebrtc via @roamhq/wrtc) against a real,
// throwaway SFU node (dist/src/sfu/main.js), through the library and through the built CLI.
// The healthy outcome: runs with the smoke's default thresholds pass and exit 0. The failure
// paths (a dropped publisher, bad flags, no node) are in smoke-failures-cli.test.ts, which needs
// no quiet machine.
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {execa} from 'execa'
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {cli as runCli, root} from './helpers.js'
import {runSmoke} from '../../src/client/smoke.js'
import type {SmokeReport} from '../../src/client/smoke-report.js'

const home = mkdtempSync(join(tmpdir(), 'confctl-smoke-test-'))
/** The built CLI with this file's $CONFCTL_HOME, and more room than the helper's 60 s for a smoke. */
const cli = (args: string[]) => runCli(home, args, {timeout: 90_000})

test('runSmoke: 2 publishers x 2 subscribers for 8 s on a throwaway node all pass', async () => {
  const progress: string[] = []
  const r = await runSmoke({publishers: 2, subscribers: 2, durationSeconds: 8, onProgress: (m) => progress.push(m)})
  const summary = r.streams.map(
    (s) =>
      `${s.subscriber}<-${s.publisher} ${s.kind}: ${s.packetsReceived} pkts, ${s.lossPercent}% lost, ${s.jitterMs} ms jitter ${s.failures.join('; ')}`,
  )
  console.log(summary.join('\n'))
  assert.ok(r.passed, summary.join('\n'))
  assert.match(r.room, /^smoke-[0-9a-f]{8}$/)
  assert.equal(r.thresholds, {maxLossPercent: 1, maxJitterMs: 30})
  assert.is(r.durationSeconds, 8)
  assert.is(r.streams.length, 2 * 2 * 2) // subscribers x publishers x {audio, video}
  for (const sub of ['smoke-sub-1', 'smoke-sub-2']) {
    for (const pub of ['smoke-pub-1', 'smoke-pub-2']) {
      const video = r.streams.find((s) => s.subscriber === sub && s.publisher === pub && s.kind === 'video')!
      const audio = r.streams.find((s) => s.subscriber === sub && s.publisher === pub && s.kind === 'audio')!
      assert.is(video.codec, 'VP8')
      assert.is(audio.codec, 'opus')
      assert.ok(video.framesDecoded! > 8 * 5, `${sub}<-${pub} decoded only ${video.framesDecoded} frames`)
      assert.ok(audio.samplesReceived! > 48_000 * 4, `${sub}<-${pub} received only ${audio.samplesReceived} samples`)
      for (const s of [audio, video]) {
        assert.ok(s.packetsReceived > 100, `${s.kind}: ${s.packetsReceived} packets`)
        assert.ok(s.lossPercent < 1, `${s.kind}: ${s.lossPercent}% lost`)
        assert.ok(
          s.timeToFirstFrameMs! > 0 && s.timeToFirstFrameMs! < 8000,
          `${s.kind}: first frame after ${s.timeToFirstFrameMs} ms`,
        )
      }
    }
  }
  assert.ok(progress.some((m) => /throwaway/.test(m)))
})

test('CLI: smoke --json exits 0 with only the report on stdout', async () => {
  const junit = join(home, 'smoke.xml')
  const r = await cli(['smoke', '--json', '--duration', '5s', '--junit', junit]) // a duration like every other
  assert.is(r.exitCode, 0, `exit ${r.exitCode}: ${r.stderr}`)
  const report = JSON.parse(String(r.stdout)) as SmokeReport
  assert.is(report.passed, true)
  assert.is(report.durationSeconds, 5)
  assert.equal(Object.keys(report), ['passed', 'node', 'room', 'durationSeconds', 'thresholds', 'streams'])
  assert.is(report.streams.length, 4) // 2 publishers x 1 subscriber x {audio, video}
  assert.is(String(r.stderr), '') // no progress: not a TTY, and --json
  const xml = readFileSync(junit, 'utf8')
  assert.is(xml.match(/<testcase /g)?.length, 4)
  assert.not.match(xml, /<failure/)
})

test('library: a process that ran runSmoke exits by itself, cleanly (no native crash, no hang)', async () => {
  const script = `import {runSmoke} from ${JSON.stringify(join(root, 'dist/src/client/smoke.js'))}
const r = await runSmoke({publishers: 1, subscribers: 1, durationSeconds: 2})
console.log(r.passed ? 'passed' : 'failed')`
  const started = Date.now()
  const r = await execa(process.execPath, ['--input-type=module', '-e', script], {
    cwd: root,
    reject: false,
    timeout: 60_000,
  })
  assert.is(r.signal, undefined, `killed by ${r.signal}: ${r.stderr}`)
  assert.is(r.exitCode, 0, String(r.stderr))
  assert.is(String(r.stdout).trim(), 'passed')
  assert.ok(Date.now() - started < 30_000)
})

test.after(() => rmSync(home, {recursive: true, force: true}))

test.run()
