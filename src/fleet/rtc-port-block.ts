// A block of UDP ports for a throwaway node's media (--rtc-ports), free on this machine and
// not handed to another throwaway node of this process: several nodes (a demo fleet, tests
// running side by side) must not share ICE ports. Checked by binding each port once; another
// program can still take one afterwards, which the launcher then reports as a port in use.
import {createSocket} from 'node:dgram'
import {UnavailableError} from '../errors.js'

// Apart from the ranges the test suite gives its own nodes (slots in 20000-31999 from
// test/helpers/rtc-port-slots.ts, a few fixed ranges in 42000-46999), below the usual end of
// Linux's ephemeral range.
const FIRST = 50_000
const LAST = 59_999
const handedOut = new Set<number>()

export async function freeRtcPortBlock(size = 200): Promise<string> {
  const blocks = Math.floor((LAST - FIRST + 1) / size)
  const order = Array.from({length: blocks}, (_, i) => FIRST + i * size).sort(() => Math.random() - 0.5)
  for (const lo of order) {
    if (handedOut.has(lo)) continue
    handedOut.add(lo) // before the await: a concurrent caller must not pick it too
    if (await allFree(lo, lo + size - 1)) return `${lo}-${lo + size - 1}`
    handedOut.delete(lo)
  }
  throw new UnavailableError(`no block of ${size} free UDP ports between ${FIRST} and ${LAST} for a throwaway node.`)
}

/** Gives a block back once its node has stopped. */
export function releaseRtcPortBlock(range: string): void {
  handedOut.delete(Number(range.split('-')[0]))
}

async function allFree(lo: number, hi: number): Promise<boolean> {
  const results = await Promise.all(Array.from({length: hi - lo + 1}, (_, i) => udpFree(lo + i)))
  return results.every(Boolean)
}

function udpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4')
    socket.once('error', () => {
      try {
        socket.close()
      } catch {} // never bound: nothing to close
      resolve(false)
    })
    socket.bind({port, exclusive: true}, () => socket.close(() => resolve(true)))
  })
}
