"""A JupyterLab server for the browser tests: loopback, a token, a free port, fresh folders.

Everything JupyterLab would read or write for a user (settings, workspaces,
runtime files, config, data) lives in a temporary folder, so a run never sees
a developer's own setup and never leaves anything behind. The server is ready
when its REST API answers; nothing here waits a fixed time.
"""

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# User settings written into the fresh settings folder. They only silence what a
# first start would do on its own (ask about news, look for updates) and switch
# off autosave; notebooks are opened from a temporary copy in any case.
SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LabServer:
    """``jupyter lab`` from ``python``'s environment, serving ``root_dir``.

    ``kernel_pythonpath``: folders put on the kernels' PYTHONPATH (the repository
    root, so hidden tests can import ``autograder.reference``).
    """

    def __init__(self, python, root_dir, home, kernel_pythonpath=(), start_timeout=180):
        self.python = os.path.abspath(python)  # not resolve(): a venv's python is a symlink
        self.root_dir = Path(root_dir)
        self.home = Path(home)
        self.kernel_pythonpath = [str(p) for p in kernel_pythonpath]
        self.start_timeout = start_timeout
        self.token = secrets.token_hex(16)
        self.port = None
        self.proc = None
        self.log_path = self.home / "jupyterlab.log"

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def env(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "IPYTHON"))}
        h = self.home
        env.update(
            JUPYTERLAB_SETTINGS_DIR=str(h / "settings"),
            JUPYTERLAB_WORKSPACES_DIR=str(h / "workspaces"),
            JUPYTER_RUNTIME_DIR=str(h / "runtime"),
            JUPYTER_CONFIG_DIR=str(h / "config"),
            JUPYTER_DATA_DIR=str(h / "data"),
            IPYTHONDIR=str(h / "ipython"),
            MPLCONFIGDIR=str(h / "mpl"),
            PYTHONPATH=os.pathsep.join(self.kernel_pythonpath),
            PYTHONDONTWRITEBYTECODE="1",
        )
        if not self.kernel_pythonpath:
            env.pop("PYTHONPATH")
        # the venv's own scripts first, as an activated environment would have them
        env["PATH"] = os.pathsep.join([str(Path(self.python).parent), env.get("PATH", "")])
        env.pop("VIRTUAL_ENV", None)
        return env

    def start(self):
        for sub in ("settings", "workspaces", "runtime", "config", "data", "ipython", "mpl"):
            (self.home / sub).mkdir(parents=True, exist_ok=True)
        for rel, values in SETTINGS.items():
            f = self.home / "settings" / rel
            f.parent.mkdir(parents=True, exist_ok=True)
            f.write_text(json.dumps(values))
        last = None
        for _ in range(3):  # a free port can be taken between our check and the server's bind
            self.port = free_port()
            cmd = [self.python, "-m", "jupyterlab", "--no-browser",
                   "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
                   f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={self.root_dir}",
                   "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
                   "--ServerApp.terminals_enabled=False"]
            if hasattr(os, "geteuid") and os.geteuid() == 0:
                cmd.append("--allow-root")  # CI and these machines run as root
            log = open(self.log_path, "ab")
            self.proc = subprocess.Popen(cmd, cwd=self.root_dir, env=self.env(), stdout=log, stderr=subprocess.STDOUT,
                                         start_new_session=True)
            log.close()
            try:
                self._wait_ready()
                return self
            except RuntimeError as exc:
                last = exc
                self.stop()
        raise last

    def _wait_ready(self):
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyter lab exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                self.api("GET", "/api/status", timeout=2)
                return
            except (urllib.error.URLError, ConnectionError, OSError):
                # not listening yet: wait for the process for a moment (returns early if it dies)
                try:
                    self.proc.wait(timeout=0.25)
                except subprocess.TimeoutExpired:
                    pass
        raise RuntimeError(f"jupyter lab did not answer within {self.start_timeout} s:\n{self.log_tail()}")

    def api(self, method, path, body=None, timeout=30):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Authorization": f"token {self.token}",
                                              "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=timeout) as r:
            raw = r.read()
        return json.loads(raw) if raw else None

    def shutdown_kernels(self):
        """Stop every kernel (each notebook test starts one); keeps the machine's two cores free."""
        for s in self.api("GET", "/api/sessions") or []:
            try:
                self.api("DELETE", f"/api/sessions/{s['id']}")
            except urllib.error.HTTPError:
                pass

    def lab_url(self, path, workspace=None):
        ws = f"workspaces/{workspace}/" if workspace else ""
        return f"{self.url}/lab/{ws}tree/{path}?reset&token={self.token}"

    def log_tail(self, n=40):
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return "(no log)"

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=20)
        except (subprocess.TimeoutExpired, ProcessLookupError):
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(timeout=10)


def copy_lessons(dest, kinds=("course", "solutions")):
    """Copy the lesson folders (notebooks and whatever sits beside them) to ``dest``; returns dest."""
    dest = Path(dest)
    for kind in kinds:
        src = ROOT / kind
        if src.is_dir():
            shutil.copytree(src, dest / kind, ignore=shutil.ignore_patterns(
                ".ipynb_checkpoints", "__pycache__", "quiz_answers*.json"), dirs_exist_ok=True)
    return dest


def lesson_notebooks(kind, root=ROOT):
    """Paths (relative to ``root``) of every lesson notebook in ``kind`` (course or solutions), in order."""
    base = Path(root) / kind
    if not base.is_dir():
        return []
    return [f"{kind}/{p.name}/{p.name}.ipynb" for p in sorted(base.iterdir())
            if p.is_dir() and (p / f"{p.name}.ipynb").exists()]


if __name__ == "__main__":  # a manual look: python tests/browser/lab.py
    import tempfile
    tmp = Path(tempfile.mkdtemp(prefix="bp-lab-"))
    srv = LabServer(sys.executable, copy_lessons(tmp / "repo"), tmp / "home", kernel_pythonpath=[ROOT]).start()
    print(srv.lab_url(lesson_notebooks("solutions")[0]), flush=True)
    try:
        signal.pause()
    finally:
        srv.stop()
