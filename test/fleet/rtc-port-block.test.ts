// test-kind: unit
// Free --rtc-ports blocks for throwaway nodes: concurrent callers of one process get
// different blocks, each free of bound UDP ports when handed out.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {createSocket} from 'node:dgram'
import {freeRtcPortBlock, releaseRtcPortBlock} from '../../src/fleet/rtc-port-block.js'

const bounds = (range: string) => range.split('-').map(Number) as [number, number]

test('concurrent requests get disjoint blocks of the asked size', async () => {
  const blocks = await Promise.all(Array.from({length: 6}, () => freeRtcPortBlock(200)))
  const starts = blocks.map((b) => bounds(b)[0])
  assert.is(new Set(starts).size, 6, blocks.join(', '))
  for (const b of blocks) {
    const [lo, hi] = bounds(b)
    assert.is(hi - lo + 1, 200)
  }
  for (const b of blocks) releaseRtcPortBlock(b)
})

test('every port of a handed-out block can be bound', async () => {
  const block = await freeRtcPortBlock(20)
  const [lo, hi] = bounds(block)
  for (let port = lo; port <= hi; port++) {
    const socket = createSocket('udp4')
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject)
      socket.bind({port, exclusive: true}, () => resolve())
    })
    await new Promise<void>((resolve) => socket.close(() => resolve()))
  }
  releaseRtcPortBlock(block)
})

test.run()
