// The Ink side of the dashboard: renders renderScreen()'s lines, turns keys into reducer
// actions and carries out what the reducer asks for (kick, close, quit). It never fetches:
// snapshots come from a TickSource (the poller in src/fleet), changes go through the
// FleetActions it is given.
import {Box, Text, useInput, useStdout} from 'ink'
import {memo, useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore, type ReactElement} from 'react'
import type {FleetActions} from '../fleet/snapshot-actions.js'
import type {FocusedRoom, SnapshotTick} from '../fleet/snapshot-poller.js'
import type {Line} from './layout.js'
import {renderScreen} from './screen.js'
import {currentView, initialState, reduce, type Action, type KeyContext, type UiState, type View} from './state.js'
import type {Style, Theme} from './theme.js'

/** Where snapshots come from: the poller, or a fixed tick in tests. */
export interface TickSource {
  latest(): SnapshotTick | undefined
  subscribe(listener: () => void): () => void
  /** Told which room is on screen in detail (room and participant views), null otherwise:
   *  the poller fetches the participants of that room only. */
  focus?(room: FocusedRoom | null): void
}

export function staticSource(
  tick: SnapshotTick | undefined,
): TickSource & {set(t: SnapshotTick): void; focused: (FocusedRoom | null)[]} {
  let current = tick
  const listeners = new Set<() => void>()
  const focused: (FocusedRoom | null)[] = []
  return {
    focused,
    focus: (room) => void focused.push(room),
    latest: () => current,
    subscribe(l) {
      listeners.add(l)
      return () => listeners.delete(l)
    },
    set(t) {
      current = t
      for (const l of listeners) l()
    },
  }
}

/** The UI state outside React, so that it survives a remount (the runner remounts on resize
 *  for a clean repaint) and tests can read it. */
export interface UiStore {
  getState(): UiState
  dispatch(action: Action): void
  subscribe(listener: () => void): () => void
  /** The tick on screen while paused. */
  frozen: SnapshotTick | undefined
}

export function createUiStore(initial: UiState = initialState()): UiStore {
  let state = initial
  const listeners = new Set<() => void>()
  return {
    frozen: undefined,
    getState: () => state,
    dispatch(action) {
      const next = reduce(state, action)
      if (next === state) return
      state = next
      for (const l of listeners) l()
    },
    subscribe(l) {
      listeners.add(l)
      return () => listeners.delete(l)
    },
  }
}

export interface TopAppProps {
  source: TickSource
  theme: Theme
  actions?: FleetActions
  showIp?: boolean
  store?: UiStore
  initialView?: View | View[]
  /** A fixed size (tests); otherwise the terminal's, following resizes. */
  size?: {columns: number; rows: number}
  onQuit?: () => void
}

