#!/usr/bin/python3
"""Majordomo client: MDP/0.1 (RFC 7/MDP) on a REQ socket with Lazy Pirate retries.

Sends one request whose body frames are the BODY arguments (--count times, one after another) and
prints each reply body frame on its own line. Exit status: 0 done, 2 gave up, 3 malformed reply.
"""

import logging

from interop_common import LazyPirateSocket, add_curve_client_arguments, curve_client, emit, make_parser, positive, printable, run

log = logging.getLogger("mdp_client")

CLIENT = b"MDPC01"

GAVE_UP = 2
MALFORMED = 3


def main(context, args):
    service = args.service.encode()
    request = [CLIENT, service, *(body.encode() for body in args.body)]
    socket = LazyPirateSocket(context, args.connect, args.timeout_ms, args.retries, curve_client(args))
    for number in range(1, args.count + 1):
        reply = socket.request(request)
        if reply is None:
            log.error("request %d to %r abandoned after %d attempts", number, args.service, args.retries)
            return GAVE_UP
        # The REQ socket has already removed the empty frame 0.
        if len(reply) < 3 or reply[0] != CLIENT or reply[1] != service:
            log.error("malformed reply %r", reply)
            return MALFORMED
        for frame in reply[2:]:
            emit(printable(frame))
    return 0


def parser():
    p = make_parser(__doc__.splitlines()[0])
    p.add_argument("--connect", required=True, help="broker endpoint, e.g. tcp://127.0.0.1:5555")
    p.add_argument("--service", required=True, help="service to call (mmi.* is answered by the broker)")
    p.add_argument("--timeout-ms", type=positive, default=2500, help="wait for a reply per attempt (default 2500)")
    p.add_argument("--retries", type=positive, default=3, help="attempts per request, the first included (default 3)")
    p.add_argument("--count", type=positive, default=1, help="send the request this many times (default 1)")
    p.add_argument("body", nargs="+", help="request body frames")
    add_curve_client_arguments(p)
    return p


if __name__ == "__main__":
    run(parser(), main)
