// UDP port ranges for the nodes tests start. Test files run in parallel (scripts/run-tests.js)
// and werift probes a port before it binds it, so two nodes given the same range can race for
// one port. Each range is taken as a slot file created exclusively (O_EXCL) in a shared
// directory and holding the owner's pid; a slot whose owner is gone is taken over, and a
// process frees its slots when it exits. 20000-31999 gives 120 slots of 100 ports: below the
// kernel's ephemeral ports (32768 and up, where clients' sockets land) and apart from the fixed
// ranges some tests give their nodes (42000-46999) and the launcher's throwaway blocks (50000+).
import {mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

const DIR = join(tmpdir(), 'confctl-test-rtc-slots')
const FIRST_PORT = 20000
const SLOT_SIZE = 100
const SLOTS = 120
const mine: string[] = []

process.once('exit', () => {
  for (const file of mine) rmSync(file, {force: true})
})

function ownerAlive(file: string): boolean {
  const pid = Number(readFileSync(file, 'utf8'))
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function tryTake(file: string): boolean {
  try {
    writeFileSync(file, String(process.pid), {flag: 'wx'})
    return true
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
  }
  try {
    if (ownerAlive(file)) return false
    rmSync(file, {force: true}) // a dead owner's slot; whoever recreates it first wins
    writeFileSync(file, String(process.pid), {flag: 'wx'})
    return true
  } catch {
    return false
  }
}

/** A free "from-to" range of `size` (at most 100) UDP ports, held until this process exits. */
export function rtcPortSlot(size = SLOT_SIZE): string {
  if (!Number.isInteger(size) || size < 1 || size > SLOT_SIZE)
    throw new RangeError(`a slot holds 1-${SLOT_SIZE} ports, not ${size}`)
  mkdirSync(DIR, {recursive: true})
  const start = Math.floor(Math.random() * SLOTS)
  for (let i = 0; i < SLOTS; i++) {
    const slot = (start + i) % SLOTS
    const file = join(DIR, String(slot))
    if (tryTake(file)) {
      mine.push(file)
      const from = FIRST_PORT + slot * SLOT_SIZE
      return `${from}-${from + size - 1}`
    }
  }
  throw new Error(`all ${SLOTS} RTC port slots in ${DIR} are held by live test processes`)
}
