// test-kind: unit
// Cells several views share (src/tui/views/cells.ts): a node's state with how long it has
// been unreachable, and loss tones from the QoE bands (1 % fair / 3 % poor, src/qoe/bands.ts)
// whether the loss comes as a fraction (streams) or a percentage (rooms, nodes).
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {dash, lossPercentTone, lossTone, stateCell} from '../../../src/tui/views/cells.js'
import type {FleetSnapshot, NodeSnapshot} from '../../../src/fleet/snapshot.js'

const snap = {time: '2026-11-30T07:10:00.000Z'} as FleetSnapshot
const node = (over: Partial<NodeSnapshot>) =>
  ({
    name: 'edge1',
    state: 'up',
    lastSeen: null,
    problem: null,
    info: null,
    totals: null,
    rooms: [],
    ...over,
  }) as NodeSnapshot

test('up and draining show as they are, in their own tone', () => {
  assert.equal(stateCell(node({state: 'up'}), snap), {text: 'up', tone: 'up'})
  assert.equal(stateCell(node({state: 'draining'}), snap), {text: 'draining', tone: 'draining'})
})

test('unreachable says for how long since the last answer, or nothing when it never answered', () => {
  assert.equal(stateCell(node({state: 'unreachable', lastSeen: '2026-11-30T07:07:55.000Z'}), snap), {
    text: 'unreachable 2m05s',
    tone: 'unreachable',
  })
  assert.equal(stateCell(node({state: 'unreachable'}), snap), {text: 'unreachable', tone: 'unreachable'})
})

test('a loss fraction is banded as a percentage: 0.01 is 1 % (good), 0.011 fair, 0.031 poor', () => {
  assert.is(lossTone(0.01), 'good')
  assert.is(lossTone(0.011), 'fair')
  assert.is(lossTone(0.031), 'poor')
  assert.is(lossTone(null), undefined)
  assert.is(lossPercentTone(1), 'good')
  assert.is(lossPercentTone(1.1), 'fair')
  assert.is(lossPercentTone(3.1), 'poor')
  assert.is(lossPercentTone(null), undefined)
})

test('dash: a muted "-" unless told otherwise', () => {
  assert.equal(dash(), {text: '-', tone: 'muted'})
  assert.equal(dash('poor'), {text: '-', tone: 'poor'})
})

test.run()
