#!/usr/bin/python3
"""Majordomo broker: MDP/0.1 (RFC 7/MDP) with the management interface of RFC 8/MMI.

One ROUTER socket serves both sub-protocols; the header frame tells a client (MDPC01) from a
worker (MDPW01). Services are created on demand; each keeps a FIFO of pending requests and a FIFO
of idle workers, so the worker that has waited longest gets the next request.
"""

import collections
import logging
import time

import zmq

from interop_common import add_curve_server_arguments, curve_server, emit, make_parser, positive, run

log = logging.getLogger("mdp_broker")

CLIENT = b"MDPC01"
WORKER = b"MDPW01"

READY = b"\x01"
REQUEST = b"\x02"
REPLY = b"\x03"
HEARTBEAT = b"\x04"
DISCONNECT = b"\x05"
COMMAND_NAMES = {READY: "READY", REQUEST: "REQUEST", REPLY: "REPLY", HEARTBEAT: "HEARTBEAT", DISCONNECT: "DISCONNECT"}

MMI_PREFIX = b"mmi."


class Service:
    def __init__(self, name):
        self.name = name  # bytes, as on the wire: a service name need not be valid UTF-8
        self.requests = collections.deque()  # (client address, body frames), oldest first
        self.waiting = collections.deque()  # idle workers, longest idle first


class Worker:
    def __init__(self, identity, service, now, expiry_s):
        self.identity = identity
        self.service = service
        self.expires_at = now + expiry_s
        self.heartbeat_at = now
        # The request in hand, kept so it can be queued again if this worker dies with it.
        self.request = None


