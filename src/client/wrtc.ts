// The one place that loads @roamhq/wrtc (Google's libwebrtc for Node): the synthetic
// participants import it from here, so the native library is only loaded by code that
// really makes WebRTC calls (not by every confctl command that imports src/client types).
import wrtc from '@roamhq/wrtc'
import {setFlagsFromString} from 'node:v8'
import {runInNewContext} from 'node:vm'

export const {RTCPeerConnection, RTCRtpSender, RTCRtpReceiver, nonstandard} = wrtc

let gc: (() => void) | undefined

/**
 * Runs the garbage collector so the native media sources are destroyed now, while the V8
 * environment is still alive. Why: wrtc 0.10's RTCVideoSource/RTCAudioSource destructors
 * segfault (exit 139) when they first run during Node's environment teardown at a natural
 * process exit (node-webrtc #636). Collected earlier, they are harmless; process.exit()
 * (oclif's error path) skips the teardown and is safe too. Call it after every client is
 * closed and no longer referenced.
 */
export async function releaseNativeObjects(): Promise<void> {
  if (!gc) {
    try {
      setFlagsFromString('--expose-gc')
      gc = runInNewContext('gc') as () => void
    } catch {
      return // a runtime without the flag: nothing better to do than leave it to the exit
    }
  }
  // Finalizers of wrapped native objects may need a second pass after a turn of the loop.
  for (let i = 0; i < 3; i++) {
    gc()
    await new Promise((r) => setTimeout(r, 20))
  }
}
