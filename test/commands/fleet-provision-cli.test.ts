// test-kind: e2e
// A provisioned node in a coordinated fleet, over the harness's own sshd: after `fleet init`
// (the machine's Redis, database 9, this file's prefix) `node provision` starts the node on the
// host with the fleet's --redis settings and key, so it registers; `fleet rotate-key` installs
// the new key on the host over SSH, keeping the old one for the overlap.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Redis} from 'ioredis'
import {dropPrefix, TEST_REDIS_URL, uniquePrefix} from '../helpers/coord-redis.js'
import {until} from '../helpers/until.js'
import {cli, killAll, processesMentioning, randomRtcRange} from '../helpers/ssh-cli.js'
import {freePort, startSshd, type TestSshd} from '../helpers/sshd.js'

let sshd: TestSshd
const home = mkdtempSync(join(tmpdir(), 'confctl-sshfleet-'))
const remote = mkdtempSync(join(tmpdir(), 'confctl-sshfleet-host-'))
const prefix = uniquePrefix('sshfleet')
const run = (...args: string[]) => cli(home, args, {timeout: 120_000})
const dataFile = (name: string) => readFileSync(join(remote, 'n1', 'data', name), 'utf8')

test.before(async () => {
  sshd = await startSshd()
})

test.after(async () => {
  await run('node', 'deprovision', 'n1', '--purge').catch(() => undefined)
  killAll(processesMentioning(remote))
  await sshd?.stop()
  const redis = new Redis(TEST_REDIS_URL)
  await dropPrefix(redis, prefix)
  redis.disconnect()
  for (const d of [home, remote]) rmSync(d, {recursive: true, force: true})
})

test('node provision after fleet init: the node registers with the fleet key; rotate-key reaches it over SSH', async () => {
  assert.is((await run('fleet', 'init', '--redis', TEST_REDIS_URL, '--redis-prefix', prefix)).exitCode, 0)
  const p = await run(
    'node',
    'provision',
    sshd.target,
    ...['--name', 'n1', '--identity-file', sshd.userKey, '--known-hosts', sshd.knownHosts],
    ...['--remote-dir', join(remote, 'n1'), '--supervisor', 'pidfile', '--rtc-ports', randomRtcRange()],
    ...['--port', String(await freePort()), '--admin-port', String(await freePort())],
  )
  assert.is(p.exitCode, 0, p.stderr)
  const key = readFileSync(join(home, 'fleet.secret'), 'utf8')
  assert.is(dataFile('fleet.secret'), key, 'the host has the fleet key')
  assert.match(readFileSync(join(remote, 'n1', 'run.sh'), 'utf8'), `'--redis-prefix' '${prefix}'`)
  await until(
    'n1 registered in the fleet',
    async () => {
      const s = await run('fleet', 'status', '--json')
      return (
        s.exitCode === 0 &&
        JSON.parse(s.stdout).nodes.some((n: {name: string; state: string}) => n.name === 'n1' && n.state === 'up')
      )
    },
    20_000,
    250,
  )

  const r = await run('fleet', 'rotate-key', '--overlap', '1h', '--json')
  assert.is(r.exitCode, 0, r.stderr)
  assert.equal(JSON.parse(r.stdout).nodes, [{name: 'n1', kind: 'ssh', result: 'rotated', problem: null}])
  assert.is(dataFile('fleet.secret'), readFileSync(join(home, 'fleet.secret'), 'utf8'), 'the new key on the host')
  assert.is(dataFile('fleet.secret.previous'), key, 'the old key kept on the host')
  assert.ok(Date.parse(dataFile('fleet.secret.previous-until').trim()) > Date.now(), 'for the overlap')
})

test.run()
