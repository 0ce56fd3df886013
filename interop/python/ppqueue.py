#!/usr/bin/python3
"""Paranoid Pirate queue (RFC 6/PPP): ROUTER frontend for clients, ROUTER backend for workers.

Requests go to the ready worker that has waited longest. The queue heartbeats its workers every
interval and forgets a worker silent for liveness intervals. It keeps no request state: a request
lost with a worker is recovered by the client's Lazy Pirate retry.
"""

import collections
import logging
import time

import zmq

from interop_common import emit, make_parser, positive, run

log = logging.getLogger("ppqueue")

READY = b"\x01"
HEARTBEAT = b"\x02"


def is_routable(frames):
    """True for `client address, "", body...`, the only shape a ROUTER frontend can route."""
    return len(frames) >= 3 and frames[1] == b""


class ParanoidQueue:
    def __init__(self, frontend, backend, heartbeat_s, liveness):
        self._frontend = frontend
        self._backend = backend
        self._heartbeat_s = heartbeat_s
        self._expiry_s = heartbeat_s * liveness
        # Both map worker address -> expiry time; `ready` keeps the order in which workers
        # became ready. A busy worker is in `busy` so its heartbeats cannot make it ready again.
        self._ready = collections.OrderedDict()
        self._busy = {}
        self._heartbeat_at = time.monotonic() + heartbeat_s

    def run(self):
        backend_only = zmq.Poller()
        backend_only.register(self._backend, zmq.POLLIN)
        both = zmq.Poller()
        both.register(self._backend, zmq.POLLIN)
        both.register(self._frontend, zmq.POLLIN)
        while True:
            timeout_ms = max(0, int((self._heartbeat_at - time.monotonic()) * 1000) + 1)
            # Clients are read only while a worker is ready, so requests wait in ZeroMQ's queues.
            events = dict((both if self._ready else backend_only).poll(timeout_ms))
            if self._backend in events:
                self._on_worker(self._backend.recv_multipart())
            if self._frontend in events and self._ready:
                self._on_client(self._frontend.recv_multipart())
            now = time.monotonic()
            self._expire_workers(now)
            if now >= self._heartbeat_at:
                self._send_heartbeats()
                self._heartbeat_at = now + self._heartbeat_s

    def _on_worker(self, frames):
        worker, content = frames[0], frames[1:]
        expires_at = time.monotonic() + self._expiry_s
        if content == [READY]:
            self._busy.pop(worker, None)
            self._make_ready(worker, expires_at)
        elif content == [HEARTBEAT]:
            self._refresh(worker, expires_at)
        elif is_routable(content):
            # Forwarded even from a forgotten worker: its client may still be waiting.
            self._frontend.send_multipart(content)
            if self._busy.pop(worker, None) is not None:
                self._make_ready(worker, expires_at)
            else:
                self._refresh(worker, expires_at)
        else:
            log.warning("dropped malformed message of %d frames from worker %s", len(content), worker.hex())

    def _refresh(self, worker, expires_at):
        for workers in (self._ready, self._busy):
            if worker in workers:
                workers[worker] = expires_at
                return
        # PPP starts every conversation with READY; the worker will reconnect and send it.
        log.debug("ignored message from unknown worker %s", worker.hex())

    def _on_client(self, frames):
        if not is_routable(frames):
            log.warning("dropped malformed client request of %d frames", len(frames))
            return
        worker, expires_at = self._ready.popitem(last=False)
        self._busy[worker] = expires_at
        self._backend.send_multipart([worker, *frames])

    def _make_ready(self, worker, expires_at):
        if worker not in self._ready:
            log.info("worker %s ready", worker.hex())
        self._ready[worker] = expires_at
        self._ready.move_to_end(worker)

    def _expire_workers(self, now):
        for workers in (self._ready, self._busy):
            for worker in [w for w, expires_at in workers.items() if expires_at <= now]:
                log.info("worker %s expired after %.1f s of silence", worker.hex(), self._expiry_s)
                del workers[worker]

    def _send_heartbeats(self):
        for worker in [*self._ready, *self._busy]:
            self._backend.send_multipart([worker, HEARTBEAT])


def main(context, args):
    frontend = context.socket(zmq.ROUTER)
    backend = context.socket(zmq.ROUTER)
    for socket, endpoint in ((frontend, args.frontend), (backend, args.backend)):
        socket.linger = 0
        socket.bind(endpoint)
    log.info("frontend %s, backend %s", args.frontend, args.backend)
    emit("READY")
    ParanoidQueue(frontend, backend, args.heartbeat_ms / 1000, args.liveness).run()


def parser():
    p = make_parser(__doc__.splitlines()[0])
    p.add_argument("--frontend", required=True, help="endpoint for clients, e.g. tcp://127.0.0.1:5555")
    p.add_argument("--backend", required=True, help="endpoint for workers, e.g. tcp://127.0.0.1:5556")
    p.add_argument("--heartbeat-ms", type=positive, default=1000, help="heartbeat interval (default 1000)")
    p.add_argument("--liveness", type=positive, default=3, help="heartbeats missed before a worker expires (default 3)")
    return p


if __name__ == "__main__":
    run(parser(), main)
