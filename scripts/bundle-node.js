// Builds the SFU node (src/sfu/main.ts) as ONE JavaScript file that runs with nothing but
// Node.js >= 20: werift and the other dependencies are pure JavaScript and are bundled in;
// better-sqlite3 (native) is replaced by node-sqlite3-wasm, whose WebAssembly SQLite is
// embedded in the file (see docs/provisioning.md, "The node bundle").
//
// Writes  <out>/confctl-node-<version>.mjs
//         <out>/confctl-node-<version>.mjs.sha256   (`sha256sum` format)
//         <out>/manifest.json                        {format, name, version, file, sha256, bytes, node, sqlite, builtAt}
// Usage:  node scripts/bundle-node.js [--version V] [--out DIR]
//         (defaults: package.json's version, dist/node-bundle)
import {build} from 'esbuild'
import {createHash} from 'node:crypto'
import {mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(import.meta.url)

function option(name, fallback) {
  const i = process.argv.indexOf(name)
  if (i === -1) return fallback
  const v = process.argv[i + 1]
  if (!v || v.startsWith('--')) {
    console.error(`bundle-node: ${name} needs a value`)
    process.exit(2)
  }
  return v
}

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const version = option('--version', pkg.version)
if (!/^[0-9A-Za-z][0-9A-Za-z.+-]{0,63}$/.test(version)) {
  console.error(`bundle-node: --version must be a plain version like 1.2.3, not '${version}'`)
  process.exit(2)
}
const out = resolve(option('--out', join(root, 'dist', 'node-bundle')))
const file = `confctl-node-${version}.mjs`

const wasmJs = require.resolve('node-sqlite3-wasm')
const wasmBinary = join(dirname(wasmJs), 'node-sqlite3-wasm.wasm')

/** node-db-driver.ts (better-sqlite3) -> node-db-driver-wasm.ts, and the WebAssembly binary
 *  of node-sqlite3-wasm embedded instead of read from beside its script at run time. */
const nativeFree = {
  name: 'confctl-native-free',
  setup(b) {
    b.onResolve({filter: /^\.\/node-db-driver\.js$/}, (args) => ({
      path: join(args.resolveDir, 'node-db-driver-wasm.ts'),
    }))
    b.onResolve({filter: /^better-sqlite3$/}, () => ({
      errors: [{text: 'better-sqlite3 (native) must not end up in the node bundle'}],
    }))
    b.onLoad({filter: /node-sqlite3-wasm[\\/]dist[\\/]node-sqlite3-wasm\.js$/}, (args) => {
      const wasm = readFileSync(wasmBinary).toString('base64')
      const preamble = `var __dirname = "/";\nvar Module = {wasmBinary: Buffer.from(${JSON.stringify(wasm)}, "base64")};\n`
      return {contents: preamble + readFileSync(args.path, 'utf8'), loader: 'js'}
    })
  },
}

const result = await build({
  entryPoints: [join(root, 'src', 'sfu', 'main.ts')],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  write: false,
  outfile: join(out, file),
  legalComments: 'none',
  logLevel: 'warning',
  define: {__CONFCTL_NODE_VERSION__: JSON.stringify(version)},
  // CommonJS dependencies call require() for Node's own modules.
  banner: {
    js: `#!/usr/bin/env node\n// confctl SFU node ${version}: single-file bundle, needs only Node.js >= 20.\nimport {createRequire as __confctlCreateRequire} from 'node:module';\nconst require = __confctlCreateRequire(import.meta.url);`,
  },
  plugins: [nativeFree],
  metafile: true,
})

const inputs = Object.keys(result.metafile.inputs)
const native = inputs.filter((p) => /\.node$|better-sqlite3|node-gyp-build|bindings[\\/]/.test(p))
if (native.length) {
  console.error(`bundle-node: native parts would end up in the bundle: ${native.join(', ')}`)
  process.exit(1)
}

const code = result.outputFiles[0].contents
const sha256 = createHash('sha256').update(code).digest('hex')
mkdirSync(out, {recursive: true})
// One bundle per directory: an older version left beside it would be ambiguous.
for (const old of readdirSync(out)) if (/^confctl-node-.*\.mjs(\.sha256)?$/.test(old)) rmSync(join(out, old))
writeFileSync(join(out, file), code, {mode: 0o644})
writeFileSync(join(out, `${file}.sha256`), `${sha256}  ${file}\n`)
const manifest = {
  format: 1,
  name: 'confctl-node',
  version,
  file,
  sha256,
  bytes: code.length,
  node: '>=20',
  sqlite: 'node-sqlite3-wasm',
  builtAt: new Date().toISOString(),
}
writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n')
console.log(
  `node bundle: ${join(out, file)} (${(code.length / 1024 / 1024).toFixed(1)} MiB, sha256 ${sha256.slice(0, 16)}...)`,
)