class Broker:
    def __init__(self, socket, heartbeat_s, liveness):
        self._socket = socket
        self._heartbeat_s = heartbeat_s
        self._expiry_s = heartbeat_s * liveness
        self._services = {}
        self._workers = {}

    # ---- event loop -------------------------------------------------------------------------

    def run(self):
        poller = zmq.Poller()
        poller.register(self._socket, zmq.POLLIN)
        while True:
            if poller.poll(self._poll_timeout_ms()):
                self._handle(self._socket.recv_multipart())
            now = time.monotonic()
            self._expire_workers(now)
            self._send_heartbeats(now)

    def _poll_timeout_ms(self):
        now = time.monotonic()
        deadlines = [now + self._heartbeat_s]
        for worker in self._workers.values():
            deadlines.extend((worker.heartbeat_at, worker.expires_at))
        return max(0, int((min(deadlines) - now) * 1000) + 1)

    def _handle(self, frames):
        if len(frames) < 3 or frames[1] != b"":
            log.warning("dropped malformed message of %d frames", len(frames))
            return
        sender, header, body = frames[0], frames[2], frames[3:]
        if header == CLIENT:
            self._on_client(sender, body)
        elif header == WORKER:
            self._on_worker(sender, body)
        else:
            log.warning("dropped message with unknown header %r from %s", header, sender.hex())

    # ---- clients ----------------------------------------------------------------------------

    def _on_client(self, client, frames):
        if len(frames) < 2:
            log.warning("dropped client request without service and body from %s", client.hex())
            return
        service_name, body = frames[0], frames[1:]
        if service_name.startswith(MMI_PREFIX):
            self._reply_to_client(client, service_name, [self._mmi(service_name, body)])
            return
        service = self._service(service_name)
        service.requests.append((client, body))
        self._dispatch(service)

    def _mmi(self, service_name, body):
        if service_name != b"mmi.service":
            return b"501"
        return b"200" if any(w.service.name == body[0] for w in self._workers.values()) else b"404"

    def _reply_to_client(self, client, service_frame, body):
        self._socket.send_multipart([client, b"", CLIENT, service_frame, *body])

    # ---- workers ----------------------------------------------------------------------------

    def _on_worker(self, identity, frames):
        if not frames or frames[0] not in COMMAND_NAMES:
            log.warning("dropped worker message without a valid command from %s", identity.hex())
            return
        command, rest = frames[0], frames[1:]
        worker = self._workers.get(identity)
        if worker is not None:
            # Any command but DISCONNECT proves the worker alive.
            worker.expires_at = time.monotonic() + self._expiry_s
        if command == READY:
            self._on_ready(identity, worker, rest)
        elif command == REPLY:
            self._on_reply(identity, worker, rest)
        elif command == HEARTBEAT:
            if worker is None:
                self._reject(identity, "HEARTBEAT before READY")
        elif command == DISCONNECT:
            if worker is not None:
                log.info("worker %s disconnected", identity.hex())
                self._remove(worker)
        else:
            self._reject(identity, "REQUEST sent by a worker")

    def _on_ready(self, identity, worker, frames):
        if len(frames) != 1 or not frames[0]:
            log.warning("dropped READY without exactly one service name from %s", identity.hex())
            return
        service_name = frames[0]
        if worker is not None:
            self._reject(identity, "second READY")
        elif service_name.startswith(MMI_PREFIX):
            self._reject(identity, f"READY for reserved service {service_name.decode(errors='replace')!r}")
        else:
            worker = Worker(identity, self._service(service_name), time.monotonic(), self._expiry_s)
            self._workers[identity] = worker
            log.info("worker %s ready for %r", identity.hex(), service_name.decode(errors="replace"))
            self._wait(worker)

    def _on_reply(self, identity, worker, frames):
        if len(frames) < 3 or frames[1] != b"":
            log.warning("dropped malformed REPLY from %s", identity.hex())
            return
        if worker is None or worker.request is None:
            self._reject(identity, "REPLY without a request")
            return
        self._reply_to_client(frames[0], worker.service.name, frames[2:])
        worker.request = None
        self._wait(worker)

    def _reject(self, identity, reason):
        """Answers a valid but unexpected command the RFC's way: DISCONNECT, then silence."""
        log.warning("disconnecting worker %s: %s", identity.hex(), reason)
        self._send_to_worker(identity, DISCONNECT)
        worker = self._workers.get(identity)
        if worker is not None:
            self._remove(worker)

    def _remove(self, worker):
        del self._workers[worker.identity]
        service = worker.service
        if worker in service.waiting:
            service.waiting.remove(worker)
        if worker.request is not None:
            # At-least-once delivery: the request goes first in line for the next worker.
            service.requests.appendleft(worker.request)
            self._dispatch(service)

    def _wait(self, worker):
        worker.service.waiting.append(worker)
        self._dispatch(worker.service)

    def _dispatch(self, service):
        while service.waiting and service.requests:
            worker = service.waiting.popleft()
            worker.request = service.requests.popleft()
            client, body = worker.request
            self._send_to_worker(worker.identity, REQUEST, client, b"", *body)

    def _send_to_worker(self, identity, command, *frames):
        log.debug("%s to worker %s", COMMAND_NAMES[command], identity.hex())
        self._socket.send_multipart([identity, b"", WORKER, command, *frames])
        worker = self._workers.get(identity)
        if worker is not None:
            # Any command is a heartbeat, so the next HEARTBEAT is due one interval after it.
            worker.heartbeat_at = time.monotonic() + self._heartbeat_s

    def _service(self, name):
        service = self._services.get(name)
        if service is None:
            service = self._services[name] = Service(name)
        return service

    # ---- timers -----------------------------------------------------------------------------

    def _expire_workers(self, now):
        for worker in [w for w in self._workers.values() if w.expires_at <= now]:
            log.info("worker %s expired after %.1f s of silence", worker.identity.hex(), self._expiry_s)
            self._remove(worker)

    def _send_heartbeats(self, now):
        for worker in [w for w in self._workers.values() if w.heartbeat_at <= now]:
            self._send_to_worker(worker.identity, HEARTBEAT)


def main(context, args):
    socket = context.socket(zmq.ROUTER)
    socket.linger = 0
    authenticator = curve_server(context, socket, args)
    try:
        socket.bind(args.bind)
        log.info("broker bound to %s%s", args.bind, " with CURVE" if authenticator else "")
        emit("READY")
        Broker(socket, args.heartbeat_ms / 1000, args.liveness).run()
    finally:
        if authenticator is not None:
            authenticator.stop()


def parser():
    p = make_parser(__doc__.splitlines()[0])
    p.add_argument("--bind", required=True, help="endpoint to bind, e.g. tcp://127.0.0.1:5555")
    p.add_argument("--heartbeat-ms", type=positive, default=2500, help="heartbeat interval (default 2500)")
    p.add_argument("--liveness", type=positive, default=3, help="heartbeats missed before a worker expires (default 3)")
    add_curve_server_arguments(p)
    return p


if __name__ == "__main__":
    run(parser(), main)
