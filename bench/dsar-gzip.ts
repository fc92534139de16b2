// npm run bench:dsar-gzip — a gzipped rotation (access.log.2.gz) as the erasure engine
// meets it: search speed (decompressed MB/s) next to `gzip -dc | grep -F` on the same
// file, the time to rewrite it as gzip with the subject's lines truncated, and the peak
// memory of doing so (streamed: it must not grow with the file). BENCH_GZ_MB (default 512)
// sets the decompressed size. Everything lives in a temp dir deleted afterwards.
import {spawnSync} from 'node:child_process'
import {createWriteStream, mkdtempSync, rmSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {pipeline} from 'node:stream/promises'
import {createGzip} from 'node:zlib'
import {rewriteGzipLines, scanGzipLines} from '../src/privacy/connectors/gzip-lines.js'

const MB = Number(process.env.BENCH_GZ_MB ?? 512)
const SUBJECT = '141.71.30.4'
const dir = mkdtempSync(join(tmpdir(), 'confctl-bench-gz-'))
const file = join(dir, 'access.log.2.gz')
const t = () => performance.now()
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`

/** ~MB of nginx combined lines; every 1000th is the subject's, as nginx writes it on a dual-stack socket. */
async function* lines(): AsyncGenerator<string> {
  let bytes = 0
  let batch = ''
  for (let i = 0; bytes < MB * 1048576; i++) {
    const ip = i % 1000 === 0 ? `::ffff:${SUBJECT}` : `::ffff:10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`
    const line = `${ip} - - [10/Nov/2026:09:15:02 +0100] "GET /b/room-${i % 5000}/join?x=${i} HTTP/1.1" 200 5120 "https://bbb.example/" "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"\n`
    bytes += line.length
    batch += line
    if (batch.length > 1048576) {
      yield batch
      batch = ''
    }
  }
  yield batch
}

async function main(): Promise<void> {
  let t0 = t()
  await pipeline(lines(), createGzip(), createWriteStream(file)) // zlib level 6, logrotate's default
  console.log(
    `seeded ${MB} MB of log lines as ${(statSync(file).size / 1048576).toFixed(0)} MB gzip in ${secs(t() - t0)}`,
  )

  const needles = [Buffer.from(SUBJECT)]
  spawnSync('sh', ['-c', `cat ${file} > /dev/null`]) // warm the page cache for both
  t0 = t()
  let hits = 0
  const plain = await scanGzipLines(file, needles, () => hits++)
  const scanMs = t() - t0
  t0 = t()
  const g = spawnSync('sh', ['-c', `gzip -dc ${file} | grep -F -c ${SUBJECT}`], {encoding: 'utf8'})
  const grepMs = t() - t0
  const mbs = (ms: number) => (plain / 1048576 / (ms / 1000)).toFixed(0)
  console.log(
    `gzip scan: ${mbs(scanMs)} MB/s decompressed (${hits} lines) | gzip -dc | grep -F: ${mbs(grepMs)} MB/s (${g.stdout.trim()} lines) | ratio ${(grepMs / scanMs).toFixed(2)}`,
  )

  const rssBefore = process.memoryUsage().rss
  let peak = rssBefore
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20)
  t0 = t()
  const changed = await rewriteGzipLines(file, needles, (line) =>
    Buffer.from(line.toString().replace(`::ffff:${SUBJECT} `, '::ffff:141.71.30.0 ')),
  )
  const rewriteMs = t() - t0
  clearInterval(sampler)
  console.log(
    `gzip rewrite: ${secs(rewriteMs)} (${changed} lines changed, ${mbs(rewriteMs)} MB/s decompressed) | RSS growth ${((peak - rssBefore) / 1048576).toFixed(0)} MB`,
  )
}

try {
  await main()
} finally {
  rmSync(dir, {recursive: true, force: true})
}
