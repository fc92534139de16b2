// Puts Ink's frames on a full-screen terminal without flicker. Ink runs in its "debug" mode
// against a FrameSink, so every frame arrives whole (no erase sequences); the painter
// compares it line by line with what is on screen and rewrites only the lines that changed,
// each at an absolute position, in one write wrapped in synchronized-output brackets. After a
// resize the next frame is painted on a cleared screen. (Ink's own incremental mode is not
// used: in ink 6.8 it starts each frame one line too low when the output ends in a newline.)
import {EventEmitter} from 'node:events'

const BSU = '\u001b[?2026h'
const ESU = '\u001b[?2026l'

export class ScreenPainter {
  private shown: string[] = []
  private pending: string | undefined
  private last: string | undefined
  private scheduled = false
  private full = true
  private closed = false
  private repaintTimer: NodeJS.Timeout | undefined

  constructor(
    private readonly out: {write(s: string): unknown},
    /** Paint at once instead of on the next turn of the event loop (tests). */
    private readonly immediate = false,
    /** Rows of the terminal: lines below are never written (they would land on the last row). */
    private readonly rows: () => number = () => Infinity,
  ) {}

  /** A new frame from Ink; painted once the current burst of renders is over. */
  frame(text: string): void {
    if (this.closed) return
    this.pending = text
    this.last = text
    this.schedule()
  }

  private schedule(): void {
    if (this.immediate) return this.paint()
    if (this.scheduled) return
    this.scheduled = true
    setImmediate(() => {
      this.scheduled = false
      this.paint()
    })
  }

  /** The screen no longer shows what we think (resize): the next frame is painted on a
   *  cleared screen. A new frame normally follows at once; if none does, the last one is
   *  repainted shortly. */
  invalidate(): void {
    this.full = true
    this.shown = []
    clearTimeout(this.repaintTimer)
    const repaint = () => {
      if (this.full && this.pending === undefined && this.last !== undefined) {
        this.pending = this.last
        this.paint()
      }
    }
    if (this.immediate) repaint()
    else this.repaintTimer = setTimeout(repaint, 50)
  }

  /** Paints the pending frame, if any. */
  paint(): void {
    const text = this.pending
    if (text === undefined || this.closed) return
    this.pending = undefined
    const lines = text.split('\n')
    let buf = ''
    if (this.full) {
      buf += '\u001b[?25l\u001b[0m\u001b[H\u001b[2J'
      this.shown = []
      this.full = false
    }
    const n = Math.min(this.rows(), Math.max(lines.length, this.shown.length))
    for (let i = 0; i < n; i++) {
      const line = lines[i] ?? ''
      if (line === (this.shown[i] ?? '')) continue
      buf += `\u001b[${i + 1};1H${line}\u001b[0m\u001b[K`
    }
    this.shown = lines.slice(0, n)
    if (buf) this.out.write(BSU + buf + ESU)
  }

  /** Paints what is pending, then ignores everything (the terminal is being restored). */
  close(): void {
    this.paint()
    this.closed = true
    clearTimeout(this.repaintTimer)
  }
}

/** What Ink writes to: a stand-in for the terminal's stdout that has its size and hands each
 *  frame to the painter. */
export class FrameSink extends EventEmitter {
  readonly isTTY = true
  columns: number
  rows: number

  constructor(
    private readonly painter: ScreenPainter,
    size: {columns: number; rows: number},
  ) {
    super()
    this.columns = size.columns
    this.rows = size.rows
  }

  write(frame: string): boolean {
    this.painter.frame(frame)
    return true
  }

  /** The terminal changed size: repaint fully and let Ink (and the app) know. */
  resize(size: {columns: number; rows: number}): void {
    this.columns = size.columns
    this.rows = size.rows
    this.painter.invalidate()
    this.emit('resize')
  }
}
