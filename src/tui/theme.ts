// Colour for the dashboard at the depth the terminal has: truecolor, 256 colours, the 16
// basic ones, or none at all (NO_COLOR, FORCE_COLOR=0, TERM=dumb, not a TTY). Without colour
// nothing is lost: the selected row is marked by a '›' and inverse video, and bad figures are
// bold.

export type ColorLevel = 0 | 1 | 2 | 3

/** What a piece of text means; the theme decides how that looks. */
export type Tone =
  'good' | 'fair' | 'poor' | 'muted' | 'accent' | 'title' | 'up' | 'draining' | 'unreachable' | 'error' | 'info'

export interface Style {
  color?: string
  backgroundColor?: string
  bold?: boolean
  dim?: boolean
  inverse?: boolean
  underline?: boolean
}

export interface Theme {
  level: ColorLevel
  tone(t: Tone | undefined): Style
  /** The selected row. */
  selected: Style
  /** Column headings. */
  heading: Style
  /** The top bar and the key bar. */
  bar: Style
}

export function detectColorLevel(
  env: NodeJS.ProcessEnv = process.env,
  isTTY = Boolean(process.stdout.isTTY),
): ColorLevel {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0
  const force = env.FORCE_COLOR
  if (force !== undefined) {
    if (force === '0' || force === 'false') return 0
    if (force === '' || force === 'true' || force === '1') return 1
    const n = Number.parseInt(force, 10)
    if (n >= 1) return Math.min(3, n) as ColorLevel
  }
  if (!isTTY || env.TERM === 'dumb') return 0
  if (/^(truecolor|24bit)$/i.test(env.COLORTERM ?? '')) return 3
  if (/256/.test(env.TERM ?? '')) return 2
  return 1
}

type Palette = Record<'good' | 'fair' | 'poor' | 'muted' | 'accent' | 'title' | 'selBg' | 'barBg', string>

const PALETTES: Record<1 | 2 | 3, Palette> = {
  3: {
    good: '#5fd75f',
    fair: '#ffd75f',
    poor: '#ff5f5f',
    muted: '#8a8a8a',
    accent: '#5fafff',
    title: '#87d7ff',
    selBg: '#264f78',
    barBg: '#303030',
  },
  2: {
    good: 'ansi256(77)',
    fair: 'ansi256(221)',
    poor: 'ansi256(203)',
    muted: 'ansi256(245)',
    accent: 'ansi256(75)',
    title: 'ansi256(117)',
    selBg: 'ansi256(24)',
    barBg: 'ansi256(236)',
  },
  1: {
    good: 'green',
    fair: 'yellow',
    poor: 'red',
    muted: 'gray',
    accent: 'cyan',
    title: 'cyanBright',
    selBg: '',
    barBg: '',
  },
}

export function makeTheme(level: ColorLevel): Theme {
  if (level === 0) {
    const plain: Partial<Record<Tone, Style>> = {
      poor: {bold: true},
      unreachable: {bold: true},
      error: {bold: true},
      title: {bold: true},
    }
    return {
      level,
      tone: (t) => (t ? (plain[t] ?? {}) : {}),
      selected: {inverse: true},
      heading: {bold: true},
      bar: {},
    }
  }
  const p = PALETTES[level]
  const tones: Record<Tone, Style> = {
    good: {color: p.good},
    fair: {color: p.fair},
    poor: {color: p.poor, bold: true},
    muted: {color: p.muted},
    accent: {color: p.accent},
    title: {color: p.title, bold: true},
    up: {color: p.good},
    draining: {color: p.fair},
    unreachable: {color: p.poor, bold: true},
    error: {color: p.poor, bold: true},
    info: {color: p.accent},
  }
  return {
    level,
    tone: (t) => (t ? tones[t] : {}),
    selected: p.selBg ? {backgroundColor: p.selBg} : {inverse: true},
    heading: {bold: true, color: p.muted},
    bar: p.barBg ? {backgroundColor: p.barBg} : {},
  }
}
