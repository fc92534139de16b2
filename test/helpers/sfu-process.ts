// A real SFU node process (dist/src/sfu/main.js) for a test: the node launcher's throwaway
// mode (src/fleet/node-launcher-throwaway.ts) with the test suite's habits: the node is named
// 'test', its directory is created here and survives stop() (tests restart a node in it), and
// the rtc ports are a slot no other live test process holds (rtc-port-slots.ts) unless the test
// names its own. Tests talk to it only over HTTP, as the CLI does.
import type {ChildProcess} from 'node:child_process'
import {mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {NodeStateFile} from '../../src/api/node-api.js'
import {startThrowawayNode} from '../../src/fleet/node-launcher-throwaway.js'
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
 * A node that fails to start rejects with the launcher's typed error (its last lines quoted).
 */
export async function startTestNode(
  extraArgs: string[] = [],
  rtcPorts = rtcPortSlot(),
  dir = mkdtempSync(join(tmpdir(), 'confctl-node-')),
  fileLimit?: number,
): Promise<TestNode> {
  const node = await startThrowawayNode({
    name: 'test',
    dir,
    rtcPorts,
    nodeArgs: extraArgs,
    script: MAIN,
    startTimeoutMs: 10_000,
    wrapper: fileLimit ? ['prlimit', `--nofile=${fileLimit}:${fileLimit}`] : undefined,
  })
  return {
    dir,
    state: node.state,
    adminToken: node.adminToken,
    joinSecret: Buffer.from(readFileSync(join(dir, 'join.secret'), 'utf8').trim(), 'hex'),
    child: node.child,
    output: node.output,
    stop: node.stop,
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
