// Waiting for a peer connection to come up. Not an error when it does not: the smoke check
// reports a connection that never came up as a failed stream, with its state, instead of
// stopping at the first one.

/** Resolves true once ICE+DTLS are connected; false on failure, on close, or after timeoutMs. */
export function waitForConnection(pc: RTCPeerConnection, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const check = () => {
      const st = pc.connectionState
      if (st === 'connected' || st === 'failed' || st === 'closed') finish(st === 'connected')
    }
    const finish = (ok: boolean) => {
      clearTimeout(timer)
      pc.removeEventListener('connectionstatechange', check)
      resolve(ok)
    }
    const timer = setTimeout(() => finish(false), timeoutMs)
    pc.addEventListener('connectionstatechange', check)
    check()
  })
}
