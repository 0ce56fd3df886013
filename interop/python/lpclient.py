#!/usr/bin/python3
"""Lazy Pirate client: sequence-numbered requests on a REQ socket, resent on a new socket after
each timeout (the Guide's chapter 4 pattern).

Prints `OK <seq>` per answered request and `ABANDONED <seq>` when it gives up.
Exit status: 0 all answered, 2 gave up, 3 a reply did not echo the request.
"""

import logging

from interop_common import LazyPirateSocket, emit, make_parser, positive, run

log = logging.getLogger("lpclient")

GAVE_UP = 2
MISMATCH = 3


def main(context, args):
    socket = LazyPirateSocket(context, args.connect, args.timeout_ms, args.retries)
    for sequence in range(1, args.requests + 1):
        request = str(sequence).encode()
        reply = socket.request([request])
        if reply is None:
            log.error("server seems to be offline, abandoning")
            emit(f"ABANDONED {sequence}")
            return GAVE_UP
        if reply != [request]:
            log.error("reply %r does not match request %d", reply, sequence)
            return MISMATCH
        emit(f"OK {sequence}")
    return 0


def parser():
    p = make_parser(__doc__.splitlines()[0])
    p.add_argument("--connect", required=True, help="server or queue endpoint, e.g. tcp://127.0.0.1:5555")
    p.add_argument("--timeout-ms", type=positive, default=2500, help="wait for a reply per attempt (default 2500)")
    p.add_argument("--retries", type=positive, default=3, help="attempts per request, the first included (default 3)")
    p.add_argument("--requests", type=positive, default=10, help="number of requests (default 10)")
    return p


if __name__ == "__main__":
    run(parser(), main)
