// Listens to mDNS (224.0.0.251:5353) inside a test's isolated namespace and records every
// query, so a test can show that the node does not try to resolve a browser's `.local`
// candidates: a media server answers peer-reflexive checks instead of multicasting on the
// host's network (browsers announce their names; only a resolver sends queries for them).
import {createSocket, type Socket} from 'node:dgram'

export interface MdnsQuery {
  from: string
  names: string[]
}

export interface MdnsWatch {
  queries: MdnsQuery[]
  close(): void
}

export async function watchMdns(interfaceIp: string): Promise<MdnsWatch> {
  const socket: Socket = createSocket({type: 'udp4', reuseAddr: true})
  const queries: MdnsQuery[] = []
  socket.on('message', (msg, rinfo) => {
    const q = parseQuery(msg)
    if (q) queries.push({from: `${rinfo.address}:${rinfo.port}`, names: q})
  })
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject)
    socket.bind(5353, () => resolve())
  })
  socket.addMembership('224.0.0.251', interfaceIp)
  await selfCheck(interfaceIp, queries)
  return {queries, close: () => socket.close()}
}

const CHECK_NAME = 'confctl-mdns-watch-check.local'

/** Proves the watcher hears other sockets' multicast queries in this namespace (else an
 *  empty list would prove nothing): sends one itself from another socket, then forgets it. */
async function selfCheck(interfaceIp: string, queries: MdnsQuery[]): Promise<void> {
  const sender = createSocket({type: 'udp4'})
  await new Promise<void>((resolve) => sender.bind(0, interfaceIp, () => resolve()))
  sender.setMulticastInterface(interfaceIp)
  const labels = CHECK_NAME.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'latin1')]))
  const query = Buffer.concat([Buffer.alloc(12), ...labels, Buffer.from([0, 0, 1, 0, 1])])
  query.writeUInt16BE(1, 4) // one question
  try {
    const deadline = Date.now() + 3000
    while (!queries.some((q) => q.names.includes(CHECK_NAME))) {
      if (Date.now() > deadline)
        throw new Error('mdns-watch: its own multicast query never arrived; the watcher hears nothing')
      sender.send(query, 5353, '224.0.0.251')
      await new Promise((r) => setTimeout(r, 100))
    }
  } finally {
    sender.close()
  }
  queries.length = 0
}

/** The question names of a DNS query (QR bit clear), or undefined for responses and junk. */
export function parseQuery(msg: Buffer): string[] | undefined {
  if (msg.length < 12 || (msg[2]! & 0x80) !== 0) return undefined
  const count = msg.readUInt16BE(4)
  const names: string[] = []
  let at = 12
  for (let i = 0; i < count && at < msg.length; i++) {
    const labels: string[] = []
    while (at < msg.length && msg[at] !== 0) {
      if ((msg[at]! & 0xc0) === 0xc0) {
        labels.push('<ptr>')
        at += 1
        break
      }
      labels.push(msg.subarray(at + 1, at + 1 + msg[at]!).toString('latin1'))
      at += 1 + msg[at]!
    }
    at += 1 + 4 // the terminating zero (or the pointer's second byte), QTYPE and QCLASS
    names.push(labels.join('.'))
  }
  return names
}
