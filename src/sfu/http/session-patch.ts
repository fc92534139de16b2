// PATCH on a session resource: trickle ICE and ICE restarts (RFC 9725 §4.3, RFC 8840 bodies).
// Trickled candidates are answered 204 without a body or ETag; an ICE restart 200 with the
// node's new credentials and candidates and the new ETag. If-Match is required (428) and
// must name the current ICE session (412); other bodies than an SDP fragment get 415.
import type {IncomingMessage, ServerResponse} from 'node:http'
import {iceSessionOf, PreconditionError} from '../ice-session.js'
import type {Participant} from '../participant.js'
import {parseSdpFrag, SdpFragError} from '../sdp-frag.js'
import {HttpError, readBody, requireContentType} from './http-kit.js'

export const SDP_FRAG_TYPE = 'application/trickle-ice-sdpfrag'
/** A fragment of 64 candidates is under 8 KB; 16 KB leaves room and bounds hostile bodies. */
export const MAX_FRAG_BYTES = 16 * 1024

export async function patchSession(req: IncomingMessage, res: ServerResponse, participant: Participant): Promise<void> {
  requireContentType(req, SDP_FRAG_TYPE)
  const text = await readBody(req, MAX_FRAG_BYTES)
  const ice = iceSessionOf(participant)
  if (!ice || participant.isClosed) throw new HttpError(404, 'unknown_session', `session '${participant.id}' has ended`)
  let result
  try {
    result = await ice.patch(parseSdpFrag(text), req.headers['if-match'])
  } catch (err) {
    if (err instanceof SdpFragError) throw new HttpError(400, 'bad_sdpfrag', err.message)
    if (err instanceof PreconditionError) {
      throw new HttpError(
        err.status,
        err.status === 412 ? 'precondition_failed' : 'precondition_required',
        err.message,
        {etag: ice.etag},
      )
    }
    throw err
  }
  if (!result.restarted) {
    res.writeHead(204)
    res.end()
    return
  }
  res.writeHead(200, {
    'content-type': SDP_FRAG_TYPE,
    etag: result.etag,
    'content-length': Buffer.byteLength(result.fragment),
  })
  res.end(result.fragment)
}
