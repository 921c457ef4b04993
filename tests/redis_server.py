"""A Redis server of the tests' own: Debian's redis-server on a free loopback port, in a temporary folder, no
persistence. Tests never use a Redis a developer configured (DJANGO_CACHE_URL): CI starts one for them and
names it in TEST_REDIS_URL (.ci/run); otherwise they start their own if the binary is installed."""

import os
import shutil
import socket
import subprocess
import time

from tests.ports import free_port

REDIS_SERVER = shutil.which("redis-server")
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "")


def answers_ping(port, host="127.0.0.1"):
    try:
        with socket.create_connection((host, port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer:
    """start() and stop() as often as needed, always on the same port: a test can cut the cache off and bring
    it back. Nothing is saved to disk: a restarted server is empty, as after a real crash."""

    def __init__(self, folder, port=None):
        self.folder = folder
        self.port = port or free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self, timeout=10):
        command = [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        command += ["--appendonly", "no", "--dir", str(self.folder)]
        command += ["--logfile", str(self.folder / "redis.log")]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while not answers_ping(self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server ne démarre pas sur le port {self.port}")
            time.sleep(0.05)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None
