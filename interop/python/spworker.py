#!/usr/bin/python3
"""Simple Pirate worker: a REQ socket that announces itself with READY (one frame 0x01) and then
echoes every request, envelope included, back to the queue (the Guide's chapter 4 pattern).
"""

import logging
import time

import zmq

from interop_common import emit, make_parser, non_negative, run

log = logging.getLogger("spworker")

READY = b"\x01"


def main(context, args):
    socket = context.socket(zmq.REQ)
    socket.linger = 0
    socket.connect(args.connect)
    # The queue learns of an idle worker only from a message, so the first one says READY.
    socket.send(READY)
    log.info("connected to %s, READY sent", args.connect)
    emit("READY")
    replies = 0
    while args.crash_after is None or replies < args.crash_after:
        # A REQ worker waits for exactly one request at a time, so a blocking receive is all the
        # loop needs; the signal handler interrupts it at once.
        request = socket.recv_multipart()
        time.sleep(args.delay_ms / 1000)
        socket.send_multipart(request)
        replies += 1
    log.warning("simulating a crash after %d replies", replies)
    return 0


def parser():
    p = make_parser(__doc__.splitlines()[0])
    p.add_argument("--connect", required=True, help="queue backend endpoint, e.g. tcp://127.0.0.1:5556")
    p.add_argument("--crash-after", type=non_negative, metavar="N", help="exit after N replies")
    p.add_argument("--delay-ms", type=non_negative, default=0, help="work time per request (default 0)")
    return p


if __name__ == "__main__":
    run(parser(), main)
