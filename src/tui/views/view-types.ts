// What every dashboard view receives and returns: the screen options, the rows a table
// shows (with the reference the key reducer moves through) and a built view.
import type {Line} from '../layout.js'
import type {KeyContext, RowRef} from '../state.js'
import type {Theme} from '../theme.js'

export interface ScreenOptions {
  width: number
  height: number
  theme: Theme
  /** --show-ip was given (the snapshot then carries the addresses). */
  showIp: boolean
}

export interface TableRow<R> {
  ref: RowRef
  data: R
  search: string
}

export interface Built {
  title: string
  right: Line
  body: Line[]
  ctx: KeyContext
}
