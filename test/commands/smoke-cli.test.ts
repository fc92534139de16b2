// test-kind: serial (the smoke's default quality thresholds: jitter rises on a busy machine)
// End to end: real synthetic WebRTC clients (libwebrtc via @roamhq/wrtc) against a real,
// throwaway SFU node (dist/src/sfu/main.js), through the library and through the built CLI.
// Both outcomes are forced: a healthy run must exit 0, and a run whose publisher the node drops
// mid-call (an admin kick) must exit 1 naming the streams that failed.
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {execa} from 'execa'
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import type {KickResponse, RoomDetail, RoomSummary} from '../../src/api/node-api.js'
import {runSmoke} from '../../src/client/smoke.js'
import type {SmokeReport} from '../../src/client/smoke-report.js'
import {startTestNode} from '../helpers/sfu-process.js'
import {until} from '../helpers/until.js'
import {rtcPortSlot} from '../helpers/rtc-port-slots.js'

const root = fileURLToPath(new URL('../../../', import.meta.url)) // dist/test/commands -> repo
const bin = join(root, 'bin', 'run.js')
const home = mkdtempSync(join(tmpdir(), 'confctl-smoke-test-'))

const cli = (args: string[]) =>
  execa(process.execPath, [bin, ...args], {
    cwd: root,
    reject: false,
    timeout: 90_000,
    env: {CONFCTL_HOME: home, FORCE_COLOR: '0', NO_COLOR: '1'},
  })

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
  assert.is(r.exitCode, 0, `exit ${r.exitCode} (${r.signal ?? 'no signal'}): ${r.stderr}`)
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

test('CLI: a node that drops the publisher mid-call fails the check: the report names the streams, exit 1', async () => {
  const node = await startTestNode([], rtcPortSlot(100))
  try {
    const tokenFile = join(node.dir, 'smoke-admin.token')
    writeFileSync(tokenFile, node.adminToken)
    const admin = async <T>(path: string, method = 'GET'): Promise<T> => {
      const res = await fetch(`${node.state.adminUrl}${path}`, {
        method,
        headers: {authorization: `Bearer ${node.adminToken}`},
      })
      return (await res.json()) as T
    }
    let ended = false
    const run = cli([
      'smoke',
      '--duration',
      '8s',
      '--publishers',
      '1',
      '--subscribers',
      '1',
      '--url',
      node.state.adminUrl,
      '--admin-token-file',
      tokenFile,
    ]).finally(() => (ended = true))
    // Once media reaches the subscriber, the node drops the publisher (an admin kick).
    const room = await until(
      'media forwarded to the smoke subscriber',
      async () => {
        if (ended) throw new Error('smoke ended before media flowed')
        const r = (await admin<{rooms: RoomSummary[]}>('/v1/rooms')).rooms.find(
          (x) => x.name.startsWith('smoke-') && x.subscribers >= 1,
        )
        if (!r) return false
        const detail = await admin<RoomDetail>(`/v1/rooms/${r.name}`)
        const sub = detail.participantsList?.find((p) => p.role === 'subscriber')
        return sub?.streams.some((s) => s.packets > 0) && detail
      },
      60_000,
      100,
    )
    const publisher = room.participantsList.find((p) => p.role === 'publisher')!
    assert.equal((await admin<KickResponse>(`/v1/rooms/${room.name}/participants/${publisher.id}`, 'DELETE')).kicked, [
      publisher.id,
    ])
    const r = await run
    assert.is(r.exitCode, 1, `exit ${r.exitCode}: ${r.stderr}\n${r.stdout}`)
    assert.match(String(r.stderr), /^confctl: smoke check failed: 2 of 2 streams on node 'test' missed the thresholds/)
    const out = String(r.stdout)
    for (const kind of ['audio', 'video'])
      assert.match(out, new RegExp(`^smoke-sub-1 <- smoke-pub-1 ${kind}: .*not connected`, 'm'), out)
    assert.match(out, /^FAIL: 2 of 2 streams failed$/m)
  } finally {
    await node.stop()
  }
})

test('CLI: bad flags exit 2 with one sentence, before any node is started', async () => {
  for (const [args, fragment] of [
    [['--publishers', '0'], '--publishers'],
    [['--duration', '-5'], '--duration'],
    [['--subscribers', 'two'], '--subscribers'],
    [['--url', 'http://127.0.0.1:9'], '--admin-token-file'],
  ] as const) {
    const r = await cli(['smoke', '--json', ...args])
    assert.is(r.exitCode, 2, `${args.join(' ')}: ${r.stderr}`)
    assert.is(String(r.stdout), '')
    // One line (execa strips the final newline), no stack trace.
    assert.match(String(r.stderr), new RegExp(`^confctl: [^\\n]*${fragment}[^\\n]*$`))
  }
})

test('CLI: a node that does not answer exits 3', async () => {
  const tokenFile = join(home, 'admin.token')
  writeFileSync(tokenFile, 'not-a-real-token\n')
  const r = await cli(['smoke', '--json', '--url', 'http://127.0.0.1:9', '--admin-token-file', tokenFile])
  assert.is(r.exitCode, 3, String(r.stderr))
  assert.is(String(r.stdout), '')
  assert.match(String(r.stderr), /unreachable at http:\/\/127\.0\.0\.1:9/)
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
