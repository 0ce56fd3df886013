#!/usr/bin/python3
"""Golden-frame checks for the self-test: plays one side of a protocol with raw sockets and
compares every frame the peer under test sends with the RFC's layout.

  frame_checks.py broker --connect EP        checks mdp_broker.py (RFC 7/MDP, RFC 8/MMI)
  frame_checks.py mdp-worker --bind EP       binds, prints READY; then start mdp_worker.py
  frame_checks.py pp-worker --bind EP        binds, prints READY; then start ppworker.py
  frame_checks.py bad-server --bind EP --reply FRAME...
                                             a REP server answering every request with FRAMEs,
                                             to show that the clients reject wrong replies

The checks print one `FAIL <check>: <why>` line per failed check; exit status 1 if any failed.
"""

import logging
import time

import zmq

from interop_common import emit, make_parser, run

log = logging.getLogger("frame_checks")

WAIT_MS = 3000

CLIENT = b"MDPC01"
WORKER = b"MDPW01"
MDP_READY, MDP_REQUEST, MDP_REPLY, MDP_HEARTBEAT, MDP_DISCONNECT = b"\x01", b"\x02", b"\x03", b"\x04", b"\x05"
PPP_READY, PPP_HEARTBEAT = b"\x01", b"\x02"


class Checks:
    def __init__(self):
        self.failures = 0

    def expect(self, name, actual, expected):
        if actual == expected:
            log.info("ok   %s", name)
        else:
            self.failures += 1
            emit(f"FAIL {name}: got {actual!r}, expected {expected!r}")


def receive(socket, skip=()):
    """Next message that is not one of `skip` (heartbeats may come at any time), or None."""
    while socket.poll(WAIT_MS):
        frames = socket.recv_multipart()
        if frames not in skip:
            return frames
    return None


def socket_to(context, kind, endpoint, bind=False):
    socket = context.socket(kind)
    socket.linger = 0
    if bind:
        socket.bind(endpoint)
    else:
        socket.connect(endpoint)
    return socket


# ---- broker -------------------------------------------------------------------------------------

def check_broker(context, endpoint, checks):
    heartbeat = [b"", WORKER, MDP_HEARTBEAT]
    disconnect = [b"", WORKER, MDP_DISCONNECT]

    def worker_says(*frames):
        worker = socket_to(context, zmq.DEALER, endpoint)
        worker.send_multipart([b"", WORKER, *frames])
        return worker

    checks.expect("READY for mmi.* gets DISCONNECT", receive(worker_says(MDP_READY, b"mmi.x"), [heartbeat]), disconnect)
    checks.expect("HEARTBEAT before READY gets DISCONNECT", receive(worker_says(MDP_HEARTBEAT), [heartbeat]), disconnect)
    checks.expect("REPLY before READY gets DISCONNECT",
                  receive(worker_says(MDP_REPLY, b"c", b"", b"x"), [heartbeat]), disconnect)
    twice = worker_says(MDP_READY, b"twice")
    twice.send_multipart([b"", WORKER, MDP_READY, b"twice"])
    checks.expect("second READY gets DISCONNECT", receive(twice, [heartbeat]), disconnect)

    # Junk first, on the socket that then registers: one connection keeps its order, so the
    # broker has dropped all of it by the time it sees READY.
    worker = socket_to(context, zmq.DEALER, endpoint)
    for frames in ([b"junk"], [b"", b"MDPX01", b"x"], [b"", WORKER, b"\x09"], [b"", WORKER, MDP_READY], [b"", CLIENT, b"svc"]):
        worker.send_multipart(frames)
    worker.send_multipart([b"", WORKER, MDP_READY, b"golden"])
    checks.expect("idle worker gets HEARTBEAT", receive(worker), heartbeat)
    def client_sends(*frames):
        # A new REQ socket per request: one that missed its reply could not send again.
        client = socket_to(context, zmq.REQ, endpoint)
        client.send_multipart([CLIENT, *frames])
        return client

    client = client_sends(b"golden", b"one", b"", b"three")
    request = receive(worker, [heartbeat])
    checks.expect("REQUEST layout", request and [request[:3], request[4:]],
                  [[b"", WORKER, MDP_REQUEST], [b"", b"one", b"", b"three"]])
    if request:
        worker.send_multipart([b"", WORKER, MDP_REPLY, request[3], b"", b"ONE", b"", b"THREE"])
    checks.expect("client REPLY layout after junk", receive(client), [CLIENT, b"golden", b"ONE", b"", b"THREE"])

    for service, answer in ((b"golden", b"200"), (b"absent", b"404")):
        checks.expect(f"mmi.service {service.decode()}", receive(client_sends(b"mmi.service", service)),
                      [CLIENT, b"mmi.service", answer])
    checks.expect("other mmi.* is 501", receive(client_sends(b"mmi.nope", b"x")), [CLIENT, b"mmi.nope", b"501"])

    # A worker that dies holding a request: once it expires the request goes to the next worker.
    doomed = worker_says(MDP_READY, b"relay")
    client = client_sends(b"relay", b"job")
    first = receive(doomed, [heartbeat])
    rescuer = worker_says(MDP_READY, b"relay")
    second = receive_heartbeating(rescuer, heartbeat)
    checks.expect("request of an expired worker goes to the next", second, first)
    if second:
        rescuer.send_multipart([b"", WORKER, MDP_REPLY, second[3], b"", b"done"])
    checks.expect("client gets the rescued reply", receive(client), [CLIENT, b"relay", b"done"])


