"""A throwaway JupyterHub on loopback with real local Unix users, for tests/hub/test_hub.py.

Everything lives in one temporary folder (mode 0755 so the test's users can reach their homes in it):

    TMP/home/USER/          each user's home (mode 0700, owned by the user)
    TMP/exchange/           nbgrader's exchange (mode 0777, as nbgrader wants its root)
    TMP/etc/jupyter/        the site-wide Jupyter config (what /etc/jupyter is on a real hub), given to every
                            server and command through JUPYTER_CONFIG_PATH so this machine's /etc is never touched
    TMP/hub/                the hub's own state (database, cookie secret, proxy pid, log), root only

``Hub.close()`` undoes everything (hub, proxy and every spawned server stopped, any process of the test's users
ended by its id, the users deleted, TMP removed), whatever state the walk stopped in.

The one trick: on the project's machines Python lives under root's home (a pyenv), which other users cannot
enter, so the users could not run the course's own environment. When that is so, the hub runs in a private
mount namespace (``unshare --mount``, so nothing changes outside it) where each such folder is replaced by an
empty tmpfs holding only what the environment needs (a bind mount of that path): the users see the
environment, not the rest of the folder. Commands run as a user enter the same namespace (``nsenter``).
"""

import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent            # the course's environment (.venv/bin), shared by every user
CHP = ROOT / "tests" / "hub" / "node_modules" / ".bin" / "configurable-http-proxy"
LOOPBACK = "127.0.0.1"


def free_port():
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def _hidden_ancestors(paths):
    """{folder others cannot enter: the names inside it that ``paths`` go through}, outermost first."""
    hidden = {}
    for path in paths:
        path = Path(path).resolve()
        for parent, child in zip(reversed(path.parents), [*reversed(path.parents)][1:] + [path]):
            if not os.stat(parent).st_mode & stat.S_IXOTH:
                hidden.setdefault(parent, set()).add(child.name)
    return sorted(((p, sorted(c)) for p, c in hidden.items()), key=lambda pc: len(pc[0].parts))


def _environment_paths():
    """Everything a user's process must be able to read: the interpreter, the environment, the repository."""
    exe = Path(os.path.realpath(sys.executable))
    return [Path(sys.base_prefix), exe.parent, Path(sys.prefix), VENV_BIN, ROOT, CHP.parent]


