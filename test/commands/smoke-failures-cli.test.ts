// test-kind: e2e
// The smoke's failure paths, end to end through the built CLI: a run whose publisher the node
// drops mid-call (an admin kick) exits 1 naming the streams that failed; bad flags exit 2
// before any node starts; a node that does not answer exits 3. None of them judges media
// quality, so they need no quiet machine (the healthy runs are in smoke-cli.test.ts, serial).
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {cli as runCli} from './helpers.js'
import type {KickResponse, RoomDetail, RoomSummary} from '../../src/api/node-api.js'
import {startTestNode} from '../helpers/sfu-process.js'
import {until} from '../helpers/until.js'
import {rtcPortSlot} from '../helpers/rtc-port-slots.js'

const home = mkdtempSync(join(tmpdir(), 'confctl-smoke-failures-'))
/** The built CLI with this file's $CONFCTL_HOME, and more room than the helper's 60 s for a smoke. */
const cli = (args: string[]) => runCli(home, args, {timeout: 90_000})

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

test.after(() => rmSync(home, {recursive: true, force: true}))

test.run()
