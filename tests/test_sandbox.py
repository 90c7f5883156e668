"""The OS sandbox of a grading kernel: what learner code can see, reach, write and leave behind.

Every probe runs as learner code in a real sandboxed kernel (:func:`autograder.sandbox.start`,
bubblewrap) and reports plain facts back; the assertions are made here.
"""

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from jupyter_core.paths import jupyter_runtime_dir

from autograder import bubblewrap, sandbox

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.notebooks   # each test starts a sandboxed kernel (make test installs bubblewrap)


class Probe:
    """A sandboxed kernel over a folder of learner files, and a way to run code in it."""

    def __init__(self, folder, memory=512):
        self.kernel = sandbox.start(folder, memory=memory)
        self.kc = self.kernel.km.blocking_client()   # it asks the manager, not the heartbeat, whether the kernel lives
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=90)
        bubblewrap.seal_channel(self.kernel.channel_dir)

    def run(self, code, timeout=60):
        """Run ``code``; return what it printed (stdout) and the name of the error it raised, if any."""
        out, err = [], []

        def hook(msg):
            c = msg["content"]
            if msg["msg_type"] == "stream" and c.get("name") == "stdout":
                out.append(c["text"])
            elif msg["msg_type"] == "error":
                err.append(c["ename"])
        self.kc.execute_interactive(code, timeout=timeout, output_hook=hook)
        return "".join(out), (err[0] if err else None)

    def facts(self, code):
        """Run ``code`` that prints one JSON value; return it."""
        out, err = self.run(code)
        assert err is None, f"the probe itself failed with {err}: {out}"
        return json.loads(out.strip().splitlines()[-1])

    def close(self):
        self.kc.stop_channels()
        sandbox.stop(self.kernel)


@pytest.fixture
def probe(tmp_path):
    folder = tmp_path / "learner"
    folder.mkdir()
    (folder / "01_chain_rule.ipynb").write_text("{}")
    (folder / "quiz_answers.json").write_text('{"lessons": {}}')
    p = Probe(folder)
    p.folder = folder
    yield p
    p.close()


def test_learner_code_sees_its_own_files_and_nothing_of_the_grader(probe, tmp_path):
    facts = probe.facts(
        "import os, json, importlib.util\n"
        f"root = {str(ROOT)!r}\n"
        "print(json.dumps({'cwd': sorted(os.listdir('.')), 'top': sorted(os.listdir('/')),\n"
        "  'checkout': sorted(os.listdir(root)) if os.path.isdir(root) else None,\n"
        "  'autograder': importlib.util.find_spec('autograder') is not None,\n"
        "  'etc': sorted(os.listdir('/etc')), 'home': os.path.exists('/home'),\n"
        f"  'out': os.path.exists({str(tmp_path)!r}),\n"
        f"  'runtime': [p for p in ('/run', '/var', {jupyter_runtime_dir()!r}) if os.path.exists(p)]}}))")
    assert facts["cwd"] == ["01_chain_rule.ipynb", "quiz_answers.json"]
    assert facts["autograder"] is False
    # of the checkout, only what the kernel's Python needs: the backprop package (and a venv kept inside it)
    assert facts["checkout"] is None or set(facts["checkout"]) <= {"backprop", ".venv"}, facts["checkout"]
    assert facts["etc"] == ["ld.so.cache"] and facts["home"] is False and facts["out"] is False
    assert facts["runtime"] == []
    # the system's folders, the sandbox's own, and the parents of the Python installation's folders
    parents = {Path(p).parts[1] for p in bubblewrap._python_paths()}
    assert set(facts["top"]) <= {"usr", "bin", "sbin", "lib", "lib64", "lib32", "libx32", "proc", "dev", "tmp",
                                 "learner", "opt", "etc"} | parents, facts["top"]


def test_learner_code_has_no_network(probe):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    try:
        facts = probe.facts(
            "import socket, json\nresults = {}\n"
            f"for name, addr in [('host loopback', ('127.0.0.1', {port})), ('internet', ('1.1.1.1', 443))]:\n"
            "    try:\n        socket.create_connection(addr, timeout=2)\n        results[name] = 'connected'\n"
            "    except OSError as e:\n        results[name] = type(e).__name__\n"
            "try:\n    socket.getaddrinfo('pypi.org', 443)\n    results['dns'] = 'resolved'\n"
            "except OSError as e:\n    results['dns'] = type(e).__name__\n"
            "print(json.dumps(results))")
    finally:
        listener.close()
    assert "connected" not in facts.values() and facts["dns"] != "resolved", facts


def test_learner_code_runs_as_an_unprivileged_user_with_no_capabilities(probe):
    facts = probe.facts(
        "import os, json\ncap = [l.split()[1] for l in open('/proc/self/status') if l.startswith('CapEff')][0]\n"
        "try:\n    os.setuid(0)\n    became = True\nexcept PermissionError:\n    became = False\n"
        "print(json.dumps({'uid': os.getuid(), 'cap': cap, 'became_root': became}))")
    assert facts["cap"] == "0000000000000000" and facts["became_root"] is False
    if os.geteuid() == 0:
        assert facts["uid"] >= bubblewrap.UID_BASE


