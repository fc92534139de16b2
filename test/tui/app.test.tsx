// test-kind: unit
// The Ink app with ink-testing-library: views rendered from a fixed snapshot, keys written to
// stdin as a terminal would send them, kick / close going to the actions it was given, and
// pause holding the screen while new snapshots arrive. No fixed waits: a key is pressed once Ink
// listens to stdin and counts as done once the app has taken it; results that arrive later
// (an action's answer, a new snapshot) are waited for on the screen, with a deadline.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {render} from 'ink-testing-library'
import type {ActionResult, FleetActions} from '../../src/fleet/snapshot-actions.js'
import type {SnapshotTick} from '../../src/fleet/snapshot-poller.js'
import {TopApp, createUiStore, staticSource} from '../../src/tui/app.js'
import {currentView} from '../../src/tui/state.js'
import {makeTheme} from '../../src/tui/theme.js'
import {until} from '../helpers/until.js'
import {fixtureTick} from '../fixtures/tui-snapshot.js'

let tick: SnapshotTick
test.before(async () => {
  tick = await fixtureTick()
})

const KEYS = {
  up: '\u001b[A',
  down: '\u001b[B',
  enter: '\r',
  esc: '\u001b',
  tab: '\t',
  backspace: '\u007f',
  ctrlC: '\u0003',
}
/** One turn of the event loop: React (legacy root) renders a store update synchronously, so by
 *  then the frame shows what the key or snapshot did; only for checks that nothing changed. */
const nextTurn = () => new Promise((r) => setImmediate(r))

function mount(opts: {actions?: FleetActions; source?: ReturnType<typeof staticSource>} = {}) {
  const source = opts.source ?? staticSource(tick)
  const store = createUiStore()
  let keysTaken = 0
  const dispatch = store.dispatch.bind(store)
  store.dispatch = (action) => {
    if (action.type === 'key') keysTaken++
    dispatch(action)
  }
  let quits = 0
  const app = render(
    <TopApp
      source={source}
      theme={makeTheme(0)}
      size={{columns: 80, rows: 24}}
      store={store}
      actions={opts.actions}
      onQuit={() => quits++}
    />,
  )
  return {
    app,
    store,
    source,
    quits: () => quits,
    frame: () => app.lastFrame() ?? '',
    /** The first frame is drawn and Ink's input listener attached (after the first render). */
    ready: () =>
      until(
        'the first frame and the keyboard listener',
        () => (app.lastFrame() ?? '') !== '' && app.stdin.listenerCount('readable') > 0,
      ),
    async press(...keys: string[]) {
      for (const k of keys) {
        await this.ready()
        const before = keysTaken
        app.stdin.write(k)
        await until(`the app taking the key ${JSON.stringify(k)}`, () => keysTaken > before)
        await nextTurn()
      }
    },
  }
}

test('renders the fleet view at 80x24: 24 lines, none wider than 79 columns', async () => {
  const m = mount()
  await m.ready()
  const lines = m.frame().split('\n')
  assert.is(lines.length, 24)
  assert.ok(lines.every((l) => l.length <= 79))
  assert.match(lines[0], /3 nodes: 1 up, 1 draining, 1 unreachable/)
  assert.match(m.frame(), /› edge1\s+up/)
  assert.match(m.frame(), /edge3\s+unreachable 42s/)
  m.app.unmount()
})

test('keys from stdin: Tab to rooms, j and arrows, Enter into a room and a participant, / filter, Esc back, q quits', async () => {
  const m = mount()
  await m.press(KEYS.tab)
  assert.match(m.frame(), /^Rooms/m)
  assert.match(m.frame(), /› lecture/)
  await m.press('j', KEYS.down, KEYS.up)
  assert.match(m.frame(), /› quiet/)
  await m.press('j', KEYS.enter)
  assert.match(m.frame(), /^Room standup on edge1/m)
  assert.match(m.frame(), /› alice\s+audio\s+opus\s+up/)
  await m.press('/', 'c', 'a', 'r')
  assert.match(m.frame(), /\/car▏/)
  assert.not.match(m.frame(), /alice|bob/)
  assert.match(m.frame(), /› carol\s+audio/)
  await m.press(KEYS.backspace, KEYS.backspace, KEYS.backspace, 'b', 'o', KEYS.enter)
  assert.match(m.frame(), /filter 'bo' \(2\/6\)/)
  await m.press(KEYS.enter)
  assert.match(m.frame(), /^Participant bob in standup on edge1/m)
  assert.match(m.frame(), /address\s+hidden/)
  await m.press(KEYS.esc)
  assert.match(m.frame(), /^Room standup/m)
  await m.press(KEYS.esc) // clears the filter
  assert.match(m.frame(), /alice/)
  await m.press(KEYS.esc)
  assert.match(m.frame(), /^Rooms/m)
  await m.press('?')
  assert.match(m.frame(), /Keys/)
  assert.match(m.frame(), /kick the selected participant/)
  await m.press('x')
  assert.not.match(m.frame(), /kick the selected participant/)
  assert.is(m.quits(), 0)
  await m.press('q')
  assert.is(m.quits(), 1)
  m.app.unmount()
})

