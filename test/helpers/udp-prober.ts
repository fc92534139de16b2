// An attacker's UDP socket on 127.0.0.1 for the hostile-packet tests: sends raw datagrams to
// a node's session port and records every datagram that comes back, so a test can assert
// that a request was answered, or that nothing at all was (no reflection).
import {createSocket, type Socket} from 'node:dgram'
import {classes, Message, methods} from 'werift'

export interface Reply {
  data: Buffer
  port: number
  at: number
}

export class UdpProber {
  readonly replies: Reply[] = []
  private constructor(private readonly socket: Socket) {
    socket.on('message', (data, rinfo) => this.replies.push({data, port: rinfo.port, at: Date.now()}))
  }

  static async open(): Promise<UdpProber> {
    const socket = createSocket('udp4')
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject)
      socket.bind(0, '127.0.0.1', () => resolve())
    })
    return new UdpProber(socket)
  }

  get port(): number {
    return this.socket.address().port
  }

  /** Sends one datagram to 127.0.0.1:port; resolves once the kernel has taken it. */
  send(data: Buffer, port: number): Promise<void> {
    return new Promise((resolve, reject) =>
      this.socket.send(data, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())),
    )
  }

  /** Waits until a reply matching `match` arrives (true) or `timeoutMs` passes (false). */
  async waitForReply(match: (r: Reply) => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline) {
      if (this.replies.some(match)) return true
      await new Promise((r) => setTimeout(r, 20))
    }
    return this.replies.some(match)
  }

  /** Sends the session an authenticated binding request and waits for its success response:
   *  true once this socket's address is one that ICE validated. */
  async passIce(session: {port: number; ufrag: string; pwd: string}, timeoutMs: number): Promise<boolean> {
    const tx = authenticatedRequest(session)
    await this.send(Buffer.from(tx.bytes), session.port)
    return this.waitForReply(isSuccessFor(tx), timeoutMs)
  }

  close(): void {
    this.socket.close()
  }
}

/** An authenticated ICE binding request to a session, as its real peer would send it: it
 *  makes the sender's address one that ICE validated. */
export function authenticatedRequest(session: {ufrag: string; pwd: string}): Message {
  return new Message(methods.BINDING, classes.REQUEST)
    .setAttribute('USERNAME', `${session.ufrag}:attacker`)
    .setAttribute('PRIORITY', 1853824767)
    .setAttribute('ICE-CONTROLLING', 1n)
    .addMessageIntegrity(Buffer.from(session.pwd, 'utf8'))
    .addFingerprint()
}

/** Matches the success response to `tx`. */
export const isSuccessFor = (tx: Message) => (r: {data: Buffer}) =>
  r.data.readUInt16BE(0) === 0x0101 && r.data.subarray(8, 20).equals(tx.transactionId)