class Hub:
    """JupyterHub + configurable-http-proxy on 127.0.0.1, users created with useradd."""

    def __init__(self, names, log=print):
        self.log = log
        self.names = list(names)
        self.tmp = Path(tempfile.mkdtemp(prefix="bp-hub-"))
        os.chmod(self.tmp, 0o755)
        self.users = {}                     # name -> pwd entry
        self.proc = None
        self.token = secrets.token_hex(32)  # the test's own service token (admin role)
        self.port = free_port()
        self.url = f"http://{LOOPBACK}:{self.port}"
        self.reveal = _hidden_ancestors(_environment_paths())
        self.exchange = self.tmp / "exchange"
        self.etc = self.tmp / "etc" / "jupyter"
        self._tokens = {}
        self.timings = []                   # (user, command, seconds) of every run_as

    # ------------------------------------------------------------------ set-up ---

    def create_users(self):
        (self.tmp / "home").mkdir(mode=0o755)
        for name in self.names:
            home = self.tmp / "home" / name
            subprocess.run(["useradd", "--create-home", "--home-dir", str(home), "--shell", "/bin/bash",
                            "--user-group", "-K", "HOME_MODE=0700", name], check=True, capture_output=True)
            self.users[name] = pwd.getpwnam(name)
            os.chmod(home, 0o700)           # whatever the machine's login.defs says: nobody reads another's home

    def home(self, name):
        return Path(self.users[name].pw_dir)

    def chown(self, path, name):
        """Give ``path`` (and everything under it) to user ``name``."""
        uid, gid = self.users[name].pw_uid, self.users[name].pw_gid
        for p in [Path(path), *Path(path).rglob("*")] if Path(path).is_dir() else [Path(path)]:
            os.chown(p, uid, gid, follow_symlinks=False)

    def write_site_config(self, text):
        """The site-wide nbgrader_config.py (readable by everyone)."""
        self.etc.mkdir(parents=True)
        for d in (self.etc, self.etc.parent):
            os.chmod(d, 0o755)
        (self.etc / "nbgrader_config.py").write_text(text, encoding="utf-8")

    def make_exchange(self):
        self.exchange.mkdir()
        os.chmod(self.exchange, 0o777)      # nbgrader's exchange root: everyone may create course folders

    def _mount_script(self):
        """Shell lines run inside the new mount namespace before the hub starts (see the module docstring)."""
        lines = ["set -e", "mount --make-rprivate /"]
        stash = self.tmp / "ns"
        for i, (parent, children) in enumerate(self.reveal):
            for j, child in enumerate(children):
                keep = stash / f"{i}-{j}"
                keep.mkdir(parents=True)
                lines.append(f"mount --rbind '{parent / child}' '{keep}'")
            lines.append(f"mount -t tmpfs -o mode=0755,size=1m bp-hub-reveal '{parent}'")
            for j, child in enumerate(children):
                lines += [f"mkdir '{parent / child}'", f"mount --rbind '{stash / f'{i}-{j}'}' '{parent / child}'"]
        return "\n".join(lines)

    def _config(self, spawner_env):
        state = self.tmp / "hub"
        cfg = {
            "ip": LOOPBACK, "port": self.port, "hub_ip": LOOPBACK, "hub_port": free_port(),
            "proxy_api": f"http://{LOOPBACK}:{free_port()}", "chp": str(CHP),
            "db": f"sqlite:///{state / 'jupyterhub.sqlite'}", "cookie": str(state / "cookie_secret"),
            "pid": str(state / "proxy.pid"), "users": self.names, "token": self.token,
            "cmd": [str(VENV_BIN / "jupyterhub-singleuser")], "env": spawner_env,
        }
        return f"""# Written by tests/hub/hubkit.py for one test run.
cfg = {json.dumps(cfg, indent=1)}
c = get_config()
c.JupyterHub.ip = cfg["ip"]
c.JupyterHub.port = cfg["port"]
c.JupyterHub.hub_ip = cfg["hub_ip"]
c.JupyterHub.hub_port = cfg["hub_port"]
c.JupyterHub.db_url = cfg["db"]
c.JupyterHub.cookie_secret_file = cfg["cookie"]
c.JupyterHub.cleanup_servers = True          # stopping the hub stops every user's server
c.ConfigurableHTTPProxy.command = [cfg["chp"]]
c.ConfigurableHTTPProxy.api_url = cfg["proxy_api"]
c.ConfigurableHTTPProxy.pid_file = cfg["pid"]
c.Authenticator.allowed_users = set(cfg["users"])   # local Unix users; the test logs in with API tokens
c.JupyterHub.services = [{{"name": "hub-test", "api_token": cfg["token"]}}]
c.JupyterHub.load_roles = [{{"name": "admin", "services": ["hub-test"]}}]
c.Spawner.cmd = cfg["cmd"]                   # the course's environment: nbgrader's extensions, formgrader
c.Spawner.environment = cfg["env"]
c.Spawner.start_timeout = 90
c.Spawner.http_timeout = 90
"""

    def start(self, spawner_env):
        """Start the hub (as root: LocalProcessSpawner runs each server as its user) and wait for its API."""
        state = self.tmp / "hub"
        state.mkdir(mode=0o700)
        (state / "jupyterhub_config.py").write_text(self._config(spawner_env), encoding="utf-8")
        env = {"PATH": f"{VENV_BIN}:/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(state)}
        hub = [str(VENV_BIN / "jupyterhub"), "-f", str(state / "jupyterhub_config.py")]
        if self.reveal:
            script = self._mount_script() + "\nexec \"$@\""
            cmd = ["unshare", "--mount", "--propagation", "private", "/bin/sh", "-c", script, "hub", *hub]
        else:
            cmd = hub
        self.hub_log = open(state / "jupyterhub.log", "wb")
        self.proc = subprocess.Popen(cmd, cwd=state, env=env, stdout=self.hub_log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"JupyterHub exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                if self.api("GET", "/hub/api/")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"JupyterHub did not answer within 120 s:\n{self.log_tail()}")

    def log_tail(self, n=60):
        path = self.tmp / "hub" / "jupyterhub.log"
        lines = path.read_text(errors="replace").splitlines() if path.exists() else []
        return "\n".join(lines[-n:])

    # ------------------------------------------------------------------ HTTP ---

    def request(self, method, path, token, body=None, timeout=30):
        """(status, parsed JSON or text) of a request to the hub's public address (through the proxy)."""
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Authorization": f"token {token}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                status, raw = r.status, r.read()
        except urllib.error.HTTPError as e:
            status, raw = e.code, e.read()
        text = raw.decode("utf-8", "replace")
        try:
            return status, json.loads(text)
        except ValueError:
            return status, text

    def api(self, method, path, body=None):
        """A request with the test's admin service token."""
        return self.request(method, path, self.token, body)

    def token_for(self, name):
        """An API token owned by user ``name`` (their own permissions: their server, nobody else's)."""
        if name not in self._tokens:
            status, reply = self.api("POST", f"/hub/api/users/{name}/tokens", {"note": "hub test"})
            assert status in (200, 201), (status, reply)
            self._tokens[name] = reply["token"]
        return self._tokens[name]

    def as_user(self, name, method, path, body=None):
        return self.request(method, path, self.token_for(name), body)

    def spawn(self, names, timeout=120):
        """Start the named users' servers (all at once) and wait until the hub says each is ready."""
        for name in names:
            status, reply = self.api("POST", f"/hub/api/users/{name}/server")
            assert status in (201, 202), (name, status, reply)
        deadline = time.monotonic() + timeout
        waiting = set(names)
        while waiting and time.monotonic() < deadline:
            for name in sorted(waiting):
                status, reply = self.api("GET", f"/hub/api/users/{name}")
                server = (reply.get("servers") or {}).get("", {}) if status == 200 else {}
                if server.get("ready"):
                    waiting.discard(name)
            time.sleep(0.5)
        assert not waiting, f"servers not ready after {timeout} s: {sorted(waiting)}\n{self.log_tail()}"

    # ------------------------------------------------------------------ commands ---

    def run_as(self, name, args, cwd=None, env=None, check=True, timeout=300):
        """Run ``args`` as user ``name`` (a login-less ``runuser``), inside the hub's namespace if it has one."""
        user = self.users[name]
        base = {"HOME": user.pw_dir, "USER": name, "LOGNAME": name, "LANG": "C.UTF-8", "SHELL": "/bin/bash",
                "PATH": f"{VENV_BIN}:/usr/local/bin:/usr/bin:/bin", "MPLBACKEND": "Agg"}
        base.update(env or {})
        cmd = ["runuser", "-u", name, "--", "env", "-i", *(f"{k}={v}" for k, v in base.items()), *map(str, args)]
        cwd = str(cwd or user.pw_dir)
        if self.reveal:                     # (entering a mount namespace resets the working folder: --wd)
            cmd = ["nsenter", f"--target={self.proc.pid}", "--mount", f"--wd={cwd}", "--", *cmd]
        t0 = time.monotonic()
        r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout)
        self.timings.append((name, " ".join(map(str, args[:2])), round(time.monotonic() - t0, 1)))
        if check and r.returncode != 0:
            raise AssertionError(f"as {name}: {' '.join(map(str, args))} exited {r.returncode}\n"
                                 f"--- stdout\n{r.stdout[-4000:]}\n--- stderr\n{r.stderr[-4000:]}")
        return r

    # ------------------------------------------------------------------ tear-down ---

    def _user_pids(self):
        uids = {u.pw_uid for u in self.users.values()}
        pids = []
        for p in psutil.process_iter(["uids"]):
            try:
                if p.info["uids"] and p.info["uids"].real in uids:
                    pids.append(p.pid)
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                pass
        return pids

    def _end(self, pids, grace=10):
        procs = []
        for pid in set(pids):
            try:
                p = psutil.Process(pid)
                if p.status() != psutil.STATUS_ZOMBIE:  # (a zombie is already dead: waiting for it is pointless)
                    p.terminate()
                    procs.append(p)
            except psutil.NoSuchProcess:
                pass
        _, alive = psutil.wait_procs(procs, timeout=grace)
        for p in alive:
            try:
                p.kill()
            except psutil.NoSuchProcess:
                pass
        psutil.wait_procs(alive, timeout=5)

    def close(self, keep_log=None):
        """Stop everything and delete the users and TMP, whatever state the test left (the hub's log is
        copied to ``keep_log`` first)."""
        errors = []
        family = []
        if self.proc is not None:
            try:
                family = [c.pid for c in psutil.Process(self.proc.pid).children(recursive=True)]
            except psutil.NoSuchProcess:
                pass
            if self.proc.poll() is None:        # the hub stops every server (cleanup_servers) and the proxy
                self.proc.send_signal(signal.SIGTERM)
                try:
                    self.proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait(timeout=10)
            self.hub_log.close()
        self._end(family + self._user_pids())   # the proxy and any server that outlived the hub
        for name in self.users:
            r = subprocess.run(["userdel", name], capture_output=True, text=True)
            if r.returncode != 0:
                errors.append(f"userdel {name}: {r.stderr.strip()}")
        log = self.tmp / "hub" / "jupyterhub.log"
        if keep_log is not None and log.exists():
            Path(keep_log).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(log, keep_log)
        shutil.rmtree(self.tmp, ignore_errors=True)
        if self.tmp.exists():
            errors.append(f"could not remove {self.tmp}")
        return errors
