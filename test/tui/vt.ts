// A small terminal emulator for tests: enough of VT100/xterm to replay what the dashboard and
// a shell write (printable text with pending-wrap, CR/LF/BS/TAB, cursor moves CUU/CUD/CUF/CUB/
// CNL/CPL/CHA/CUP/VPA, erase ED/EL, scrolling, the alternate screen 1049, SGR and other modes
// ignored), so a test can read the screen a person would see rather than the raw byte stream.

export class VirtualTerminal {
  cols: number
  rows: number
  private main: string[][]
  private alt: string[][]
  private screen: string[][]
  private x = 0
  private y = 0
  private wrapPending = false
  private savedMain = {x: 0, y: 0}
  private pending = ''
  altActive = false
  /** How many times the alternate screen was entered / left. */
  altEntered = 0
  altLeft = 0

  constructor(cols: number, rows: number) {
    this.cols = cols
    this.rows = rows
    this.main = blank(cols, rows)
    this.alt = blank(cols, rows)
    this.screen = this.main
  }

  resize(cols: number, rows: number): void {
    const fit = (s: string[][]) => {
      const out = blank(cols, rows)
      for (let r = 0; r < Math.min(rows, s.length); r++)
        for (let c = 0; c < Math.min(cols, s[r].length); c++) out[r][c] = s[r][c]
      return out
    }
    this.main = fit(this.main)
    this.alt = fit(this.alt)
    this.screen = this.altActive ? this.alt : this.main
    this.cols = cols
    this.rows = rows
    this.x = Math.min(this.x, cols - 1)
    this.y = Math.min(this.y, rows - 1)
  }

  write(data: string): void {
    const text = this.pending + data
    this.pending = ''
    let i = 0
    while (i < text.length) {
      const ch = text[i]
      if (ch === '\u001b') {
        const consumed = this.escape(text, i)
        if (consumed === 0) {
          this.pending = text.slice(i) // an incomplete sequence: wait for the rest
          return
        }
        i += consumed
        continue
      }
      i++
      if (ch === '\r') {
        this.x = 0
        this.wrapPending = false
      } else if (ch === '\n') this.lineFeed()
      else if (ch === '\b') {
        this.x = Math.max(0, this.x - 1)
        this.wrapPending = false
      } else if (ch === '\t') this.x = Math.min(this.cols - 1, (Math.floor(this.x / 8) + 1) * 8)
      else if (ch === '\u0007' || ch < ' ') continue
      else this.put(ch)
    }
  }

  /** The screen as text lines (trailing spaces removed). */
  lines(): string[] {
    return this.screen.map((r) => r.join('').replace(/\s+$/, ''))
  }

  text(): string {
    return this.lines().join('\n')
  }

  private put(ch: string): void {
    if (this.wrapPending) {
      this.x = 0
      this.lineFeed()
      this.wrapPending = false
    }
    this.screen[this.y][this.x] = ch
    if (this.x === this.cols - 1) this.wrapPending = true
    else this.x++
  }

  private lineFeed(): void {
    this.wrapPending = false
    if (this.y === this.rows - 1) {
      this.screen.shift()
      this.screen.push(new Array(this.cols).fill(' '))
    } else this.y++
  }

  /** Handles an escape sequence at text[i]; returns its length, or 0 if it is incomplete. */
  private escape(text: string, i: number): number {
    const next = text[i + 1]
    if (next === undefined) return 0
    if (next === '[') {
      const m = /^\u001b\[([?>=]?)([0-9;]*)([ -/]*)([@-~])/.exec(text.slice(i))
      if (!m) return text.length - i > 32 ? 2 : 0
      this.csi(m[1], m[2], m[4])
      return m[0].length
    }
    if (next === ']') {
      // OSC ... BEL or ST
      const rest = text.slice(i)
      const end = rest.search(/\u0007|\u001b\\/)
      if (end < 0) return 0
      return end + (rest[end] === '\u0007' ? 1 : 2)
    }
    if (next === '7') {
      this.savedMain = {x: this.x, y: this.y}
      return 2
    }
    if (next === '8') {
      this.x = this.savedMain.x
      this.y = this.savedMain.y
      return 2
    }
    if (next === '(' || next === ')') return text.length - i >= 3 ? 3 : 0
    return 2
  }

  private csi(priv: string, params: string, final: string): void {
    const nums = params.split(';').map((p) => (p === '' ? undefined : Number(p)))
    const n = (k: number, def = 1) => nums[k] ?? def
    this.wrapPending = false
    if (priv === '?') {
      if (final !== 'h' && final !== 'l') return
      for (const mode of nums) {
        if (mode === 1049) {
          if (final === 'h' && !this.altActive) {
            this.savedMain = {x: this.x, y: this.y}
            this.alt = blank(this.cols, this.rows)
            this.screen = this.alt
            this.altActive = true
            this.altEntered++
          } else if (final === 'l' && this.altActive) {
            this.screen = this.main
            this.altActive = false
            this.x = this.savedMain.x
            this.y = this.savedMain.y
            this.altLeft++
          }
        }
      }
      return
    }
    if (priv) return
    switch (final) {
      case 'A':
        this.y = Math.max(0, this.y - n(0))
        break
      case 'B':
        this.y = Math.min(this.rows - 1, this.y + n(0))
        break
      case 'C':
        this.x = Math.min(this.cols - 1, this.x + n(0))
        break
      case 'D':
        this.x = Math.max(0, this.x - n(0))
        break
      case 'E':
        this.y = Math.min(this.rows - 1, this.y + n(0))
        this.x = 0
        break
      case 'F':
        this.y = Math.max(0, this.y - n(0))
        this.x = 0
        break
      case 'G':
        this.x = Math.min(this.cols - 1, n(0) - 1)
        break
      case 'd':
        this.y = Math.min(this.rows - 1, n(0) - 1)
        break
      case 'H':
      case 'f':
        this.y = Math.min(this.rows - 1, Math.max(0, n(0) - 1))
        this.x = Math.min(this.cols - 1, Math.max(0, n(1) - 1))
        break
      case 'J': {
        const mode = n(0, 0)
        if (mode === 2 || mode === 3) for (const r of this.screen) r.fill(' ')
        else if (mode === 0) {
          this.screen[this.y].fill(' ', this.x)
          for (let r = this.y + 1; r < this.rows; r++) this.screen[r].fill(' ')
        } else if (mode === 1) {
          this.screen[this.y].fill(' ', 0, this.x + 1)
          for (let r = 0; r < this.y; r++) this.screen[r].fill(' ')
        }
        break
      }
      case 'K': {
        const mode = n(0, 0)
        const row = this.screen[this.y]
        if (mode === 0) row.fill(' ', this.x)
        else if (mode === 1) row.fill(' ', 0, this.x + 1)
        else row.fill(' ')
        break
      }
      default:
        break // SGR (m) and the rest: no effect on the text
    }
  }
}

function blank(cols: number, rows: number): string[][] {
  return Array.from({length: rows}, () => new Array(cols).fill(' '))
}

/** Removes ANSI escape sequences (for asserting on raw output). */
export function stripAnsi(text: string): string {
  return text.replace(
    /\u001b\[[0-9;?>=]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(\u0007|\u001b\\)|\u001b[@-Z\\-_78()]/g,
    '',
  )
}
