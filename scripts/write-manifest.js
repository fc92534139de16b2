// Regenerates oclif.manifest.json from the compiled commands, so `confctl` starts without
// scanning dist/ at every run. Uses @oclif/core's own Plugin loader (the same code the
// `oclif manifest` tool calls) instead of pulling in the whole oclif generator package.
import {Plugin} from '@oclif/core'
import {writeFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {dirname, join} from 'node:path'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const plugin = new Plugin({root, type: 'core', ignoreManifest: true, errorOnManifestCreate: true})
await plugin.load()
const manifest = plugin.manifest
if (Object.keys(manifest.commands).length === 0) {
  console.error('write-manifest: no commands found under dist/src/commands; did tsc run?')
  process.exit(1)
}
writeFileSync(join(root, 'oclif.manifest.json'), JSON.stringify(manifest, null, 2) + '\n')
console.log(`oclif.manifest.json: ${Object.keys(manifest.commands).length} commands`)
