"""Grading kernels by fork: start-up without paying for Python and the imports every time.

A fresh kernel per notebook is what keeps learners apart, and its start-up
(Python, numpy, matplotlib, widgets, ipykernel, the course's modules) is most
of the cost of grading a short notebook. Each grading worker therefore keeps
one *zygote*: a process that has done all those imports once and then waits.
For every notebook it forks; the child becomes the guarded kernel
(:func:`autograder.guard.main`: its own snapshot, limits and sockets), in its
own process group, its working folder and environment set from the request.
The parent never runs learner code and never creates a thread, a socket or
an event loop, so forking it is safe; it reaps its children as they exit.

jupyter_client drives a forked kernel exactly like a spawned one through
:class:`ForkProvisioner` (a LocalProvisioner whose "process" is the forked pid:
poll, interrupt, kill). If the zygote cannot be used, the sandbox falls back to
starting the kernel the ordinary way (``AUTOGRADER_FORK=0`` forces that).

Protocol on the zygote's stdin/stdout: one JSON line per request
``{"argv": [...], "env": {...}, "cwd": "..."}`` → one JSON line ``{"pid": N}``.
"""

import json
import os
import signal
import subprocess
import sys
import threading
import time

from jupyter_client.provisioning import LocalProvisioner


# ------------------------------------------------------------------ the zygote process

def _reap(signum, frame):
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def serve():
    from autograder import guard
    guard._preimport()
    import ipykernel.ipkernel  # noqa: F401  (the kernel's own imports, done once)
    import ipykernel.kernelapp  # noqa: F401
    import IPython.core.interactiveshell  # noqa: F401
    signal.signal(signal.SIGCHLD, _reap)
    requests = sys.stdin.buffer
    replies = sys.stdout.buffer
    sys.stdout = sys.stderr
    while True:
        line = requests.readline()
        if not line:
            return
        req = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _child(req, guard)
        replies.write((json.dumps({"pid": pid}) + "\n").encode())
        replies.flush()


def _child(req, guard):
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.setpgid(0, 0)
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        sys.stdin = open(os.devnull)
        sys.stdout = sys.stderr = open(os.devnull, "w")
        os.chdir(req["cwd"])
        os.environ.clear()
        os.environ.update(req["env"])
        guard.main(req["argv"])
    finally:
        os._exit(0)


# ------------------------------------------------------------------ the worker side

class _Zygote:
    lock = threading.Lock()
    proc = None

    @classmethod
    def fork(cls, argv, env, cwd):
        with cls.lock:
            for _attempt in range(2):
                if cls.proc is None or cls.proc.poll() is not None:
                    cls.proc = subprocess.Popen([sys.executable, "-m", "autograder.zygote"], env=env,
                                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                                stderr=subprocess.DEVNULL)
                try:
                    cls.proc.stdin.write((json.dumps({"argv": argv, "env": env, "cwd": str(cwd)}) + "\n").encode())
                    cls.proc.stdin.flush()
                    line = cls.proc.stdout.readline()
                    if line:
                        return json.loads(line)["pid"]
                except (BrokenPipeError, OSError, ValueError):
                    pass
                cls.proc = None
        raise RuntimeError("the kernel zygote is not available")


def enabled():
    return os.environ.get("AUTOGRADER_FORK", "1") != "0" and hasattr(os, "fork") and os.path.isdir("/proc/self")


class Forked:
    """Enough of subprocess.Popen for jupyter_client to manage a forked kernel."""

    stdin = stdout = stderr = None

    def __init__(self, pid):
        self.pid = pid
        self.returncode = None

    def poll(self):
        if self.returncode is not None:
            return self.returncode
        try:
            with open(f"/proc/{self.pid}/stat") as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            state = "X"
        if state in ("Z", "X"):
            self.returncode = -1
        return self.returncode

    def wait(self, timeout=None):
        end = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if end is not None and time.monotonic() > end:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(0.02)
        return self.returncode

    def send_signal(self, sig):
        try:
            os.kill(self.pid, sig)
        except ProcessLookupError:
            pass

    def kill(self):
        """The kernel and whatever learner code started in its process group."""
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            self.send_signal(signal.SIGKILL)

    def terminate(self):
        self.send_signal(signal.SIGTERM)


class ForkProvisioner(LocalProvisioner):
    """Launch the guarded kernel by forking the worker's zygote instead of starting Python."""

    async def launch_kernel(self, cmd, **kwargs):
        argv = cmd[cmd.index("autograder.guard") + 1:]
        env = dict(kwargs.get("env") or os.environ)
        env["JPY_PARENT_PID"] = str(os.getpid())   # the kernel exits if the grader does
        cwd = kwargs.get("cwd") or os.getcwd()
        pid = _Zygote.fork(argv, env, cwd)
        self.process = Forked(pid)
        self.pid = pid
        self.pgid = pid
        self.cwd = cwd
        return self.connection_info


if __name__ == "__main__":
    serve()
