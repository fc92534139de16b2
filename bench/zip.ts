// npm run bench:zip — the two archives that need ZIP64, written by the access export's ZIP
// writer and read back by an independent reader (Python's zipfile):
//   1. one 4.1 GiB recording (sparse on disk; stored, not deflated, as media are, so the
//      archive really is 4.1 GiB and needs ZIP64 for the entry and for the directory offset);
//   2. 65,536 small entries (one more than the classic format can count).
// Prints the wall time of each write, the archive size, and what Python lists. Too slow for
// a unit test (minutes on a loaded 2-core machine); test/privacy/zip-writer.test.ts covers
// the rest with forced ZIP64.
import {execFileSync} from 'node:child_process'
import {closeSync, ftruncateSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Readable} from 'node:stream'
import {writeZip, type ZipEntry} from '../src/privacy/zip-writer.js'

const BIG = Math.floor(4.1 * 2 ** 30)
const MANY = 65_536

/** Entry count, largest entry size, and which ZIP64 records Python found: the end of central
 *  directory record (needed past 65,534 entries or a 4 GiB central directory offset) and the
 *  per-entry extra field 0x0001 (needed for an entry past 4 GiB). */
function pythonList(zip: string): {entries: number; largest: number; zip64End: boolean; zip64Extra: number} {
  const script = [
    'import sys, json, struct, zipfile',
    'z = zipfile.ZipFile(sys.argv[1])',
    'def z64(extra):',
    '    while len(extra) >= 4:',
    '        tag, size = struct.unpack("<HH", extra[:4])',
    '        if tag == 1: return True',
    '        extra = extra[4 + size:]',
    '    return False',
    'data = open(sys.argv[1], "rb").read()',
    'print(json.dumps({"entries": len(z.infolist()), "largest": max(i.file_size for i in z.infolist()),',
    '  "zip64End": b"PK\\x06\\x06" in data, "zip64Extra": sum(1 for i in z.infolist() if z64(i.extra))}))',
  ].join('\n')
  return JSON.parse(execFileSync('python3', ['-c', script, zip], {encoding: 'utf8'}))
}

async function timed(label: string, zip: string, entries: Iterable<ZipEntry>): Promise<void> {
  const t0 = performance.now()
  await writeZip(zip, entries)
  const seconds = (performance.now() - t0) / 1000
  const listed = pythonList(zip)
  console.log(
    `${label}: ${seconds.toFixed(1)} s, archive ${(statSync(zip).size / 2 ** 20).toFixed(1)} MiB, ` +
      `python lists ${listed.entries} entries, largest ${listed.largest} bytes, ` +
      `ZIP64 end record ${listed.zip64End ? 'yes' : 'no'}, ZIP64 extra fields ${listed.zip64Extra}`,
  )
}

const dir = mkdtempSync(join(tmpdir(), 'confctl-bench-zip-'))
try {
  const big = join(dir, 'recording.webm')
  const fd = openSync(big, 'w')
  ftruncateSync(fd, BIG) // a hole: reads as zeros, takes no disk space
  closeSync(fd)
  writeFileSync(join(dir, 'summary.txt'), 'summary\n')
  await timed(`one ${(BIG / 2 ** 30).toFixed(1)} GiB entry`, join(dir, 'big.zip'), [
    {name: 'summary.txt', file: join(dir, 'summary.txt')},
    {name: 'files/recordings/recording.webm', file: big},
  ])
  rmSync(big)

  function* many(): Iterable<ZipEntry> {
    for (let i = 0; i < MANY; i++) yield {name: `files/${i}.txt`, stream: Readable.from([Buffer.from(String(i))])}
  }
  await timed(`${MANY} entries`, join(dir, 'many.zip'), many())
} finally {
  rmSync(dir, {recursive: true, force: true})
}