def receive_heartbeating(worker, heartbeat):
    """Like receive, but heartbeats meanwhile so that this worker itself stays alive."""
    deadline = time.monotonic() + WAIT_MS / 1000
    while time.monotonic() < deadline:
        if worker.poll(100):
            frames = worker.recv_multipart()
            if frames != heartbeat:
                return frames
        worker.send_multipart(heartbeat)
    return None


# ---- MDP worker ---------------------------------------------------------------------------------

def check_mdp_worker(context, endpoint, checks):
    broker = socket_to(context, zmq.ROUTER, endpoint, bind=True)
    emit("READY")
    ready = receive(broker)
    checks.expect("READY layout", ready and ready[1:], [b"", WORKER, MDP_READY, b"golden"])
    if not ready:
        return
    identity = ready[0]
    checks.expect("idle worker sends HEARTBEAT", receive(broker), [identity, b"", WORKER, MDP_HEARTBEAT])
    broker.send_multipart([identity, b"", WORKER, MDP_REQUEST, b"client-7", b"", b"a", b"", b"c"])
    checks.expect("REPLY echoes envelope and body", receive(broker, [[identity, b"", WORKER, MDP_HEARTBEAT]]),
                  [identity, b"", WORKER, MDP_REPLY, b"client-7", b"", b"a", b"", b"c"])
    broker.send_multipart([identity, b"", b"junk"])
    broker.send_multipart([identity, b"", WORKER, MDP_DISCONNECT])
    again = receive(broker, [[identity, b"", WORKER, MDP_HEARTBEAT]])
    checks.expect("after DISCONNECT, READY on a new socket",
                  again and [again[0] != identity, again[1:]], [True, [b"", WORKER, MDP_READY, b"golden"]])


# ---- PPP worker ---------------------------------------------------------------------------------

def check_pp_worker(context, endpoint, checks):
    queue = socket_to(context, zmq.ROUTER, endpoint, bind=True)
    emit("READY")
    ready = receive(queue)
    checks.expect("READY is one frame 0x01", ready and ready[1:], [PPP_READY])
    if not ready:
        return
    identity = ready[0]
    heartbeat = [identity, PPP_HEARTBEAT]
    checks.expect("HEARTBEAT is one frame 0x02", receive(queue), heartbeat)
    queue.send_multipart([identity, b"hop-1", b"client-9", b"", b"x", b"y"])
    checks.expect("reply echoes envelope and body", receive(queue, [heartbeat]),
                  [identity, b"hop-1", b"client-9", b"", b"x", b"y"])
    # Silence from the queue: the worker must give up on this connection and say READY again.
    again = receive(queue, [heartbeat])
    checks.expect("after silence, READY on a new socket", again and [again[0] != identity, again[1:]], [True, [PPP_READY]])


# ---- clients ------------------------------------------------------------------------------------

def serve_bad_replies(context, endpoint, reply):
    server = socket_to(context, zmq.REP, endpoint, bind=True)
    emit("READY")
    while True:
        server.recv_multipart()
        server.send_multipart(reply)


def main(context, args):
    if args.role == "bad-server":
        serve_bad_replies(context, args.bind, [frame.encode() for frame in args.reply])
    checks = Checks()
    if args.role == "broker":
        check_broker(context, args.connect, checks)
    elif args.role == "mdp-worker":
        check_mdp_worker(context, args.bind, checks)
    else:
        check_pp_worker(context, args.bind, checks)
    return 1 if checks.failures else 0


def parser():
    p = make_parser(__doc__.splitlines()[0])
    p.add_argument("role", choices=("broker", "mdp-worker", "pp-worker", "bad-server"))
    endpoint = p.add_mutually_exclusive_group(required=True)
    endpoint.add_argument("--connect", help="endpoint of the broker under test")
    endpoint.add_argument("--bind", help="endpoint the worker or client under test connects to")
    p.add_argument("--reply", action="append", default=[], help="bad-server: a reply frame (repeatable)")
    return p


if __name__ == "__main__":
    run(parser(), main)
