"""Loopback ports for the servers the tests start themselves (Redis, SMTP, gunicorn)."""

import socket


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on at this moment."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
