#!/usr/bin/python3
"""Simple Pirate queue: ROUTER frontend for clients, ROUTER backend for REQ workers that announce
themselves with READY (one frame 0x01); requests go to the worker idle the longest.

It keeps no request state: a request lost with a worker is recovered by the client's retry.
"""

import collections
import logging

import zmq

from interop_common import emit, make_parser, run

log = logging.getLogger("spqueue")

READY = b"\x01"


def is_routable(frames):
    """True for `address, "", body...`: one envelope frame, its delimiter and some content."""
    return len(frames) >= 3 and frames[1] == b""


def main(context, args):
    frontend = context.socket(zmq.ROUTER)
    backend = context.socket(zmq.ROUTER)
    for socket, endpoint in ((frontend, args.frontend), (backend, args.backend)):
        socket.linger = 0
        socket.bind(endpoint)
    log.info("frontend %s, backend %s", args.frontend, args.backend)
    emit("READY")
    idle = collections.deque()
    backend_only = zmq.Poller()
    backend_only.register(backend, zmq.POLLIN)
    both = zmq.Poller()
    both.register(backend, zmq.POLLIN)
    both.register(frontend, zmq.POLLIN)
    while True:
        # Clients are read only while a worker is free, so requests wait in ZeroMQ's queues.
        events = dict((both if idle else backend_only).poll())
        if backend in events:
            frames = backend.recv_multipart()
            # A REQ worker's message arrives as: worker address, "", content.
            if not is_routable(frames):
                log.warning("dropped malformed worker message of %d frames", len(frames))
                continue
            worker, content = frames[0], frames[2:]
            if is_routable(content):
                frontend.send_multipart(content)
            elif content != [READY]:
                log.warning("dropped malformed reply of %d frames", len(content))
            # A REQ worker that has sent anything is waiting for its next request.
            idle.append(worker)
        if frontend in events and idle:
            frames = frontend.recv_multipart()
            if not is_routable(frames):
                log.warning("dropped malformed client request of %d frames", len(frames))
                continue
            backend.send_multipart([idle.popleft(), b"", *frames])


def parser():
    p = make_parser(__doc__.splitlines()[0])
    p.add_argument("--frontend", required=True, help="endpoint for clients, e.g. tcp://127.0.0.1:5555")
    p.add_argument("--backend", required=True, help="endpoint for workers, e.g. tcp://127.0.0.1:5556")
    return p


if __name__ == "__main__":
    run(parser(), main)
