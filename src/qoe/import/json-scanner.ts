// An incremental JSON tokenizer over bytes, for files too large to hold in memory: feed it
// chunks as they come off the disk (or out of gunzip) and it calls a handler for each
// token. It validates the whole grammar (RFC 8259) but keeps nothing by itself: a string's
// bytes are collected only when the handler asks for that string, so skipping a 10 MB SDP
// costs no memory. It knows the line, the byte offset and the key path at every point, so
// errors can say exactly where the input went wrong.
//
// Strings are scanned with Buffer.indexOf for the closing quote (counting backslashes before
// it), which is what makes large dumps fast: most of their bytes are inside strings.
// Leniencies: raw control characters inside strings are accepted, and escapes are only
// checked in strings that are kept.

/** A scanned string the handler did not ask for. */
export const SKIPPED = Symbol('skipped string')

export type ScalarValue = string | number | boolean | null | typeof SKIPPED

export interface ScanHandler {
  startObject(): void
  endObject(): void
  startArray(): void
  endArray(): void
  /** A key of the innermost object. */
  key(key: string): void
  /** A string value starts: keep it (delivered to value()) or skip it (value(SKIPPED)). */
  wantString(): boolean
  value(v: ScalarValue): void
}

export type JsonErrorKind = 'syntax' | 'truncated' | 'empty' | 'limit' | 'shape' | 'line'

/** Where and why the input is not what was expected; the importer adds the file name. */
export class JsonInputError extends Error {
  constructor(
    readonly kind: JsonErrorKind,
    readonly reason: string,
    readonly line: number,
    readonly offset: number,
    readonly path: string,
  ) {
    super(`${reason} at line ${line} (byte ${offset})${path ? ` in ${path}` : ''}`)
    this.name = 'JsonInputError'
  }
}

export interface ScanLimits {
  /** Longest string value the handler may keep, in bytes. */
  maxString: number
  /** Longest key, in bytes. */
  maxKey: number
  /** Deepest nesting. */
  maxDepth: number
}

const DEFAULT_LIMITS: ScanLimits = {maxString: 64 * 1024 * 1024, maxKey: 1024 * 1024, maxDepth: 512}

const enum St {
  Value,
  ArrayFirst,
  ObjectFirst,
  ObjectKey,
  Colon,
  After,
  String,
  Number,
  Literal,
  Done,
}

const QUOTE = 0x22
const BACKSLASH = 0x5c
const NUMBER_RE = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/
const IDENT_RE = /^[A-Za-z_$][\w$]*$/

function isNumberByte(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45
}

function describeByte(c: number): string {
  return c >= 0x21 && c <= 0x7e ? `'${String.fromCharCode(c)}'` : `byte 0x${c.toString(16).padStart(2, '0')}`
}

export class JsonScanner {
  private state: St = St.Value
  /** true: object, false: array */
  private readonly isObject: boolean[] = []
  private readonly keys: (string | null)[] = []
  private readonly indexes: number[] = []
  private line = 1
  private base = 0
  private tokenLine = 1
  private tokenOffset = 0
  private sawAnything = false
  // string state
  private strKeep = false
  private strIsKey = false
  private strParts: Buffer[] = []
  private strLen = 0
  private backslashRun = 0
  // number / literal state
  private tok = ''
  private literal = ''
  private readonly limits: ScanLimits

  constructor(
    private readonly handler: ScanHandler,
    limits: Partial<ScanLimits> = {},
  ) {
    this.limits = {...DEFAULT_LIMITS, ...limits}
  }

  /** Line of the token being delivered (1-based). */
  get currentLine(): number {
    return this.tokenLine
  }

  /** Byte offset of the token being delivered (0-based, in the decoded stream). */
  get currentOffset(): number {
    return this.tokenOffset
  }

  get depth(): number {
    return this.isObject.length
  }

  /** The key path of the current position: PeerConnections["1-1"].stats["IT01V1-jitter"]. */
  path(): string {
    let out = ''
    for (let d = 0; d < this.isObject.length; d++) {
      if (this.isObject[d]) {
        const k = this.keys[d]
        if (k === null || k === undefined) continue
        out += IDENT_RE.test(k) ? (out ? `.${k}` : k) : `[${JSON.stringify(k)}]`
      } else {
        out += `[${this.indexes[d]}]`
      }
    }
    return out
  }

