#!/usr/bin/python3
"""Paranoid Pirate worker (RFC 6/PPP) on a DEALER socket.

Sends READY (one frame 0x01) on every new connection and HEARTBEAT (one frame 0x02) every
heartbeat interval, echoes each request (envelope, "", body) unchanged, and when the queue has been
silent for liveness intervals opens a new connection after a pause that doubles up to a cap.
"""

import logging
import time

import zmq

from interop_common import emit, make_parser, non_negative, positive, run

log = logging.getLogger("ppworker")

READY = b"\x01"
HEARTBEAT = b"\x02"


def is_request(frames):
    """True for content with an optional address stack: either no empty frame at all, or body
    frames after the first empty one (the envelope delimiter)."""
    if b"" not in frames:
        return True
    return frames.index(b"") < len(frames) - 1


class ParanoidWorker:
    def __init__(self, context, args):
        self._context = context
        self._endpoint = args.connect
        self._heartbeat_s = args.heartbeat_ms / 1000
        self._expiry_s = self._heartbeat_s * args.liveness
        self._backoff_init_s = args.interval_init_ms / 1000
        self._backoff_max_s = args.interval_max_ms / 1000
        self._backoff_s = self._backoff_init_s
        self._crash_after = args.crash_after
        self._delay_s = args.delay_ms / 1000
        self._poller = zmq.Poller()
        self._socket = None
        self._queue_expires_at = 0.0
        self._heartbeat_at = 0.0
        self._replies = 0

    def run(self):
        """Serves until --crash-after replies have been sent (or forever)."""
        self._connect()
        emit("READY")
        while self._crash_after is None or self._replies < self._crash_after:
            if self._poller.poll(self._poll_timeout_ms()):
                self._handle(self._socket.recv_multipart())
            now = time.monotonic()
            if now >= self._queue_expires_at:
                self._reconnect()
            elif now >= self._heartbeat_at:
                self._socket.send(HEARTBEAT)
                self._heartbeat_at = now + self._heartbeat_s
        log.warning("simulating a crash after %d replies", self._replies)

    def _poll_timeout_ms(self):
        deadline = min(self._heartbeat_at, self._queue_expires_at)
        return max(0, int((deadline - time.monotonic()) * 1000) + 1)

    def _connect(self):
        self._socket = self._context.socket(zmq.DEALER)
        self._socket.linger = 0
        self._socket.connect(self._endpoint)
        self._poller.register(self._socket, zmq.POLLIN)
        # The queue knows a worker only after READY, which starts every conversation.
        self._socket.send(READY)
        now = time.monotonic()
        self._queue_expires_at = now + self._expiry_s
        self._heartbeat_at = now + self._heartbeat_s
        log.info("connected to %s, READY sent", self._endpoint)

    def _reconnect(self):
        log.warning("queue silent for %.1f s; reconnecting in %d ms", self._expiry_s, int(self._backoff_s * 1000))
        self._poller.unregister(self._socket)
        self._socket.close(linger=0)
        time.sleep(self._backoff_s)
        self._backoff_s = min(self._backoff_s * 2, self._backoff_max_s)
        self._connect()

    def _handle(self, frames):
        if frames == [HEARTBEAT]:
            log.debug("queue heartbeat")
        elif len(frames) == 1 and frames[0] == READY:
            log.warning("dropped READY sent by the queue")
            return
        elif is_request(frames):
            time.sleep(self._delay_s)
            self._socket.send_multipart(frames)
            self._replies += 1
        else:
            log.warning("dropped malformed request of %d frames", len(frames))
            return
        # Only a valid message proves the queue alive.
        self._queue_expires_at = time.monotonic() + self._expiry_s
        self._backoff_s = self._backoff_init_s


def main(context, args):
    ParanoidWorker(context, args).run()


def parser():
    p = make_parser(__doc__.splitlines()[0])
    p.add_argument("--connect", required=True, help="queue backend endpoint, e.g. tcp://127.0.0.1:5556")
    p.add_argument("--heartbeat-ms", type=positive, default=1000, help="heartbeat interval (default 1000)")
    p.add_argument("--liveness", type=positive, default=3, help="heartbeats missed before the queue counts as gone (default 3)")
    p.add_argument("--interval-init-ms", type=non_negative, default=1000, help="first reconnect pause (default 1000)")
    p.add_argument("--interval-max-ms", type=non_negative, default=32000, help="cap of the doubling reconnect pause (default 32000)")
    p.add_argument("--crash-after", type=non_negative, metavar="N", help="exit after N replies")
    p.add_argument("--delay-ms", type=non_negative, default=0, help="work time per request (default 0)")
    return p


if __name__ == "__main__":
    run(parser(), main)
