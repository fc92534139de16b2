// test-kind: unit
// Colour depth and themes (src/tui/theme.ts). Detection follows the conventions of
// no-color.org (NO_COLOR non-empty disables colour), FORCE_COLOR (0/false off, 1/true/empty
// basic, 2 = 256, 3 = truecolor) and COLORTERM=truecolor|24bit, as chalk's supports-color does.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {detectColorLevel, makeTheme} from '../../src/tui/theme.js'

test('NO_COLOR wins over everything; an empty NO_COLOR does not count', () => {
  assert.is(detectColorLevel({NO_COLOR: '1', FORCE_COLOR: '3', COLORTERM: 'truecolor'}, true), 0)
  assert.is(detectColorLevel({NO_COLOR: '', COLORTERM: 'truecolor'}, true), 3)
})

test('FORCE_COLOR sets the level even without a TTY', () => {
  assert.is(detectColorLevel({FORCE_COLOR: '0'}, true), 0)
  assert.is(detectColorLevel({FORCE_COLOR: 'false'}, true), 0)
  assert.is(detectColorLevel({FORCE_COLOR: ''}, false), 1)
  assert.is(detectColorLevel({FORCE_COLOR: 'true'}, false), 1)
  assert.is(detectColorLevel({FORCE_COLOR: '2'}, false), 2)
  assert.is(detectColorLevel({FORCE_COLOR: '3'}, false), 3)
  assert.is(detectColorLevel({FORCE_COLOR: '9'}, false), 3, 'capped at truecolor')
})

test('without FORCE_COLOR: no TTY or TERM=dumb is no colour; COLORTERM and TERM choose the depth', () => {
  assert.is(detectColorLevel({COLORTERM: 'truecolor'}, false), 0)
  assert.is(detectColorLevel({TERM: 'dumb', COLORTERM: 'truecolor'}, true), 0)
  assert.is(detectColorLevel({COLORTERM: '24bit'}, true), 3)
  assert.is(detectColorLevel({COLORTERM: 'TrueColor'}, true), 3)
  assert.is(detectColorLevel({TERM: 'xterm-256color'}, true), 2)
  assert.is(detectColorLevel({TERM: 'xterm'}, true), 1)
  assert.is(detectColorLevel({}, true), 1)
})

test('no colour: bad figures are bold, the selection inverse, good ones plain', () => {
  const t = makeTheme(0)
  assert.equal(t.tone('poor'), {bold: true})
  assert.equal(t.tone('unreachable'), {bold: true})
  assert.equal(t.tone('good'), {})
  assert.equal(t.tone(undefined), {})
  assert.equal(t.selected, {inverse: true})
  assert.not.ok(JSON.stringify(t).includes('color'))
})

test('each depth has its own palette; 16 colours mark the selection by inverse video', () => {
  assert.equal(makeTheme(3).tone('poor'), {color: '#ff5f5f', bold: true})
  assert.equal(makeTheme(2).tone('good'), {color: 'ansi256(77)'})
  assert.equal(makeTheme(1).tone('fair'), {color: 'yellow'})
  assert.equal(makeTheme(1).selected, {inverse: true})
  assert.equal(makeTheme(1).bar, {})
  assert.equal(makeTheme(3).selected, {backgroundColor: '#264f78'})
  // Node states share the band colours: up is good, draining fair.
  for (const level of [1, 2, 3] as const) {
    const t = makeTheme(level)
    assert.is(t.tone('up').color, t.tone('good').color)
    assert.is(t.tone('draining').color, t.tone('fair').color)
  }
})

test.run()
