// Runs the dashboard full screen: switches to the terminal's alternate screen, mounts the Ink
// app, and puts the terminal back exactly once however it ends: q or Ctrl-C (exit 0), SIGTERM
// / SIGINT / SIGHUP (128 + signal number), or a crash (exit 1, with the error on stderr after
// the screen is restored). Frames reach the terminal through the ScreenPainter (only changed
// lines, synchronized output), and a resize repaints the whole screen once.
import {render, type Instance} from 'ink'
import type {FleetActions} from '../fleet/snapshot-actions.js'
import {TopApp, createUiStore, type TickSource} from './app.js'
import {FrameSink, ScreenPainter} from './painter.js'
import {initialState, type View} from './state.js'
import {detectColorLevel, makeTheme, type ColorLevel} from './theme.js'

export const ENTER_ALT_SCREEN = '\u001b[?1049h\u001b[?25l\u001b[H\u001b[2J'
/** End any synchronized update, reset attributes, show the cursor, leave the alternate screen. */
export const LEAVE_ALT_SCREEN = '\u001b[?2026l\u001b[0m\u001b[?25h\u001b[?1049l'

export interface RunTopOptions {
  source: TickSource
  actions?: FleetActions
  showIp?: boolean
  /** The view to open on, or a stack of views (the last shown, Esc goes back through the others). */
  initialView?: View | View[]
  colorLevel?: ColorLevel
  stdout?: NodeJS.WriteStream
  stdin?: NodeJS.ReadStream
  stderr?: NodeJS.WriteStream
  /** Install process handlers for signals and crashes (the CLI does; in-process tests don't). */
  handleProcessEvents?: boolean
  /** With handleProcessEvents: after a signal or a crash has ended the dashboard (terminal
   *  restored), exit the process (default), or only resolve with the exit code, for a caller
   *  that has its own cleanup to do (the demo stops its participants and node). */
  exitOnSignal?: boolean
  /** Ends the dashboard (exit code 0) when aborted, e.g. at the end of the demo's --duration. */
  signal?: AbortSignal
}

const SIGNALS: [NodeJS.Signals, number][] = [
  ['SIGTERM', 143],
  ['SIGINT', 130],
  ['SIGHUP', 129],
]

/** Resolves with the exit code once the dashboard has ended and the terminal is restored. */
export function runTop(opts: RunTopOptions): Promise<number> {
  const stdout = opts.stdout ?? process.stdout
  const stdin = opts.stdin ?? process.stdin
  const stderr = opts.stderr ?? process.stderr
  const theme = makeTheme(opts.colorLevel ?? detectColorLevel(process.env, Boolean(stdout.isTTY)))
  const store = createUiStore(initialState(opts.initialView))
  const handleProcess = opts.handleProcessEvents ?? true
  const exitOnSignal = opts.exitOnSignal ?? true
  const size = () => ({columns: stdout.columns || 80, rows: stdout.rows || 24})

  return new Promise<number>((resolve) => {
    let instance: Instance | undefined
    let finished = false
    const write = (text: string) => {
      try {
        stdout.write(text)
      } catch {
        // the terminal may be gone (SIGHUP)
      }
    }
    const painter = new ScreenPainter({write}, false, () => stdout.rows || 24)
    const sink = new FrameSink(painter, size())
    const onResize = () => sink.resize(size())

    const finish = (code: number, err?: unknown) => {
      if (finished) return
      finished = true
      stdout.off('resize', onResize)
      opts.signal?.removeEventListener('abort', onAbort)
      try {
        instance?.unmount()
      } catch {}
      painter.close() // a frame still waiting, or one Ink writes while unmounting, must not land after the restore
      try {
        if (stdin.isTTY) stdin.setRawMode(false)
        stdin.pause()
      } catch {}
      write(LEAVE_ALT_SCREEN)
      // Not at once: when a signal ends the dashboard without exiting (exitOnSignal false), Ink's
      // signal-exit handler runs after ours for the same signal and re-raises it if it finds no
      // other listener, which would kill the caller in the middle of its cleanup.
      if (handleProcess) setImmediate(removeProcessHandlers)
      if (err !== undefined) {
        const e = err as Error
        stderr.write(`confctl: the dashboard stopped on an error: ${e?.message ?? String(err)}\n`)
        if (process.env.CONFCTL_DEBUG && e?.stack) stderr.write(`${e.stack}\n`)
      }
      resolve(code)
    }

    const onSignal = (signal: NodeJS.Signals) => {
      const code = SIGNALS.find(([s]) => s === signal)?.[1] ?? 1
      finish(code)
      if (exitOnSignal) process.exit(code)
    }
    const onCrash = (err: unknown) => {
      finish(1, err)
      if (exitOnSignal) process.exit(1)
    }
    const onAbort = () => finish(0)
    const onExit = () => finish(0)
    function removeProcessHandlers() {
      for (const [s] of SIGNALS) process.off(s, onSignal)
      process.off('uncaughtException', onCrash)
      process.off('unhandledRejection', onCrash)
      process.off('exit', onExit)
    }
    if (handleProcess) {
      for (const [s] of SIGNALS) process.on(s, onSignal)
      process.on('uncaughtException', onCrash)
      process.on('unhandledRejection', onCrash)
      process.on('exit', onExit)
    }

    if (opts.signal?.aborted) {
      finished = true
      if (handleProcess) removeProcessHandlers()
      resolve(0)
      return
    }
    opts.signal?.addEventListener('abort', onAbort)

    write(ENTER_ALT_SCREEN)
    try {
      // Ink's debug mode writes each frame whole to the sink; the painter diffs it.
      instance = render(
        <TopApp
          source={opts.source}
          actions={opts.actions}
          showIp={opts.showIp}
          theme={theme}
          store={store}
          onQuit={() => setImmediate(() => finish(0))}
        />,
        {
          stdout: sink as unknown as NodeJS.WriteStream,
          stdin,
          stderr,
          debug: true,
          exitOnCtrlC: false,
          patchConsole: false,
        },
      )
    } catch (err) {
      finish(1, err)
      return
    }
    instance.waitUntilExit().then(
      () => {},
      (err: unknown) => finish(1, err),
    )
    stdout.on('resize', onResize)
  })
}
