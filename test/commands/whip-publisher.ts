// A minimal WHIP publisher on @roamhq/wrtc (Google's libwebrtc, not our code): sends a
// tone and a synthetic video to a node, so room commands can be tested with a real
// participant and real RTP statistics.
import {createRequire} from 'node:module'
import {request} from 'undici'

const require = createRequire(import.meta.url)
const wrtc: any = require('@roamhq/wrtc')

export interface Publisher {
  id: string
  location: string
  close(): Promise<void>
}

export async function publish(publicUrl: string, room: string, token: string): Promise<Publisher> {
  const pc = new wrtc.RTCPeerConnection({iceServers: []})
  const audio = new wrtc.nonstandard.RTCAudioSource()
  const video = new wrtc.nonstandard.RTCVideoSource()
  pc.addTrack(audio.createTrack())
  pc.addTrack(video.createTrack())
  const width = 320
  const height = 240
  const frame = new Uint8ClampedArray(width * height * 1.5).fill(128)
  let t = 0
  const timer = setInterval(() => {
    for (let k = 0; k < 5; k++) {
      const samples = new Int16Array(480)
      for (let i = 0; i < 480; i++) samples[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * t++) / 48000))
      audio.onData({samples, sampleRate: 48000, bitsPerSample: 16, channelCount: 1, numberOfFrames: 480})
    }
    frame[((t / 10) % frame.length) | 0] = t % 255
    video.onFrame({width, height, data: frame})
  }, 50)
  try {
    await pc.setLocalDescription(await pc.createOffer())
    await new Promise<void>((resolve) => {
      if (pc.iceGatheringState === 'complete') return resolve()
      pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && resolve()
      setTimeout(resolve, 3000)
    })
    const res = await request(`${publicUrl}/whip/${encodeURIComponent(room)}`, {
      method: 'POST',
      headers: {authorization: `Bearer ${token}`, 'content-type': 'application/sdp'},
      body: pc.localDescription.sdp,
    })
    const answer = await res.body.text()
    if (res.statusCode !== 201) throw new Error(`WHIP POST answered ${res.statusCode}: ${answer}`)
    const location = String(res.headers.location)
    await pc.setRemoteDescription({type: 'answer', sdp: answer})
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (pc.connectionState === 'connected') resolve()
        if (pc.connectionState === 'failed') reject(new Error('WebRTC connection failed'))
      }
      pc.onconnectionstatechange = check
      check()
      setTimeout(() => reject(new Error(`not connected after 10s (${pc.connectionState})`)), 10_000)
    })
    return {
      id: location.split('/').pop()!,
      location,
      async close() {
        clearInterval(timer)
        pc.close()
      },
    }
  } catch (err) {
    clearInterval(timer)
    pc.close()
    throw err
  }
}
