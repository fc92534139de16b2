// The only DNS server an isolated test namespace knows (netns.ts points its resolv.conf here):
// it records every name asked and refuses to answer, at once. A test then names who looked
// something up (a node resolving a public STUN server, a browser checking its connectivity)
// instead of a lookup waiting for a resolver it cannot reach.
import {createSocket} from 'node:dgram'
import {parseQuery} from './mdns-watch.js'

export interface DnsSink {
  /** Every question name asked so far, in order. */
  names: string[]
  close(): void
}

export async function startDnsSink(ip: string): Promise<DnsSink> {
  const socket = createSocket('udp4')
  const names: string[] = []
  socket.on('message', (msg, rinfo) => {
    const asked = parseQuery(msg)
    if (!asked) return
    names.push(...asked)
    // The same id and question, QR set, RCODE 5 (REFUSED): resolvers give up at once.
    const answer = Buffer.from(msg)
    answer[2] = 0x80 | (msg[2]! & 0x01)
    answer[3] = 0x05
    answer.writeUInt16BE(0, 6)
    answer.writeUInt16BE(0, 8)
    answer.writeUInt16BE(0, 10)
    socket.send(answer, rinfo.port, rinfo.address)
  })
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject)
    socket.bind(53, ip, () => resolve())
  })
  socket.unref() // it serves for as long as the test file runs, and never keeps it running
  return {names, close: () => socket.close()}
}
