// Synthetic media content, pure and deterministic (no WebRTC here, so it is unit-testable):
// a moving I420 test pattern and a sine tone in 10 ms chunks. The picture must change from
// frame to frame, or VP8 would send near-empty frames and a smoke test would measure nothing.

/** One I420 frame as RTCVideoSource.onFrame takes it. */
export interface I420Frame {
  width: number
  height: number
  data: Uint8Array
}

export class VideoPattern {
  private readonly frame: I420Frame
  private n = 0
  private seed = 1

  constructor(
    readonly width = 320,
    readonly height = 240,
  ) {
    // I420 needs even dimensions (chroma is subsampled 2x2).
    if (width % 2 || height % 2 || width < 16 || height < 16)
      throw new RangeError(`video size must be even and at least 16x16, not ${width}x${height}`)
    this.frame = {width, height, data: new Uint8Array(width * height * 1.5)}
  }

  /** Draws the next frame into one reused buffer (onFrame copies it synchronously). */
  next(): I420Frame {
    const {width: w, height: h, data} = this.frame
    const t = this.n++
    // Luma: a diagonal gradient scrolling 4 px per frame...
    for (let y = 0; y < h; y++) {
      const row = y * w
      for (let x = 0; x < w; x++) data[row + x] = (x + y + t * 4) & 0xff
    }
    // ...a bright box bouncing left and right...
    const box = Math.floor(h / 4)
    const span = w - box
    const bx = Math.abs(((t * 6) % (2 * span)) - span)
    const by = Math.floor((h - box) / 2)
    for (let y = by; y < by + box; y++) data.fill(235, y * w + bx, y * w + bx + box)
    // ...and a small block of noise, so the encoder always has detail to spend bits on.
    const nb = Math.floor(h / 6)
    for (let y = 0; y < nb; y++) {
      for (let x = 0; x < nb; x++) data[y * w + x] = this.random() & 0xff
    }
    // Chroma: two planes of slowly cycling colour.
    const ySize = w * h
    const cSize = ySize / 4
    data.fill((128 + 60 * Math.sin(t / 15)) & 0xff, ySize, ySize + cSize)
    data.fill((128 + 60 * Math.cos(t / 20)) & 0xff, ySize + cSize, ySize + 2 * cSize)
    return this.frame
  }

  get framesDrawn(): number {
    return this.n
  }

  // xorshift32: cheap and deterministic (Math.random would make frames unreproducible).
  private random(): number {
    let x = this.seed
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    this.seed = x >>> 0
    return this.seed
  }
}

/** 10 ms of mono 16-bit audio, as RTCAudioSource.onData takes it. */
export interface AudioChunk {
  samples: Int16Array
  sampleRate: number
  bitsPerSample: 16
  channelCount: 1
  numberOfFrames: number
}

export class SineTone {
  private phase = 0
  private readonly chunk: AudioChunk

  constructor(
    readonly frequencyHz = 440,
    readonly sampleRate = 48_000,
    readonly amplitude = 0.25,
  ) {
    // libwebrtc's audio source accepts exactly 10 ms per call.
    const frames = sampleRate / 100
    if (!Number.isInteger(frames))
      throw new RangeError(`sample rate ${sampleRate} Hz does not divide into 10 ms chunks`)
    this.chunk = {
      samples: new Int16Array(frames),
      sampleRate,
      bitsPerSample: 16,
      channelCount: 1,
      numberOfFrames: frames,
    }
  }

  next(): AudioChunk {
    const {samples} = this.chunk
    const step = (2 * Math.PI * this.frequencyHz) / this.sampleRate
    const peak = 32767 * this.amplitude
    for (let i = 0; i < samples.length; i++) {
      samples[i] = Math.round(Math.sin(this.phase) * peak)
      this.phase += step
    }
    this.phase %= 2 * Math.PI // keeps precision over long runs
    return this.chunk
  }
}
