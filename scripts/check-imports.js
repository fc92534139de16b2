// Fails CI on an import cycle or an import that breaks DESIGN.md's layering, reading the
// TypeScript sources (not dist/, so it needs no build). Why our own script and not madge:
// the layering rules below are ours, and the graph is small enough to walk in a second.
// Every relative import counts, `import type` included: a type is still a dependency.
// Usage: node scripts/check-imports.js [--root DIR]   (DIR defaults to ./src)
// Exit 0: clean; exit 1: file cycles, folder (layer) cycles or violations, one line each on stdout.
import {readdirSync, readFileSync, statSync, existsSync} from 'node:fs'
import {dirname, join, relative, resolve, sep} from 'node:path'
import {fileURLToPath} from 'node:url'
import ts from 'typescript'

// Each layer (a folder or file under src/, '/'-separated) and what it may import besides itself
// (mayImport: only these) or must not (forbidden). commands/ and hooks/ (oclif's entry points)
// are the top: nothing below imports them, and they import anything but sfu/.
// errors.ts (the error classes, importing nothing) is a leaf every layer but api/ may use.
export const LAYER_RULES = [
  {layer: 'api', mayImport: []},
  {layer: 'errors.ts', mayImport: []},
  {layer: 'units.ts', mayImport: ['errors.ts']},
  {layer: 'qoe', mayImport: ['api', 'units.ts', 'errors.ts']},
  {layer: 'coord', mayImport: ['api', 'units.ts', 'errors.ts']},
  {layer: 'sfu', mayImport: ['api', 'qoe', 'coord', 'units.ts', 'errors.ts']},
  {layer: 'store', mayImport: ['units.ts', 'errors.ts']},
  {layer: 'privacy', mayImport: ['store', 'api', 'units.ts', 'errors.ts']},
  {layer: 'fleet', forbidden: ['sfu', 'cli', 'tui', 'client', 'privacy', 'commands', 'hooks']},
  {layer: 'client', forbidden: ['sfu', 'cli', 'tui', 'privacy', 'commands', 'hooks']},
  {layer: 'tui', forbidden: ['sfu', 'cli', 'client', 'privacy', 'commands', 'hooks']},
  {layer: 'cli', forbidden: ['sfu', 'commands', 'hooks']},
  // The CLI reaches nodes only through their admin API (fleet/), never the node's own code.
  {layer: 'commands', forbidden: ['sfu']},
  {layer: 'hooks', forbidden: ['sfu']},
]

function listSources(dir) {
  const out = []
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name)
    if (statSync(full).isDirectory()) out.push(...listSources(full))
    else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) out.push(full)
  }
  return out
}

/** Relative module specifiers a file imports or re-exports, static or dynamic. */
function specifiersOf(file) {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true)
  const found = []
  const visit = (node) => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push(node.moduleSpecifier.text)
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push(node.arguments[0].text)
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found.filter((s) => s.startsWith('.'))
}

/** Maps a `.js` specifier (NodeNext style) to the source file it names, or null. */
function resolveSpecifier(fromFile, spec) {
  const base = resolve(dirname(fromFile), spec)
  const stem = base.replace(/\.(js|jsx|mjs)$/, '')
  for (const candidate of [stem + '.ts', stem + '.tsx', base, join(base, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate
  }
  return null
}

/** The import graph: root-relative, '/'-separated file -> sorted list of files it imports. */
export function buildGraph(root) {
  const graph = new Map()
  for (const file of listSources(root)) {
    const key = relative(root, file).split(sep).join('/')
    const targets = new Set()
    for (const spec of specifiersOf(file)) {
      const target = resolveSpecifier(file, spec)
      if (target && target.startsWith(root + sep)) targets.add(relative(root, target).split(sep).join('/'))
    }
    graph.set(key, [...targets].sort())
  }
  return graph
}

/** Strongly connected components with more than one file (or a file importing itself), each sorted. */
export function findCycles(graph) {
  let index = 0
  const indexOf = new Map(),
    low = new Map(),
    onStack = new Set(),
    stack = [],
    cycles = []
  const connect = (v) => {
    indexOf.set(v, index)
    low.set(v, index)
    index++
    stack.push(v)
    onStack.add(v)
    for (const w of graph.get(v) ?? []) {
      if (!indexOf.has(w)) {
        connect(w)
        low.set(v, Math.min(low.get(v), low.get(w)))
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), indexOf.get(w)))
    }
    if (low.get(v) === indexOf.get(v)) {
      const component = []
      let w
      do {
        w = stack.pop()
        onStack.delete(w)
        component.push(w)
      } while (w !== v)
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(component.sort())
    }
  }
  for (const v of [...graph.keys()].sort()) if (!indexOf.has(v)) connect(v)
  return cycles.sort((a, b) => a[0].localeCompare(b[0]))
}

/** The layer graph: one edge per pair of layers some file import connects (its cycles are
 * the upward imports that close a loop between two folders, e.g. qoe/ -> sfu/ -> qoe/). */
export function layerGraph(graph) {
  const layers = new Map()
  for (const [from, targets] of graph) {
    const edges = layers.get(layerOf(from)) ?? new Set()
    for (const to of targets) if (layerOf(to) !== layerOf(from)) edges.add(layerOf(to))
    layers.set(layerOf(from), edges)
  }
  return new Map([...layers].map(([layer, edges]) => [layer, [...edges].sort()]))
}

/** The layer a root-relative file belongs to: its top folder, or the file itself at the top. */
export function layerOf(file) {
  return file.includes('/') ? file.slice(0, file.indexOf('/')) : file
}

/** One `from -> to (rule)` line per import that breaks a layer rule. */
export function findViolations(graph, rules = LAYER_RULES) {
  const violations = []
  for (const [from, targets] of graph) {
    const rule = rules.find((r) => r.layer === layerOf(from))
    if (!rule) continue
    for (const to of targets) {
      const target = layerOf(to)
      if (target === rule.layer) continue
      const allowed = rule.mayImport ? rule.mayImport.includes(target) : !rule.forbidden.includes(target)
      if (!allowed) {
        const why = rule.mayImport
          ? rule.mayImport.length
            ? `${rule.layer}/ may import only ${rule.mayImport.join(', ')}`
            : `${rule.layer}/ imports nothing else from src/`
          : `${rule.layer}/ must not import ${rule.forbidden.join(', ')}`
        violations.push(`${from} -> ${to} (${why})`)
      }
    }
  }
  return violations.sort()
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)
if (isMain) {
  const rootFlag = process.argv.indexOf('--root')
  const root = resolve(
    rootFlag >= 0 ? process.argv[rootFlag + 1] : join(dirname(fileURLToPath(import.meta.url)), '..', 'src'),
  )
  const graph = buildGraph(root)
  const cycles = findCycles(graph)
  const layerCycles = findCycles(layerGraph(graph))
  const violations = findViolations(graph)
  for (const cycle of cycles) console.log(`cycle: ${cycle.join(' <-> ')}`)
  for (const cycle of layerCycles) console.log(`layer cycle: ${cycle.join(' <-> ')}`)
  for (const violation of violations) console.log(`layering: ${violation}`)
  console.log(
    `${graph.size} files, ${cycles.length} cycles, ${layerCycles.length} layer cycles, ` +
      `${violations.length} layering violations`,
  )
  process.exitCode = cycles.length || layerCycles.length || violations.length ? 1 : 0
}