  /** Throws a JsonInputError at the current token (for handlers that reject the shape). */
  fail(reason: string, kind: JsonErrorKind = 'shape', withPath = true): never {
    throw new JsonInputError(kind, reason, this.tokenLine, this.tokenOffset, withPath ? this.path() : '')
  }

  private syntax(reason: string, offset: number): never {
    throw new JsonInputError('syntax', reason, this.line, offset, this.path())
  }

  write(buf: Buffer): void {
    const n = buf.length
    let i = 0
    while (i < n) {
      switch (this.state) {
        case St.String:
          i = this.scanString(buf, i)
          continue
        case St.Number: {
          let j = i
          while (j < n && isNumberByte(buf[j]!)) j++
          this.tok += buf.toString('latin1', i, j)
          if (this.tok.length > 400) this.syntax('a number longer than 400 characters', this.base + i)
          i = j
          if (j < n) this.finishNumber()
          continue
        }
        case St.Literal: {
          while (i < n && this.tok.length < this.literal.length) {
            const c = buf[i]!
            if (c !== this.literal.charCodeAt(this.tok.length))
              this.syntax(`unexpected ${describeByte(c)} (expected "${this.literal}")`, this.base + i)
            this.tok += this.literal[this.tok.length]
            i++
          }
          if (this.tok.length === this.literal.length) {
            this.handler.value(this.literal === 'null' ? null : this.literal === 'true')
            this.valueDone()
          }
          continue
        }
        default:
          break
      }
      const c = buf[i]!
      if (c === 0x20 || c === 0x09 || c === 0x0d) {
        i++
        continue
      }
      if (c === 0x0a) {
        this.line++
        i++
        continue
      }
      const at = this.base + i
      switch (this.state) {
        case St.ArrayFirst:
          if (c === 0x5d) {
            this.close(false, at)
            i++
            break
          }
          this.beginValue(c, at)
          i++
          break
        case St.Value:
          this.beginValue(c, at)
          i++
          break
        case St.ObjectFirst:
          if (c === 0x7d) {
            this.close(true, at)
            i++
            break
          }
        // falls through: a key
        case St.ObjectKey:
          if (c !== QUOTE) this.syntax(`unexpected ${describeByte(c)} (expected a key in double quotes)`, at)
          this.beginString(true, at)
          i++
          break
        case St.Colon:
          if (c !== 0x3a) this.syntax(`unexpected ${describeByte(c)} (expected ':')`, at)
          this.state = St.Value
          i++
          break
        case St.After: {
          const top = this.isObject.length - 1
          if (c === 0x2c) {
            if (this.isObject[top]) this.state = St.ObjectKey
            else {
              this.indexes[top]!++
              this.state = St.Value
            }
          } else if (c === 0x7d || c === 0x5d) {
            this.close(c === 0x7d, at)
          } else {
            this.syntax(`unexpected ${describeByte(c)} (expected ',' or '${this.isObject[top] ? '}' : ']'}')`, at)
          }
          i++
          break
        }
        default: // St.Done: only whitespace may follow the document
          this.syntax(`unexpected ${describeByte(c)} after the end of the JSON document`, at)
      }
    }
    this.base += n
  }

  /** Call at the end of the input: throws if the document is incomplete. */
  end(): void {
    if (this.state === St.Number && this.isObject.length === 0) this.finishNumber()
    if (this.state === St.Done) return
    this.tokenLine = this.line
    this.tokenOffset = this.base
    if (!this.sawAnything)
      throw new JsonInputError(
        'empty',
        'no JSON value (the input is empty or only whitespace)',
        this.line,
        this.base,
        '',
      )
    const inside =
      this.state === St.String
        ? 'a string'
        : this.state === St.Literal || this.state === St.Number
          ? 'a value'
          : 'the document'
    throw new JsonInputError('truncated', `the input ends inside ${inside}`, this.line, this.base, this.path())
  }

