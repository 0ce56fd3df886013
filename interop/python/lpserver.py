#!/usr/bin/python3
"""Lazy Pirate server: a REP echo server that can be told to crash or to stall.

With --chaos it misbehaves at random after a few requests, as the Guide's lpserver does: it exits
as if it crashed, or sleeps as if its CPU were overloaded. The deterministic flags make the same
failures happen at a chosen request, for tests.
"""

import logging
import random
import time

import zmq

from interop_common import emit, make_parser, non_negative, run

log = logging.getLogger("lpserver")

# Chaos spares the first requests so a client always sees the server working before it fails.
CHAOS_GRACE = 3


class Misbehaviour:
    """Decides, before each request is answered, whether the server crashes or stalls."""

    def __init__(self, args):
        self._crash_after = args.crash_after
        self._overload_after = args.overload_after
        self._overload_s = args.overload_ms / 1000
        self._random = random.Random(args.random_seed) if args.chaos else None

    def crashes(self, answered):
        if self._crash_after is not None:
            return answered == self._crash_after
        return self._random is not None and answered >= CHAOS_GRACE and self._random.randint(0, 3) == 0

    def stall_s(self, answered):
        if self._overload_after is not None:
            return self._overload_s if answered == self._overload_after else 0
        if self._random is not None and answered >= CHAOS_GRACE and self._random.randint(0, 3) == 0:
            return self._overload_s
        return 0


def main(context, args):
    socket = context.socket(zmq.REP)
    socket.linger = 0
    socket.bind(args.bind)
    misbehaviour = Misbehaviour(args)
    log.info("echo server bound to %s", args.bind)
    emit("READY")
    answered = 0
    while True:
        # REP serves one request at a time, so a blocking receive is all the loop needs; the
        # signal handler interrupts it at once.
        request = socket.recv_multipart()
        if misbehaviour.crashes(answered):
            log.warning("simulating a crash after %d replies", answered)
            return 0
        stall_s = misbehaviour.stall_s(answered)
        if stall_s:
            log.warning("simulating CPU overload for %d ms", int(stall_s * 1000))
            time.sleep(stall_s)
        log.debug("echoing request %d", answered + 1)
        socket.send_multipart(request)
        answered += 1


def parser():
    p = make_parser(__doc__.splitlines()[0])
    p.add_argument("--bind", required=True, help="endpoint to bind, e.g. tcp://127.0.0.1:5555")
    p.add_argument("--crash-after", type=non_negative, metavar="N", help="exit on receiving the request after N replies")
    p.add_argument("--overload-after", type=non_negative, metavar="N", help="stall before answering request N+1")
    p.add_argument("--overload-ms", type=non_negative, default=2000, help="length of a stall (default 2000)")
    p.add_argument("--chaos", action="store_true", help="crash or stall at random after a few requests")
    p.add_argument("--random-seed", type=int, metavar="S", help="seed for --chaos, for a repeatable run")
    return p


if __name__ == "__main__":
    run(parser(), main)