export function TopApp(props: TopAppProps): ReactElement {
  const {source, theme, actions, showIp = false, onQuit} = props
  const [store] = useState(() => props.store ?? createUiStore(initialState(props.initialView)))
  const ui = useSyncExternalStore(store.subscribe, store.getState)
  const subscribe = useCallback((l: () => void) => source.subscribe(l), [source])
  const latest = useCallback(() => source.latest(), [source])
  const live = useSyncExternalStore(subscribe, latest)
  const size = useTerminalSize(props.size)

  if (ui.paused) store.frozen ??= live
  else store.frozen = undefined
  const shown = ui.paused ? store.frozen : live

  // The room on screen in detail, for the poller (it fetches no other room's participants).
  const view = currentView(ui)
  const focusNode = view.kind === 'room' || view.kind === 'participant' ? view.node : null
  const focusRoom = view.kind === 'room' || view.kind === 'participant' ? view.room : null
  useEffect(() => {
    source.focus?.(focusNode !== null && focusRoom !== null ? {node: focusNode, room: focusRoom} : null)
  }, [source, focusNode, focusRoom])

  const screen = useMemo(
    () => renderScreen(shown, ui, {width: size.columns, height: size.rows, theme, showIp}),
    [shown, ui, size.columns, size.rows, theme, showIp],
  )
  const ctx = useRef<KeyContext>(screen.ctx)
  ctx.current = screen.ctx

  useInput((input, key) => {
    const plain =
      !key.ctrl && !key.meta && !key.escape && !key.upArrow && !key.downArrow && !key.pageUp && !key.pageDown
    if (!plain || [...input].length <= 1) {
      store.dispatch({type: 'key', input, key, ctx: ctx.current})
      return
    }
    // Several keys in one read (typed fast, or pasted): one at a time, each against the
    // screen as the previous one left it.
    for (const ch of input) {
      const k =
        ch === '\r'
          ? {return: true}
          : ch === '\t'
            ? {tab: true}
            : ch === '\u007f' || ch === '\b'
              ? {backspace: true}
              : {}
      const now = store.getState()
      const rowsNow = renderScreen(now.paused ? (store.frozen ?? source.latest()) : source.latest(), now, {
        width: size.columns,
        height: size.rows,
        theme,
        showIp,
      }).ctx
      store.dispatch({type: 'key', input: k.return || k.tab || k.backspace ? '' : ch, key: k, ctx: rowsNow})
    }
  })

  useEffect(() => {
    if (ui.quit) onQuit?.()
  }, [ui.quit, onQuit])

  const request = ui.request
  useEffect(() => {
    if (!request) return
    if (!actions) {
      store.dispatch({type: 'done', id: request.id, ok: false, message: 'changes are not possible here.'})
      return
    }
    const run =
      request.kind === 'kick'
        ? actions.kick(request.node, request.room, request.participantId)
        : actions.closeRoom(request.node, request.room)
    void run.then(
      (r) => store.dispatch({type: 'done', id: request.id, ok: r.ok, message: r.message}),
      (err: unknown) =>
        store.dispatch({type: 'done', id: request.id, ok: false, message: String((err as Error)?.message ?? err)}),
    )
  }, [request, actions, store])

  return <Frame lines={screen.lines} />
}

function useTerminalSize(fixed?: {columns: number; rows: number}): {columns: number; rows: number} {
  const {stdout} = useStdout()
  const read = () => fixed ?? {columns: stdout.columns || 80, rows: stdout.rows || 24}
  const [size, setSize] = useState(read)
  useEffect(() => {
    if (fixed) return
    const onResize = () => setSize({columns: stdout.columns || 80, rows: stdout.rows || 24})
    stdout.on('resize', onResize)
    return () => {
      stdout.off('resize', onResize)
    }
  }, [stdout, fixed])
  return fixed ?? size
}

function Frame({lines}: {lines: Line[]}): ReactElement {
  return (
    <Box flexDirection="column">
      {lines.map((line, i) => (
        <LineView key={i} line={line} />
      ))}
    </Box>
  )
}

const LineView = memo(
  function LineView({line}: {line: Line}): ReactElement {
    return (
      <Text wrap="truncate-end">
        {line.map((seg, j) =>
          seg.style ? (
            <Text key={j} {...textProps(seg.style)}>
              {seg.text}
            </Text>
          ) : (
            seg.text
          ),
        )}
      </Text>
    )
  },
  (a, b) => sameLine(a.line, b.line),
)

function textProps(s: Style) {
  return {
    color: s.color,
    backgroundColor: s.backgroundColor,
    bold: s.bold,
    dimColor: s.dim,
    inverse: s.inverse,
    underline: s.underline,
  }
}

function sameStyle(a: Style | undefined, b: Style | undefined): boolean {
  if (a === b) return true
  if (!a || !b) return false
  return (
    a.color === b.color &&
    a.backgroundColor === b.backgroundColor &&
    a.bold === b.bold &&
    a.dim === b.dim &&
    a.inverse === b.inverse &&
    a.underline === b.underline
  )
}

function sameLine(a: Line, b: Line): boolean {
  if (a === b) return true
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i].text !== b[i].text || !sameStyle(a[i].style, b[i].style)) return false
  return true
}
