// test-kind: e2e
// Is a pid still our node (src/fleet/process-check.ts)? Checked against real processes: a
// live one started with --dir, the same one asked about another dir (a recycled pid), a
// zombie (answers kill -0 but has exited) and pids that cannot be processes.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {spawn, type ChildProcess} from 'node:child_process'
import {once} from 'node:events'
import {readFileSync} from 'node:fs'
import {isNodeProcess, isProcessAlive} from '../../src/fleet/process-check.js'
import {until} from '../helpers/until.js'

const children: ChildProcess[] = []

function start(command: string, args: string[]): ChildProcess {
  const child = spawn(command, args, {stdio: ['ignore', 'pipe', 'ignore']})
  children.push(child)
  return child
}

test('pids that cannot be processes are not alive', () => {
  for (const pid of [0, -1, 1.5, Number.NaN]) assert.is(isProcessAlive(pid), false, String(pid))
  // Above pid_max (at most 2^22 on Linux): no such process.
  assert.is(isProcessAlive(4_194_304 + 1), false)
})

test('this process is alive; a node-like process is ours only for its own --dir', async () => {
  assert.is(isProcessAlive(process.pid), true)
  const child = start(process.execPath, ['-e', 'setInterval(() => {}, 1000)', '--', '--dir', '/tmp/node-a'])
  await until('the child runs', () => child.pid !== undefined && isProcessAlive(child.pid))
  assert.is(isNodeProcess(child.pid!, '/tmp/node-a'), true)
  assert.is(isNodeProcess(child.pid!, '/tmp/node-b'), false, 'another node directory: a recycled pid')
  assert.is(isNodeProcess(process.pid, '/tmp/node-a'), false, 'alive, but no --dir at all')
  child.kill('SIGKILL')
  await once(child, 'exit')
  assert.is(isProcessAlive(child.pid!), false, 'reaped')
})

test('a zombie answers kill -0 but counts as gone', async () => {
  // sh starts `sleep 1` in the background, prints its pid and becomes `sleep 5`, which never
  // reaps it: the exited child stays a zombie until sleep 5 ends. (With `sleep 0` the child
  // could exit and be reaped by sh before its exec, on a loaded machine: gone, no zombie.)
  const parent = start('sh', ['-c', 'sleep 1 & echo $!; exec sleep 5'])
  let out = ''
  parent.stdout!.on('data', (d: Buffer) => (out += d.toString()))
  await until('the zombie pid', () => /^\d+\n/.test(out))
  const zombie = Number(out.trim())
  await until('the child has exited', () => / Z /.test(readFileSync(`/proc/${zombie}/stat`, 'utf8')))
  process.kill(zombie, 0) // does not throw: the pid is still taken
  assert.is(isProcessAlive(zombie), false)
  assert.is(isNodeProcess(zombie, '/tmp/x'), false)
})

test.after(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
})
test.run()