test('the app tells its source which room it shows in detail: the poller fetches no other', async () => {
  const source = staticSource(tick)
  const m = mount({source})
  await m.ready()
  assert.equal(source.focused, [null], 'fleet view: no room')
  await m.press(KEYS.tab, 'j', 'j')
  assert.equal(source.focused, [null], 'rooms view: no room (moving the cursor fetches nothing)')
  await m.press(KEYS.enter)
  assert.equal(source.focused.at(-1), {node: 'edge1', room: 'standup'})
  const n = source.focused.length
  await m.press(KEYS.enter)
  assert.match(m.frame(), /^Participant alice in standup/m)
  assert.is(source.focused.length, n, 'the participant view keeps the same room: no new request')
  await m.press(KEYS.esc, KEYS.esc)
  assert.match(m.frame(), /^Rooms/m)
  assert.is(source.focused.at(-1), null)
  m.app.unmount()
})

test('several keys in one read are taken one at a time', async () => {
  const m = mount()
  await m.press('\tjj\r')
  assert.equal(currentView(m.store.getState()), {kind: 'room', node: 'edge1', room: 'standup'})
  m.app.unmount()
})

test('K asks y/N and kicks through the actions; C closes a room; n cancels', async () => {
  const calls: string[] = []
  const actions: FleetActions = {
    async kick(node, room, id): Promise<ActionResult> {
      calls.push(`kick ${node} ${room} ${id}`)
      return {ok: true, message: `kicked ${id} from room '${room}' on node '${node}'.`}
    },
    async closeRoom(node, room): Promise<ActionResult> {
      calls.push(`close ${node} ${room}`)
      return {ok: false, message: `room '${room}' does not exist on node '${node}'.`}
    },
  }
  const m = mount({actions})
  await m.press(KEYS.tab, 'j', 'j', KEYS.enter, 'j', 'j', 'K')
  assert.match(m.frame(), /Kick bob \(pb0b00\) from standup on edge1\? \[y\/N\]/)
  await m.press('n')
  assert.match(m.frame(), /cancelled\./)
  await m.press('K', 'y')
  await until('the kick answer on screen', () => /kicked pb0b00/.test(m.frame()))
  assert.equal(calls, ['kick edge1 standup pb0b00'])
  assert.match(m.frame(), /kicked pb0b00 from room 'standup' on node 'edge1'\./)
  await m.press('C')
  assert.match(m.frame(), /Close room standup on edge1, disconnecting everyone\? \[y\/N\]/)
  await m.press('y')
  await until('the close answer on screen', () => /does not exist on node/.test(m.frame()))
  assert.equal(calls, ['kick edge1 standup pb0b00', 'close edge1 standup'])
  assert.match(m.frame(), /room 'standup' does not exist on node 'edge1'\./)
  await m.press(KEYS.ctrlC)
  assert.is(m.quits(), 1)
  m.app.unmount()
})

test('p pauses the screen on the snapshot it shows; new snapshots show again after p', async () => {
  const source = staticSource(tick)
  const m = mount({source})
  await m.ready()
  assert.match(m.frame(), /10:00:00Z/)
  await m.press('p')
  assert.match(m.frame(), /PAUSED/)
  const later: SnapshotTick = {...tick, snapshot: {...tick.snapshot, time: '2025-03-01T10:00:05.000Z'}}
  source.set(later)
  await nextTurn()
  assert.match(m.frame(), /10:00:00Z/)
  assert.not.match(m.frame(), /10:00:05Z/)
  await m.press('p')
  assert.match(m.frame(), /10:00:05Z/)
  assert.not.match(m.frame(), /PAUSED/)
  m.app.unmount()
})

test('before the first snapshot it says it is waiting', async () => {
  const source = staticSource(undefined)
  const m = mount({source})
  await until('the waiting screen', () => /waiting for the first answers/.test(m.frame()))
  source.set(tick)
  await until('the first snapshot on screen', () => /edge1/.test(m.frame()))
  m.app.unmount()
})

test.run()