def test_writes_stay_in_the_sandbox(probe):
    channel = probe.kernel.channel_dir
    facts = probe.facts(
        "import os, json\nr = {}\n"
        "open('mine.txt', 'w').write('ok'); r['own folder'] = os.path.exists('mine.txt')\n"
        f"for name, path in [('channel', {channel + '/planted'!r}), ('usr', '/usr/planted'),"
        " ('package', __import__('backprop').__path__[0] + '/planted')]:\n"
        "    try:\n        open(path, 'w').write('x')\n        r[name] = 'written'\n"
        "    except OSError as e:\n        r[name] = type(e).__name__\n"
        "try:\n    open('/tmp/big', 'wb').write(b'0' * (100 << 20))\n    r['100 MB in /tmp'] = 'written'\n"
        "except OSError as e:\n    r['100 MB in /tmp'] = type(e).__name__\n"
        "print(json.dumps(r))")
    assert facts.pop("own folder") is True
    assert "written" not in facts.values(), facts
    assert sorted(os.listdir(probe.folder)) == ["01_chain_rule.ipynb", "quiz_answers.json"]   # the host copy
    assert not os.path.exists(os.path.join(channel, "planted"))


def _host_processes_with(marker):
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    if marker.encode() in f.read():
                        found.append(int(entry))
            except OSError:
                pass
    return found


def test_processes_learner_code_starts_end_with_its_kernel(probe):
    marker = "4242.1234"
    out, err = probe.run(
        "import subprocess, os\n"
        f"subprocess.Popen(['setsid', 'sh', '-c', 'sleep {marker} & sleep {marker}'], start_new_session=True)\n"
        "pid = os.fork()\nif pid == 0:\n    os.setsid()\n    os.execvp('sleep', ['sleep', '" + marker + "'])\n"
        "print('started')")
    assert err is None and "started" in out
    deadline = time.monotonic() + 10
    while len(_host_processes_with(marker)) < 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(_host_processes_with(marker)) >= 3           # the control: they did start
    probe.close()
    deadline = time.monotonic() + 10
    while _host_processes_with(marker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _host_processes_with(marker) == []
    probe.close = lambda: None


def test_learner_code_cannot_signal_anything_outside_its_sandbox(probe, tmp_path):
    other_folder = tmp_path / "other"
    other_folder.mkdir()
    other = Probe(other_folder)
    try:
        facts = probe.facts(
            "import os, json\nr = {}\n"
            f"for name, pid in [('grader', {os.getpid()}), ('other kernel', {other.kernel.km.provisioner.pid})]:\n"
            "    try:\n        os.kill(pid, 0)\n        r[name] = 'visible'\n"
            "    except OSError as e:\n        r[name] = type(e).__name__\n"
            "print(json.dumps(r))")
        assert facts == {"grader": "ProcessLookupError", "other kernel": "ProcessLookupError"}
        probe.run("import os, signal\nos.kill(-1, signal.SIGKILL)", timeout=10)   # kills its own sandbox only
        assert other.facts("print(6 * 7)") == 42
    finally:
        other.close()


def test_process_count_memory_and_file_size_are_limited(probe):
    facts = probe.facts(
        "import subprocess, json\nprocs, r = [], {}\n"
        "try:\n    for _ in range(500):\n        procs.append(subprocess.Popen(['sleep', '30']))\n"
        "except OSError as e:\n    r['stopped'] = type(e).__name__\n"
        "r['started'] = len(procs)\n"
        "for p in procs:\n    p.kill()\n"
        "try:\n    big = bytearray(2 << 30)\n    r['2 GB'] = 'allocated'\nexcept MemoryError:\n    r['2 GB'] = 'MemoryError'\n"
        "print(json.dumps(r))")
    assert facts["started"] < bubblewrap.Confinement(memory_mb=0).processes and "stopped" in facts
    assert facts["2 GB"] == "MemoryError"


def test_without_bubblewrap_the_grader_refuses_to_start_and_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setattr(bubblewrap, "bwrap", lambda: None)
    monkeypatch.setattr(bubblewrap, "_CHECKED", {})
    with pytest.raises(bubblewrap.SandboxUnavailable, match="apt-get install -y bubblewrap"):
        sandbox.start(tmp_path)
    (tmp_path / "subs" / "ann").mkdir(parents=True)
    env = dict(os.environ, PATH=str(tmp_path / "nobin"), PYTHONPATH=str(ROOT))   # a PATH with no bwrap on it
    proc = subprocess.run([sys.executable, "-m", "autograder", "grade", str(tmp_path / "subs"), "--out",
                           str(tmp_path / "out"), "--no-progress"], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=120)
    assert proc.returncode == 1 and "bubblewrap" in proc.stderr and "apt-get install" in proc.stderr
    assert not (tmp_path / "out" / "grades.csv").exists()


def test_interrupts_reach_the_kernel_through_the_sandbox(probe):
    probe.kc.execute("import time\ntry:\n    while True:\n        time.sleep(0.01)\n"
                     "except KeyboardInterrupt:\n    print('interrupted')")
    time.sleep(1)
    from jupyter_core.utils import run_sync
    run_sync(probe.kernel.km.interrupt_kernel)()   # interrupt_mode "message": a signal would reach bwrap
    deadline, seen = time.monotonic() + 20, ""
    while "interrupted" not in seen and time.monotonic() < deadline:
        msg = probe.kc.get_iopub_msg(timeout=20)
        if msg["msg_type"] == "stream":
            seen += msg["content"]["text"]
    assert "interrupted" in seen
