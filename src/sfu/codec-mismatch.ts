// The offer is well formed but the node cannot answer it with a codec both sides have: a
// publisher whose section offers nothing the node forwards, or a subscriber that cannot
// receive its publisher's codec (no transcoding). The public API answers it as it is:
// 400 with its own code and a message naming both codec lists, so the client (OBS,
// GStreamer, a browser page) says what to change. Kept apart from codecs.ts so that the
// node's flag parsing does not load the HTTP layer.
import {HttpError} from './http/http-kit.js'

export class CodecMismatchError extends HttpError {
  constructor(message: string) {
    super(400, 'codec_mismatch', message)
  }
}
