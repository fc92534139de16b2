// Runs a command in a real pseudo-terminal (node-pty) and replays its output into a terminal
// emulator, so a test reads the screen as a person would. Shared by the `top` and `demo`
// end-to-end tests.
import {createRequire} from 'node:module'
import type {IPty} from 'node-pty'
import {VirtualTerminal} from './vt.js'

const require = createRequire(import.meta.url)
const pty = require('node-pty') as typeof import('node-pty')

export interface PtyRun {
  term: IPty
  vt: VirtualTerminal
  raw: () => string
  alive: () => boolean
  exited: Promise<{exitCode: number; signal?: number}>
}

export function spawnInTerminal(
  argv: string[],
  opts: {cols: number; rows: number; cwd: string; env: Record<string, string>},
): PtyRun {
  const term = pty.spawn(argv[0]!, argv.slice(1), {
    name: 'xterm-256color',
    cols: opts.cols,
    rows: opts.rows,
    cwd: opts.cwd,
    env: opts.env,
  })
  const vt = new VirtualTerminal(opts.cols, opts.rows)
  let raw = ''
  let alive = true
  term.onData((d) => {
    raw += d
    vt.write(d)
  })
  const exited = new Promise<{exitCode: number; signal?: number}>((resolve) =>
    term.onExit((e) => {
      alive = false
      resolve(e)
    }),
  )
  return {term, vt, raw: () => raw, alive: () => alive, exited}
}