  private beginValue(c: number, at: number): void {
    this.tokenLine = this.line
    this.tokenOffset = at
    this.sawAnything = true
    if (c === 0x7b || c === 0x5b) {
      if (this.isObject.length >= this.limits.maxDepth)
        this.syntax(`nesting deeper than ${this.limits.maxDepth} levels`, at)
      const obj = c === 0x7b
      if (obj) this.handler.startObject()
      else this.handler.startArray()
      this.isObject.push(obj)
      this.keys.push(null)
      this.indexes.push(0)
      this.state = obj ? St.ObjectFirst : St.ArrayFirst
    } else if (c === QUOTE) {
      this.beginString(false, at)
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      this.tok = String.fromCharCode(c)
      this.state = St.Number
    } else if (c === 0x74 || c === 0x66 || c === 0x6e) {
      this.literal = c === 0x74 ? 'true' : c === 0x66 ? 'false' : 'null'
      this.tok = this.literal[0]!
      this.state = St.Literal
    } else {
      this.syntax(`unexpected ${describeByte(c)} (expected a JSON value)`, at)
    }
  }

  private close(obj: boolean, at: number): void {
    const top = this.isObject.length - 1
    if (top < 0 || this.isObject[top] !== obj) this.syntax(`unexpected '${obj ? '}' : ']'}'`, at)
    this.tokenLine = this.line
    this.tokenOffset = at
    if (obj) this.handler.endObject()
    else this.handler.endArray()
    this.isObject.pop()
    this.keys.pop()
    this.indexes.pop()
    this.valueDone()
  }

  private valueDone(): void {
    this.state = this.isObject.length === 0 ? St.Done : St.After
  }

  private finishNumber(): void {
    if (!NUMBER_RE.test(this.tok)) this.syntax(`"${this.tok}" is not a valid number`, this.tokenOffset)
    this.handler.value(Number(this.tok))
    this.valueDone()
  }

  private beginString(isKey: boolean, at: number): void {
    if (isKey) {
      this.tokenLine = this.line
      this.tokenOffset = at
    }
    this.strIsKey = isKey
    this.strKeep = isKey || this.handler.wantString()
    this.strParts = []
    this.strLen = 0
    this.backslashRun = 0
    this.state = St.String
  }

  /** Scans string bytes from i; returns the index after the closing quote, or buf.length. */
  private scanString(buf: Buffer, start: number): number {
    const n = buf.length
    let from = start
    for (;;) {
      const q = buf.indexOf(QUOTE, from)
      if (q === -1) {
        let k = n - 1
        while (k >= start && buf[k] === BACKSLASH) k--
        const run = n - 1 - k
        this.backslashRun = k < start ? this.backslashRun + run : run
        this.keepPart(buf, start, n)
        return n
      }
      let k = q - 1
      let run = 0
      while (k >= start && buf[k] === BACKSLASH) {
        run++
        k--
      }
      if (k < start) run += this.backslashRun
      if (run % 2 === 1) {
        from = q + 1
        continue
      }
      this.keepPart(buf, start, q)
      this.finishString()
      return q + 1
    }
  }

  private keepPart(buf: Buffer, from: number, to: number): void {
    if (to <= from) return
    this.strLen += to - from
    if (!this.strKeep) return
    const max = this.strIsKey ? this.limits.maxKey : this.limits.maxString
    if (this.strLen > max) {
      throw new JsonInputError(
        'limit',
        `a ${this.strIsKey ? 'key' : 'string'} longer than ${max} bytes`,
        this.tokenLine,
        this.tokenOffset,
        this.path(),
      )
    }
    this.strParts.push(buf.subarray(from, to))
  }

  private finishString(): void {
    let text: string | typeof SKIPPED = SKIPPED
    if (this.strKeep) {
      const raw = this.strParts.length === 1 ? this.strParts[0]! : Buffer.concat(this.strParts)
      this.strParts = []
      if (raw.indexOf(BACKSLASH) === -1) {
        text = raw.toString('utf8')
      } else {
        try {
          text = JSON.parse(`"${raw.toString('utf8')}"`) as string
        } catch {
          throw new JsonInputError(
            'syntax',
            'a string with an invalid escape sequence',
            this.tokenLine,
            this.tokenOffset,
            this.path(),
          )
        }
      }
    }
    if (this.strIsKey) {
      this.keys[this.keys.length - 1] = text as string
      this.handler.key(text as string)
      this.state = St.Colon
    } else {
      this.handler.value(text)
      this.valueDone()
    }
  }
}
