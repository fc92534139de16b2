// Checks that a TCP port can be bound before a node is started, so "port in use" is one
// clear sentence naming the flag to change instead of a stack trace in node.log. (The node
// can still lose a race for the port; the supervisor recognises that case in the log too.)
import {createServer} from 'node:net'
import {BadInputError} from '../errors.js'

export async function assertPortFree(host: string, port: number, what: string, flag: string): Promise<void> {
  if (port === 0) return // the node picks a free one
  try {
    await new Promise<void>((resolve, reject) => {
      const srv = createServer()
      srv.once('error', reject)
      srv.listen({host, port, exclusive: true}, () => srv.close(() => resolve()))
    })
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'EADDRINUSE') {
      throw new BadInputError(`${what} ${host}:${port} is already in use; choose another with ${flag}.`)
    }
    if (code === 'EACCES') {
      throw new BadInputError(
        `${what} ${host}:${port} needs privileges this user does not have; choose a port above 1023 with ${flag}.`,
      )
    }
    if (code === 'EADDRNOTAVAIL') {
      throw new BadInputError(`${host} (for ${what}) is not an address of this machine.`)
    }
    throw new BadInputError(`cannot listen on ${host}:${port} (${what}): ${code ?? (err as Error).message}.`)
  }
}
