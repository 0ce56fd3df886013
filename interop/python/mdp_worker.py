#!/usr/bin/python3
"""Majordomo worker: MDP/0.1 (RFC 7/MDP) echo service on a DEALER socket.

Registers with READY, answers each REQUEST with its body frames unchanged (or with --prefix put in
front of the first frame, so a test can tell which implementation answered), heartbeats while the
link is idle, and starts a new conversation on a new socket after DISCONNECT or broker silence.
"""

import logging
import time

import zmq

from interop_common import add_curve_client_arguments, curve_client, emit, make_parser, non_negative, positive, run

log = logging.getLogger("mdp_worker")

WORKER = b"MDPW01"

READY = b"\x01"
REQUEST = b"\x02"
REPLY = b"\x03"
HEARTBEAT = b"\x04"
DISCONNECT = b"\x05"


class MajordomoWorker:
    def __init__(self, context, endpoint, service, heartbeat_s, liveness, reconnect_s, prefix, configure=None):
        self._context = context
        self._configure = configure
        self._endpoint = endpoint
        self._service = service
        self._heartbeat_s = heartbeat_s
        self._expiry_s = heartbeat_s * liveness
        self._reconnect_s = reconnect_s
        self._prefix = prefix
        self._poller = zmq.Poller()
        self._socket = None
        self._broker_expires_at = 0.0
        self._heartbeat_at = 0.0

    def run(self):
        self._connect()
        emit("READY")
        while True:
            if self._poller.poll(self._poll_timeout_ms()):
                if not self._handle(self._socket.recv_multipart()):
                    self._reconnect("broker sent DISCONNECT")
                    continue
            now = time.monotonic()
            if now >= self._broker_expires_at:
                self._reconnect(f"broker silent for {self._expiry_s:.1f} s")
            elif now >= self._heartbeat_at:
                self._send(HEARTBEAT)

    def _poll_timeout_ms(self):
        deadline = min(self._heartbeat_at, self._broker_expires_at)
        return max(0, int((deadline - time.monotonic()) * 1000) + 1)

    def _connect(self):
        self._socket = self._context.socket(zmq.DEALER)
        self._socket.linger = 0
        if self._configure is not None:
            self._configure(self._socket)
        self._socket.connect(self._endpoint)
        self._poller.register(self._socket, zmq.POLLIN)
        self._broker_expires_at = time.monotonic() + self._expiry_s
        self._send(READY, self._service)
        log.info("connected to %s, READY for %r", self._endpoint, self._service.decode())

    def _reconnect(self, reason):
        """Closes the socket and opens a new one: a fresh identity starts a fresh conversation."""
        log.warning("%s; reconnecting in %d ms", reason, int(self._reconnect_s * 1000))
        self._poller.unregister(self._socket)
        self._socket.close(linger=0)
        time.sleep(self._reconnect_s)
        self._connect()

    def _send(self, command, *frames):
        self._socket.send_multipart([b"", WORKER, command, *frames])
        # Any command counts as a heartbeat, so HEARTBEAT is only needed after an idle interval.
        self._heartbeat_at = time.monotonic() + self._heartbeat_s

    def _handle(self, frames):
        """Handles one message from the broker; returns False when the broker said DISCONNECT."""
        if len(frames) < 3 or frames[0] != b"" or frames[1] != WORKER:
            log.warning("dropped malformed message of %d frames", len(frames))
            return True
        command, rest = frames[2], frames[3:]
        if command == DISCONNECT:
            return False
        if command == REQUEST:
            if len(rest) < 3 or rest[1] != b"":
                log.warning("dropped malformed REQUEST of %d frames", len(frames))
                return True
            self._send(REPLY, rest[0], b"", *self._answer(rest[2:]))
        elif command != HEARTBEAT:
            log.warning("dropped unexpected command %r", command)
            return True
        self._broker_expires_at = time.monotonic() + self._expiry_s
        return True

    def _answer(self, body):
        if self._prefix is None:
            return body
        return [self._prefix + body[0], *body[1:]]


def main(context, args):
    prefix = None if args.prefix is None else args.prefix.encode()
    MajordomoWorker(
        context,
        args.connect,
        args.service.encode(),
        args.heartbeat_ms / 1000,
        args.liveness,
        args.reconnect_ms / 1000,
        prefix,
        curve_client(args),
    ).run()


def parser():
    p = make_parser(__doc__.splitlines()[0])
    p.add_argument("--connect", required=True, help="broker endpoint, e.g. tcp://127.0.0.1:5555")
    p.add_argument("--service", required=True, help="service name to register")
    p.add_argument("--heartbeat-ms", type=positive, default=2500, help="heartbeat interval (default 2500)")
    p.add_argument("--liveness", type=positive, default=3, help="heartbeats missed before the broker counts as gone (default 3)")
    p.add_argument("--reconnect-ms", type=non_negative, default=2500, help="pause before a new connection (default 2500)")
    p.add_argument("--prefix", help="text put in front of the first reply frame")
    add_curve_client_arguments(p)
    return p


if __name__ == "__main__":
    run(parser(), main)
