// Starts a real SFU node process (dist/src/sfu/main.js) in a temporary directory on free
// ports for a test, and stops it again. Tests talk to it only over HTTP, as the CLI does.
import {spawn, type ChildProcess} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {NodeStateFile} from '../../src/api/node-api.js'
import {rtcPortSlot} from './rtc-port-slots.js'

export interface TestNode {
  dir: string
  state: NodeStateFile
  adminToken: string
  joinSecret: Buffer
  child: ChildProcess
  output: () => string
  stop: () => Promise<number | null>
}

const MAIN = new URL('../../src/sfu/main.js', import.meta.url).pathname

/**
 * `dir`: an existing node directory, to restart a node with its secrets and node.db.
 * `fileLimit`: the node's open-file limit (soft and hard, through prlimit, which execs the
 * node in place so that child.pid is the node's); default the test process's own.
 */
export async function startTestNode(
  extraArgs: string[] = [],
  rtcPorts = rtcPortSlot(),
  dir = mkdtempSync(join(tmpdir(), 'confctl-node-')),
  fileLimit?: number,
): Promise<TestNode> {
  rmSync(join(dir, 'state.json'), {force: true}) // left behind by a node killed with SIGKILL: not this one's
  const argv = [
    MAIN,
    '--dir',
    dir,
    '--name',
    'test',
    '--port',
    '0',
    '--admin-port',
    '0',
    '--rtc-ports',
    rtcPorts,
    ...extraArgs,
  ]
  const child = fileLimit
    ? spawn('prlimit', [`--nofile=${fileLimit}:${fileLimit}`, process.execPath, ...argv], {
        stdio: ['ignore', 'pipe', 'pipe'],
      })
    : spawn(process.execPath, argv, {stdio: ['ignore', 'pipe', 'pipe']})
  let output = ''
  child.stdout!.on('data', (c) => (output += c))
  child.stderr!.on('data', (c) => (output += c))
  const statePath = join(dir, 'state.json')
  const deadline = Date.now() + 10_000
  while (!existsSync(statePath)) {
    if (child.exitCode !== null) throw new Error(`node exited with ${child.exitCode}: ${output}`)
    if (Date.now() > deadline) throw new Error(`node did not start within 10 s: ${output}`)
    await new Promise((r) => setTimeout(r, 50))
  }
  const state = JSON.parse(readFileSync(statePath, 'utf8')) as NodeStateFile
  return {
    dir,
    state,
    adminToken: readFileSync(join(dir, 'admin.token'), 'utf8').trim(),
    joinSecret: Buffer.from(readFileSync(join(dir, 'join.secret'), 'utf8').trim(), 'hex'),
    child,
    output: () => output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode)
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
        child.once('exit', (code) => {
          clearTimeout(timer)
          resolve(code)
        })
        child.kill('SIGTERM')
      }),
  }
}

/** A join token for `identity` in `room`, issued by the node's admin API (default grants). */
export async function tokenFor(node: TestNode, room: string, identity: string): Promise<string> {
  const res = await fetch(`${node.state.adminUrl}/v1/tokens`, {
    method: 'POST',
    headers: {authorization: `Bearer ${node.adminToken}`, 'content-type': 'application/json'},
    body: JSON.stringify({room, identity}),
  })
  if (res.status !== 201) throw new Error(`POST /v1/tokens answered ${res.status}: ${await res.text()}`)
  return ((await res.json()) as {token: string}).token
}
