// Real browsers from Debian's packages, driven headless for the browser tests: Chromium
// (/usr/bin/chromium) through playwright-core over CDP, Firefox ESR (/usr/bin/firefox-esr)
// through puppeteer-core over WebDriver BiDi. Neither driver downloads a browser. Both are
// wrapped in one small interface, so a test reads the same whichever browser it drives:
// open a tab on the test page (webrtc-page.ts) and call its `cc` functions.
import {chromium} from 'playwright-core'
import puppeteer from 'puppeteer-core'
import {ISOLATED_IP} from './netns.js'

export const CHROMIUM_PATH = '/usr/bin/chromium'
export const FIREFOX_PATH = '/usr/bin/firefox-esr'
const LAUNCH_TIMEOUT_MS = 30_000
/** Any one call into a page: a WHIP/WHEP exchange with ICE gathering takes a few seconds. */
const CALL_TIMEOUT_MS = 20_000

export interface Tab {
  /** Calls `cc.<fn>(...args)` in the page and returns its (JSON) result. */
  call<T>(fn: string, ...args: unknown[]): Promise<T>
}

export interface Browser {
  name: 'chromium' | 'firefox'
  open(url: string): Promise<Tab>
  close(): Promise<void>
}

const CHROMIUM_ARGS = [
  '--no-sandbox', // we run as root in CI
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--autoplay-policy=no-user-gesture-required', // received audio plays, so it is counted
  // Chromium resolves names of its own even with background networking off; a test needs
  // none, and the namespace's fence (netns.ts) would count the lookups against the node.
  `--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE ${ISOLATED_IP}`,
]

const FIREFOX_PREFS = {
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  // Audio plays and AudioContexts run without a user gesture (the synthetic tone source).
  'media.autoplay.default': 0,
  'media.autoplay.blocking_policy': 0,
  // Firefox checks its connectivity and fetches remote settings with lookups of its own; a
  // test needs neither (and the namespace's DNS sink would count them against the node).
  'network.connectivity-service.enabled': false,
  'network.dns.disablePrefetch': true,
  'services.settings.server': 'http://127.0.0.1:9/remote-settings', // nothing listens there
  // A background tab's timers would slow the synthetic sources down.
  'dom.min_background_timeout_value': 4,
}

const expression = (fn: string, args: unknown[]) => `cc.${fn}(${args.map((a) => JSON.stringify(a)).join(', ')})`

function bounded<T>(what: string, p: Promise<T>, ms = CALL_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout
  const timeout = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms)),
  )
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer))
}

/**
 * Chromium with a fresh profile (playwright makes a temporary --user-data-dir itself).
 * `fakeVideoFile`: a .y4m file its fake camera plays instead of its simple test picture.
 */
export async function launchChromium(opts: {fakeVideoFile?: string} = {}): Promise<Browser> {
  const args = opts.fakeVideoFile
    ? [...CHROMIUM_ARGS, `--use-file-for-fake-video-capture=${opts.fakeVideoFile}`]
    : CHROMIUM_ARGS
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args,
    timeout: LAUNCH_TIMEOUT_MS,
  })
  const context = await browser.newContext()
  return {
    name: 'chromium',
    async open(url) {
      const page = await context.newPage()
      await page.goto(url, {timeout: LAUNCH_TIMEOUT_MS})
      return {call: (fn, ...args) => bounded(`chromium cc.${fn}`, page.evaluate(expression(fn, args)))}
    },
    close: () => bounded('closing chromium', browser.close(), 10_000).catch(() => undefined),
  }
}

/** Firefox ESR with a fresh profile and its default preferences, plus fake media and `prefs`. */
export async function launchFirefox(prefs: Record<string, unknown> = {}): Promise<Browser> {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX_PATH,
    headless: true,
    timeout: LAUNCH_TIMEOUT_MS,
    extraPrefsFirefox: {...FIREFOX_PREFS, ...prefs},
    // Release builds honour services.settings.server only with this set.
    env: {...process.env, MOZ_REMOTE_SETTINGS_DEVTOOLS: '1'},
  })
  return {
    name: 'firefox',
    async open(url) {
      const page = await browser.newPage()
      await page.goto(url, {timeout: LAUNCH_TIMEOUT_MS})
      return {call: (fn, ...args) => bounded(`firefox cc.${fn}`, page.evaluate(expression(fn, args)) as Promise<never>)}
    },
    close: () => bounded('closing firefox', browser.close(), 10_000).catch(() => undefined),
  }
}
