// A minimal ZIP writer (deflate, CRC-32 from node:zlib) for access exports, so a subject
// can be handed one file without another dependency. No ZIP64: an archive, or a file in
// it, above 4 GiB is refused with a sentence instead of written broken.
import {closeSync, openSync, readFileSync, writeSync, fsyncSync} from 'node:fs'
import {crc32, deflateRawSync} from 'node:zlib'
import {BadInputError} from '../errors.js'

const LIMIT = 0xffffffff

function dosTime(d: Date): {time: number; date: number} {
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
    date: ((Math.max(d.getFullYear(), 1980) - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  }
}

/** Writes `entries` (archive name -> file on disk) to `zipPath`. */
export function writeZip(zipPath: string, entries: Array<{name: string; file: string}>): void {
  const fd = openSync(zipPath, 'w', 0o600)
  const central: Buffer[] = []
  let offset = 0
  const {time, date} = dosTime(new Date())
  try {
    for (const e of entries) {
      const data = readFileSync(e.file)
      const packed = deflateRawSync(data)
      if (data.length > LIMIT || offset + packed.length > LIMIT)
        throw new BadInputError(`the export is too large for a ZIP without ZIP64 (${e.name}); use --out DIR.`)
      const name = Buffer.from(e.name, 'utf8')
      const crc = crc32(data)
      const local = Buffer.alloc(30)
      local.writeUInt32LE(0x04034b50, 0)
      local.writeUInt16LE(20, 4)
      local.writeUInt16LE(0x0800, 6) // UTF-8 names
      local.writeUInt16LE(8, 8) // deflate
      local.writeUInt16LE(time, 10)
      local.writeUInt16LE(date, 12)
      local.writeUInt32LE(crc, 14)
      local.writeUInt32LE(packed.length, 18)
      local.writeUInt32LE(data.length, 22)
      local.writeUInt16LE(name.length, 26)
      writeSync(fd, local)
      writeSync(fd, name)
      writeSync(fd, packed)
      const cen = Buffer.alloc(46)
      cen.writeUInt32LE(0x02014b50, 0)
      cen.writeUInt16LE(20, 4)
      cen.writeUInt16LE(20, 6)
      cen.writeUInt16LE(0x0800, 8)
      cen.writeUInt16LE(8, 10)
      cen.writeUInt16LE(time, 12)
      cen.writeUInt16LE(date, 14)
      cen.writeUInt32LE(crc, 16)
      cen.writeUInt32LE(packed.length, 20)
      cen.writeUInt32LE(data.length, 24)
      cen.writeUInt16LE(name.length, 28)
      cen.writeUInt32LE(offset, 42)
      central.push(cen, name)
      offset += 30 + name.length + packed.length
    }
    const cd = Buffer.concat(central)
    const end = Buffer.alloc(22)
    end.writeUInt32LE(0x06054b50, 0)
    end.writeUInt16LE(entries.length, 8)
    end.writeUInt16LE(entries.length, 10)
    end.writeUInt32LE(cd.length, 12)
    end.writeUInt32LE(offset, 16)
    writeSync(fd, cd)
    writeSync(fd, end)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}
