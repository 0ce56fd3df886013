"""Plumbing shared by the interop peers: argument parsing, logging, signals, stdout lines,
context lifecycle and the Lazy Pirate request loop.

Protocol logic stays in each program so that a reader sees a role's frames in one file.
"""

import argparse
import logging
import signal
import sys

import zmq
import zmq.auth
import zmq.auth.thread

log = logging.getLogger(__name__)


class Shutdown(Exception):
    """Raised from the signal handler: pyzmq re-raises it out of a blocked poll, recv or sleep,
    so a program stops at once instead of waiting for its next timeout."""


def _on_signal(signum, _frame):
    # A second signal must not interrupt the cleanup that the first one started.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise Shutdown(signal.Signals(signum).name)


def emit(line):
    """Writes one protocol line to stdout; flushed because the Java tests read it through a pipe."""
    print(line, flush=True)


def non_negative(text):
    """argparse type for a count or a duration in milliseconds, >= 0."""
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0: {text}")
    return value


def positive(text):
    """argparse type for an integer >= 1."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1: {text}")
    return value


def make_parser(description):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("-v", "--verbose", action="store_true", help="log every message (DEBUG)")
    return parser


def run(parser, main):
    """Parses arguments, then runs main(context, args) until it returns or a signal arrives.

    Every socket is closed with LINGER 0 and the context terminated on the way out, whatever the
    cause. The exit status is main's return value (0 when it returns None or on a signal).
    """
    args = parser.parse_args()
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.DEBUG if args.verbose else logging.INFO,
        format=f"%(asctime)s {parser.prog} %(levelname)s %(message)s",
    )
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    context = zmq.Context()
    try:
        status = main(context, args) or 0
    except Shutdown as stop:
        logging.getLogger(parser.prog).info("stopping on %s", stop)
        status = 0
    finally:
        context.destroy(linger=0)
    sys.exit(status)


def add_curve_client_arguments(parser):
    """CURVE options of a peer that connects; without --server-key it speaks plain text."""
    parser.add_argument("--server-key", help="Z85 public key of the server: connect with CURVE")
    parser.add_argument("--certificate", help="this peer's secret certificate file (default: a fresh key pair)")


def curve_client(args):
    """Returns a function that makes a socket a CURVE client as the options say, or None."""
    if args.server_key is None:
        return None
    if args.certificate is not None:
        public, secret = zmq.auth.load_certificate(args.certificate)
    else:
        public, secret = zmq.curve_keypair()

    def configure(socket):
        socket.curve_serverkey = args.server_key.encode()
        socket.curve_publickey = public
        socket.curve_secretkey = secret

    return configure


def add_curve_server_arguments(parser):
    """CURVE options of a peer that binds; without --certificate it speaks plain text."""
    parser.add_argument("--certificate", help="this server's secret certificate file: serve with CURVE")
    parser.add_argument("--authorized-keys-dir", help="directory of *.key public certificates let in (ZAP)")


def curve_server(context, socket, args):
    """Makes a socket a CURVE server whose ZAP handler lets in the keys of --authorized-keys-dir.

    Returns the running authenticator (stop it before the context ends), or None for plain text.
    Call before bind: ZeroMQ lets every key in while no ZAP handler runs.
    """
    if args.certificate is None:
        return None
    authenticator = zmq.auth.thread.ThreadAuthenticator(context)
    authenticator.start()
    authenticator.configure_curve(domain="*", location=args.authorized_keys_dir or zmq.auth.CURVE_ALLOW_ANY)
    public, secret = zmq.auth.load_certificate(args.certificate)
    socket.curve_server = True
    socket.curve_publickey = public
    socket.curve_secretkey = secret
    return authenticator


def printable(frame):
    """A frame as one line of text; undecodable bytes are escaped so a line never breaks."""
    return frame.decode("utf-8", errors="backslashreplace").replace("\n", "\\n")


class LazyPirateSocket:
    """A REQ socket used the Lazy Pirate way: poll for the reply with a timeout and, when none
    comes, close the socket and open a new one before resending, because a REQ socket refuses to
    send twice in a row and a late reply must never be mistaken for the answer to a later request.
    """

    def __init__(self, context, endpoint, timeout_ms, attempts, configure=None):
        self._context = context
        self._configure = configure
        self._endpoint = endpoint
        self._timeout_ms = timeout_ms
        self._attempts = attempts
        self._poller = zmq.Poller()
        self._socket = None
        self._open()

    def _open(self):
        self._socket = self._context.socket(zmq.REQ)
        self._socket.linger = 0
        if self._configure is not None:
            self._configure(self._socket)
        self._socket.connect(self._endpoint)
        self._poller.register(self._socket, zmq.POLLIN)

    def _reopen(self):
        self._poller.unregister(self._socket)
        self._socket.close(linger=0)
        self._open()

    def request(self, frames):
        """Sends frames and returns the reply frames, or None after `attempts` unanswered sends."""
        for attempt in range(1, self._attempts + 1):
            self._socket.send_multipart(frames)
            if self._poller.poll(self._timeout_ms):
                return self._socket.recv_multipart()
            log.warning("no reply within %d ms (attempt %d of %d)", self._timeout_ms, attempt, self._attempts)
            self._reopen()
        return None
