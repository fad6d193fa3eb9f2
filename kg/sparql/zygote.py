"""Query workers forked from a zygote: a new worker in milliseconds, not a Python start.

A worker past the time limit is killed and replaced (kg.sparql.runner). Started as a
fresh interpreter, each replacement spends ~0.1 s of CPU importing Python, pyoxigraph and
the engine's code, and a client that sends runaway queries without pause has two killed
and replaced every second of its time limit: CPU taken from the clients being served on
a small machine. So the runner starts one *zygote* process that imports all of that once
and, with no thread of its own, forks a worker on request: the child only opens its store
snapshot. The server talks to the zygote over a socket pair: it sends the new worker's
end of a fresh socket pair (SCM_RIGHTS) with the snapshot and memory limit, and gets the
child's pid back. Workers are the zygote's children (reaped at once: SIGCHLD ignored); the
server follows each through a pidfd, so that a reused pid is never signalled.
"""
from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import traceback
from multiprocessing.connection import Connection

from kg.errors import StoreError

# Linux 5.3+: without pidfds the runner starts workers as plain subprocesses.
AVAILABLE = hasattr(os, "pidfd_open") and sys.platform.startswith("linux")


class Forked:
    """A worker forked by the zygote, with the part of `subprocess.Popen` the runner uses."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.fd = os.pidfd_open(pid)
        self.returncode: int | None = None

    def poll(self) -> int | None:
        """None while the process runs (its pidfd turns readable when it ends)."""
        if self.returncode is None and select.select([self.fd], [], [], 0)[0]:
            self._ended()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            if not select.select([self.fd], [], [], timeout)[0]:
                raise subprocess.TimeoutExpired(f"query worker {self.pid}", timeout or 0)
            self._ended()
        assert self.returncode is not None
        return self.returncode

    def kill(self) -> None:
        if self.returncode is None:
            try:
                signal.pidfd_send_signal(self.fd, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def _ended(self) -> None:
        # The zygote reaps its children, so no exit status is known here; -1 says "ended".
        self.returncode = -1
        self._close()

    def _close(self) -> None:
        # once only: a closed descriptor's number may be reused by another file
        fd, self.fd = self.fd, -1
        if fd >= 0:
            os.close(fd)

    def __del__(self) -> None:
        self._close()


class Zygote:
    """The server's side: one zygote process, asked for workers one at a time."""

    def __init__(self) -> None:
        # Datagrams in order: one message is one request or one answer.
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        parent.settimeout(60)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kg.sparql.zygote", str(child.fileno())],
            pass_fds=(child.fileno(),), stdin=subprocess.DEVNULL, close_fds=True)
        child.close()
        self.sock = parent
        self.lock = threading.Lock()

    def spawn(self, snapshot: str, memory_limit: int) -> tuple[Forked, Connection]:
        """Fork a worker reading `snapshot`; its process and the server's end of its pipe."""
        ours, theirs = socket.socketpair()
        args = json.dumps([snapshot, memory_limit]).encode()
        try:
            with self.lock:
                socket.send_fds(self.sock, [args], [theirs.fileno()])
                answer = self.sock.recv(64)
        except OSError as e:
            ours.close()
            raise StoreError(f"the query worker zygote does not answer: {e}") from e
        finally:
            theirs.close()
        if not answer:
            ours.close()
            raise StoreError("the query worker zygote has exited")
        return Forked(int(answer)), Connection(ours.detach())

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self) -> None:
        self.sock.close()   # the zygote ends when its socket closes; its workers with ours
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def main(fd: int) -> None:
    """The zygote: import what a worker needs, then fork one per request until EOF."""
    from kg.sparql import worker

    signal.signal(signal.SIGCHLD, signal.SIG_IGN)   # children are reaped by the kernel
    # Ctrl-C on `kg serve` reaches the whole process group: the server stops us by closing
    # our socket, so no traceback of ours is printed meanwhile.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sock = socket.socket(fileno=fd)
    while True:
        try:
            msg, fds, _, _ = socket.recv_fds(sock, 4096, 1)
        except OSError:
            return
        if not msg or not fds:
            return
        snapshot, memory_limit = json.loads(msg)
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                sock.close()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                signal.signal(signal.SIGINT, signal.default_int_handler)  # as a worker had
                worker.main(Connection(fds[0]), snapshot, int(memory_limit))
            except BaseException:
                traceback.print_exc()
                code = 1
            finally:
                os._exit(code)
        os.close(fds[0])
        sock.sendall(str(pid).encode())


if __name__ == "__main__":
    main(int(sys.argv[1]))
