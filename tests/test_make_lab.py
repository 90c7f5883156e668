"""`make lab` opens the course in JupyterLab, as root too (containers and cloud machines run as root)."""

import os
import signal
import socket
import subprocess
import time
import urllib.request

import pytest

from nbrun import ROOT

pytestmark = pytest.mark.slow


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_make_lab_serves_the_first_lesson(tmp_path):
    port = _free_port()
    args = (f"--no-browser --ServerApp.ip=127.0.0.1 --ServerApp.port={port} --ServerApp.port_retries=0 "
            f"--ServerApp.token=t --ServerApp.open_browser=False")
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"), HOME=str(tmp_path))
    proc = subprocess.Popen(["make", "--no-print-directory", "lab", f"LAB_ARGS={args}"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}/api/contents/course/01_chain_rule/01_chain_rule.ipynb?content=0&token=t"
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                pytest.fail(f"make lab exited with {proc.returncode} (as uid {os.getuid()}):\n{proc.stdout.read()}")
            try:
                with urllib.request.urlopen(url, timeout=5) as r:
                    assert r.status == 200 and b'"type": "notebook"' in r.read()
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("JupyterLab did not answer within 90 s")
                time.sleep(0.5)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
