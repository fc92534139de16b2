// test-kind: e2e
// A client that offers only mDNS (`.local`) host candidates, as Firefox does at default
// settings, connects through peer-reflexive checks (RFC 8445 §7.3.1.3) and the node sends no
// mDNS query of its own: it runs inside a network namespace whose output nftables counts
// every packet to port 5353. A control packet first proves the counter sees such a query.
// (Unpatched werift multicasts an mDNS query for each `.local` candidate, then gives up.)
import {spawn, execFileSync, type ChildProcess} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {waitForConnection} from '../../src/client/peer-state.js'
import {SyntheticPublisher} from '../../src/client/publisher.js'
import {inboundStreams, streamOfKind, type StatsReportLike} from '../../src/client/stats.js'
import {SyntheticSubscription} from '../../src/client/subscriber.js'
import {releaseNativeObjects} from '../../src/client/wrtc.js'
import {createNetns, type Netns} from '../helpers/netns.js'
import {rtcPortSlot} from '../helpers/rtc-port-slots.js'

const MAIN = new URL('../../src/sfu/main.js', import.meta.url).pathname
const ROOM = 'mdns'
let ns: Netns
let node: ChildProcess | undefined
let output = ''
const dir = mkdtempSync(join(tmpdir(), 'confctl-mdns-'))

/** Packets to UDP port 5353 that left any process in the namespace so far. */
function mdnsPackets(): number {
  const listing = ns.exec(['nft', 'list', 'table', 'inet', 'confctl_mdns'])
  return Number(/counter packets (\d+)/.exec(listing)?.[1] ?? NaN)
}

/** Rewrites every host candidate's address to a random name.local, like Firefox's mDNS candidates. */
function mdnsOnly(sdp: string): string {
  return sdp
    .split('\r\n')
    .filter((line) => !line.startsWith('a=candidate:') || / typ host/.test(line))
    .map((line) =>
      line.startsWith('a=candidate:')
        ? line.replace(
            /^(a=candidate:\S+ \d+ \S+ \d+ )(\S+)/,
            (_, head: string) => `${head}${crypto.randomUUID()}.local`,
          )
        : line,
    )
    .join('\r\n')
}

test.before(() => {
  ns = createNetns()
  // A multicast route, as any LAN host has: without one an mDNS query could not even be sent.
  const nsIf = /^\d+:\s+(\S+)\s+inet /m.exec(ns.exec(['ip', '-o', '-4', 'addr', 'show', 'to', ns.nsIp]))![1]!
  ns.exec(['ip', 'route', 'add', '224.0.0.0/4', 'dev', nsIf])
  execFileSync('ip', ['netns', 'exec', ns.name, 'nft', '-f', '-'], {
    input:
      'table inet confctl_mdns {\n chain output {\n  type filter hook output priority 0; policy accept;\n  udp dport 5353 counter\n }\n}\n',
  })
})

test.after(async () => {
  if (node && node.exitCode === null) {
    node.kill('SIGTERM')
    await new Promise((r) => node!.once('exit', r))
  }
  ns?.destroy()
  rmSync(dir, {recursive: true, force: true})
})

test('the namespace counter sees an mDNS query (control)', () => {
  const before = mdnsPackets()
  const send = `const s=require('dgram').createSocket('udp4');s.send(Buffer.alloc(12),5353,'224.0.0.251',()=>s.close())`
  ns.exec([process.execPath, '-e', send])
  assert.is(mdnsPackets(), before + 1, 'one query, counted')
})

test('a subscriber offering only .local candidates connects peer-reflexively; the node sends no mDNS', async () => {
  const argv = [
    MAIN,
    '--dir',
    dir,
    '--name',
    'mdns',
    '--host',
    ns.nsIp,
    '--port',
    '0',
    '--admin-host',
    ns.nsIp,
    '--admin-port',
    '0',
    '--insecure-admin',
    '--rtc-ports',
    rtcPortSlot(),
  ]
  node = spawn('ip', ['netns', 'exec', ns.name, process.execPath, ...argv], {stdio: ['ignore', 'pipe', 'pipe']})
  node.stdout!.on('data', (c) => (output += c))
  node.stderr!.on('data', (c) => (output += c))
  const deadline = Date.now() + 10_000
  while (!existsSync(join(dir, 'state.json'))) {
    assert.ok(Date.now() < deadline && node.exitCode === null, `node did not start: ${output}`)
    await new Promise((r) => setTimeout(r, 50))
  }
  const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as {publicUrl: string; adminUrl: string}
  const adminToken = readFileSync(join(dir, 'admin.token'), 'utf8').trim()
  const tokenFor = async (identity: string) => {
    const res = await fetch(`${state.adminUrl}/v1/tokens`, {
      method: 'POST',
      headers: {authorization: `Bearer ${adminToken}`, 'content-type': 'application/json'},
      body: JSON.stringify({room: ROOM, identity}),
    })
    assert.is(res.status, 201)
    return ((await res.json()) as {token: string}).token
  }
  const before = mdnsPackets()
  const publisher = await SyntheticPublisher.publish({
    whipUrl: `${state.publicUrl}/whip/${ROOM}`,
    token: await tokenFor('pub'),
  })
  let offered = ''
  const subscriber = await SyntheticSubscription.subscribe({
    whepUrl: `${state.publicUrl}/whep/${ROOM}/${publisher.participantId}`,
    token: await tokenFor('firefox-like'),
    editOfferForTesting: (sdp) => (offered = mdnsOnly(sdp)),
  })
  try {
    assert.ok(await waitForConnection(publisher.pc, 15_000), 'publisher connected')
    assert.match(
      offered,
      /^a=candidate:\S+ \d+ \S+ \d+ [0-9a-f-]{36}\.local \d+ typ host/m,
      'the offer names only .local hosts',
    )
    assert.not.match(offered, /^a=candidate:\S+ \d+ \S+ \d+ \d+\.\d+\.\d+\.\d+ /m, 'no IP address in any candidate')
    assert.ok(await waitForConnection(subscriber.pc, 15_000), `subscriber connected (${subscriber.pc.connectionState})`)
    let frames = 0
    const until = Date.now() + 15_000
    while (frames < 10 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 100))
      frames =
        streamOfKind(inboundStreams((await subscriber.pc.getStats()) as unknown as StatsReportLike), 'video')
          ?.framesDecoded ?? 0
    }
    assert.ok(frames >= 10, `frames decoded over the peer-reflexive pair: ${frames}`)
  } finally {
    await subscriber.close()
    await publisher.close()
    await releaseNativeObjects()
  }
  assert.is(mdnsPackets(), before, `the node sent ${mdnsPackets() - before} packet(s) to port 5353`)
})

test.run()
