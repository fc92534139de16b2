#!/usr/bin/python3
# A GStreamer webrtcbin WHIP publisher, the way GStreamer pipelines (and the encoders built
# on them) publish: VP8 test video and Opus test audio, bundle-policy max-bundle (its second
# m-section is bundle-only with port 0), non-trickle (the offer carries every candidate).
#   gst-whip-publisher.py WHIP_URL TOKEN SECONDS
# Prints {"location": ..., "offer": ..., "answer": ...} on one line once the answer is
# applied, {"state": ...} lines as the connection changes, then DELETEs its resource after
# SECONDS (or on SIGTERM) and exits 0. Used by test/browsers/gstreamer.test.ts.
import json
import signal
import sys
import urllib.error
import urllib.parse
import urllib.request

import gi

gi.require_version('Gst', '1.0')
gi.require_version('GstWebRTC', '1.0')
gi.require_version('GstSdp', '1.0')
from gi.repository import GLib, Gst, GstSdp, GstWebRTC  # noqa: E402

PIPELINE = (
    'webrtcbin name=w bundle-policy=max-bundle '
    'videotestsrc is-live=true pattern=ball ! video/x-raw,width=320,height=240,framerate=30/1 ! videoconvert '
    '! vp8enc deadline=1 keyframe-max-dist=60 ! rtpvp8pay pt=96 ! application/x-rtp,media=video,encoding-name=VP8,payload=96 ! w. '
    'audiotestsrc is-live=true wave=sine ! audioconvert ! audioresample ! opusenc ! rtpopuspay pt=111 '
    '! application/x-rtp,media=audio,encoding-name=OPUS,payload=111 ! w. '
)


def main() -> int:
    url, token, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    Gst.init(None)
    loop = GLib.MainLoop()
    pipeline = Gst.parse_launch(PIPELINE)
    webrtc = pipeline.get_by_name('w')
    session = {}

    def say(obj):
        sys.stdout.write(json.dumps(obj) + '\n')
        sys.stdout.flush()

    def fail(message):
        sys.stderr.write(f'gst-whip-publisher: {message}\n')
        loop.quit()
        session['failed'] = True

    def post_offer():
        offer = webrtc.get_property('local-description').sdp.as_text()
        req = urllib.request.Request(url, data=offer.encode(), method='POST',
                                     headers={'authorization': f'Bearer {token}', 'content-type': 'application/sdp'})
        try:
            with urllib.request.urlopen(req, timeout=15) as res:
                answer = res.read().decode()
                session['location'] = urllib.parse.urljoin(url, res.headers['location'])
        except urllib.error.HTTPError as err:
            fail(f'POST answered {err.code}: {err.read().decode()}')
            return False
        except OSError as err:
            fail(f'POST {url} failed: {err}')
            return False
        _, sdp = GstSdp.SDPMessage.new_from_text(answer)
        desc = GstWebRTC.WebRTCSessionDescription.new(GstWebRTC.WebRTCSDPType.ANSWER, sdp)
        webrtc.emit('set-remote-description', desc, Gst.Promise.new())
        say({'location': session['location'], 'offer': offer, 'answer': answer})
        return False

    def on_gathering(element, _pspec):
        if element.get_property('ice-gathering-state') == GstWebRTC.WebRTCICEGatheringState.COMPLETE and 'posted' not in session:
            session['posted'] = True
            GLib.idle_add(post_offer)

    def on_offer(promise, _):
        reply = promise.get_reply()  # kept in a variable: the offer is borrowed from it
        offer = reply.get_value('offer')
        webrtc.emit('set-local-description', offer, Gst.Promise.new())

    def on_negotiation_needed(element):
        if 'offered' in session:
            return
        session['offered'] = True
        element.emit('create-offer', None, Gst.Promise.new_with_change_func(on_offer, None))

    def on_state(element, _pspec):
        say({'state': element.get_property('connection-state').value_nick})

    def leave(*_):
        if 'location' in session:
            req = urllib.request.Request(session['location'], method='DELETE', headers={'authorization': f'Bearer {token}'})
            try:
                urllib.request.urlopen(req, timeout=5).read()
            except Exception as err:  # the node may be gone already; we are leaving anyway
                sys.stderr.write(f'gst-whip-publisher: DELETE failed: {err}\n')
        loop.quit()
        return False

    webrtc.connect('on-negotiation-needed', on_negotiation_needed)
    webrtc.connect('notify::ice-gathering-state', on_gathering)
    webrtc.connect('notify::connection-state', on_state)
    pipeline.set_state(Gst.State.PLAYING)
    # Publish only: every transceiver webrtcbin made for our sink pads sends, none receives.
    for i in range(2):
        trans = webrtc.emit('get-transceiver', i)
        if trans is not None:
            trans.set_property('direction', GstWebRTC.WebRTCRTPTransceiverDirection.SENDONLY)
    GLib.timeout_add_seconds(seconds, leave)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, leave)
    loop.run()
    pipeline.set_state(Gst.State.NULL)
    return 1 if session.get('failed') else 0


if __name__ == '__main__':
    sys.exit(main())
