// test-kind: unit
// View titles (src/tui/views/view-title.ts): node and room names come from the network, so
// they are sanitised before they reach the terminal.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {viewTitle} from '../../../src/tui/views/view-title.js'

test('one title per view kind', () => {
  assert.is(viewTitle({kind: 'fleet'}), 'Fleet')
  assert.is(viewTitle({kind: 'rooms'}), 'Rooms')
  assert.is(viewTitle({kind: 'rooms', node: 'edge1'}), 'Rooms on edge1')
  assert.is(viewTitle({kind: 'room', node: 'edge1', room: 'standup'}), 'Room standup on edge1')
  assert.is(
    viewTitle({kind: 'participant', node: 'edge1', room: 'standup', participantId: 'p1'}),
    'Participant in standup on edge1',
  )
})

test('escape sequences and bidi overrides in names never reach the terminal', () => {
  const title = viewTitle({kind: 'room', node: 'e\u001b]0;pwned\u0007', room: '\u202estandup'})
  assert.is(title, 'Room standup on e?]0;pwned?')
  assert.not.match(title, /[\u0000-\u001f\u202e]/)
})

test.run()
