// Links this package's own `confctl` bin into node_modules/.bin, so that `npx confctl`
// on a fresh clone (after `npm ci`) runs this checkout instead of looking for a package of
// that name in the registry: npm links the bins of dependencies, never the root package's.
import {mkdirSync, rmSync, symlinkSync, chmodSync} from 'node:fs'
import {join} from 'node:path'

const root = new URL('..', import.meta.url).pathname
const binDir = join(root, 'node_modules', '.bin')
mkdirSync(binDir, {recursive: true})
const link = join(binDir, 'confctl')
rmSync(link, {force: true})
symlinkSync(join('..', '..', 'bin', 'run.js'), link)
chmodSync(join(root, 'bin', 'run.js'), 0o755)
