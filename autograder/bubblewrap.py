"""The OS sandbox of one grading kernel, built with Debian's ``bubblewrap`` (``bwrap``).

Each graded notebook's kernel runs in a sandbox of its own:

- its own PID, IPC, UTS, cgroup and network namespaces (no network at all, not even
  the host's loopback), a new session (no terminal to type into), and it dies with
  the grader (``--die-with-parent``): when the kernel ends, every process it started
  ends with it, because the sandbox's PID namespace goes away;
- an unprivileged user of its own: run as root, the grader gives each concurrent
  sandbox a distinct uid (:data:`UID_BASE` + a slot held by a lock), so one
  learner's processes never count against another's limit; run as a normal user,
  bubblewrap's user namespace maps the sandbox to that user;
- a filesystem made of read-only views of the system's ``/usr``, the Python
  installation, the virtual environment, the ``backprop`` package and
  ``autograder/inside`` (the kernel's side of the judge's channel, which holds no
  test, key or reference), plus two small private tmpfs: ``/tmp`` and the
  learner's working folder, into which the kernel copies the learner's lesson files
  and the lesson's data at start-up (:mod:`autograder.inside.boot`). Nothing else:
  no checkout, no ``solutions/``, no ``autograder/``, no OUT, no gradebook, no
  other learner, no Jupyter runtime folder, no ``/etc``, no ``/home``;
- limits: processes (``RLIMIT_NPROC``), CPU seconds (``RLIMIT_CPU``), the size of
  any one file (``RLIMIT_FSIZE``) and open files, by ``prlimit``; memory
  (``RLIMIT_AS``) in :mod:`autograder.inside.boot`; wall clock per cell and per
  notebook, and printed bytes, by :mod:`autograder.sandbox` outside.

The only host folder a sandbox can write is its channel folder (the kernel's
sockets): as root, it is made read-only to the sandbox's user as soon as the
kernel has started.

There is no fallback: if bubblewrap is missing or cannot create its namespaces,
:func:`check` raises :class:`SandboxUnavailable` with what to install.
"""

import contextlib
import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

INSIDE = Path(__file__).resolve().parent / "inside"
UID_BASE = 1_990_000_000         # far above any real account
SLOTS = 512
WORK = "/learner"                # the learner's folder, inside the sandbox
SUBMISSION = "/opt/submission"   # the learner's files, read-only, copied into WORK at start
INSIDE_AT = "/opt/autograder/inside"
FONT_CACHE_AT = "/opt/matplotlib"   # matplotlib's font list, built once outside (see font_cache)
INSTALL = ("the grader runs every notebook in a bubblewrap sandbox. Install it with "
           "`sudo apt-get install -y bubblewrap` (Debian/Ubuntu; `make system` does it), "
           "or `dnf install bubblewrap` / `pacman -S bubblewrap`; as a normal user it also needs "
           "unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1 on older Debian)")


class SandboxUnavailable(RuntimeError):
    """The sandbox cannot be started on this machine (the message says what to install)."""


@dataclass(frozen=True)
class Confinement:
    """The limits prlimit and the boot script apply inside one sandbox (see the module docstring)."""

    memory_mb: float
    processes: int = 64          # the kernel's threads count too (ipykernel starts about ten)
    cpu_seconds: int = 600       # CPU time of the whole notebook, beyond which the kernel is killed
    file_bytes: int = 64 << 20   # the largest file it may write
    open_files: int = 256
    tmp_bytes: int = 64 << 20    # each of /tmp and the working folder


def bwrap():
    return shutil.which("bwrap")


def _host_system():
    """Read-only views of the host's system folders (merged-/usr symlinks kept as symlinks)."""
    args = ["--ro-bind", "/usr", "/usr"]
    for top in ("/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32"):
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    if os.path.exists("/etc/ld.so.cache"):   # where the dynamic loader finds the system's libraries
        args += ["--perms", "0755", "--dir", "/etc", "--ro-bind", "/etc/ld.so.cache", "/etc/ld.so.cache"]
    return args


def _python_paths():
    """Folders the kernel's Python needs: the installation, the environment, the backprop package."""
    import backprop
    paths = {os.path.realpath(sys.base_prefix), os.path.realpath(sys.prefix),
             os.path.realpath(os.path.dirname(backprop.__file__))}
    exe = os.path.realpath(sys.executable)
    if not any(exe.startswith(p + os.sep) for p in paths):
        paths.add(os.path.dirname(exe))
    # keep the most general of nested paths
    kept = []
    for p in sorted(paths, key=len):
        if not any(p == k or p.startswith(k + os.sep) for k in kept):
            kept.append(p)
    return kept


def _ro_bind(path, args):
    """``--ro-bind path path``, with every parent folder made traversable (bwrap makes them 0700)."""
    parts = Path(path).parts
    for i in range(2, len(parts)):
        parent = str(Path(*parts[:i]))
        if parent not in args:
            args += ["--perms", "0755", "--dir", parent]
    args += ["--ro-bind", path, path]


def _runs_as_root():
    return os.geteuid() == 0


class Slot:
    """A uid for one sandbox at a time, held by a file lock until :meth:`release` (as root; a normal user's
    sandboxes run as that user)."""

    def __init__(self):
        self._file = None
        if not _runs_as_root():      # a normal user's sandboxes all run as that user (its user namespace)
            self.uid = os.getuid()
            return
        folder = Path(tempfile.gettempdir()) / "autograder-slots"
        folder.mkdir(mode=0o755, exist_ok=True)
        for n in range(SLOTS):
            f = open(folder / f"{n}.lock", "a")
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                f.close()
                continue
            self._file, self.uid = f, UID_BASE + n
            return
        raise SandboxUnavailable(f"all {SLOTS} sandbox slots are in use")

    def release(self):
        if self._file is not None:
            self._file.close()
            self._file = None


def kernel_argv(submission, channel_dir, limits, uid, python=None):
    """The command line that starts one grading kernel in its sandbox (``{connection_file}`` left for
    jupyter_client). ``submission``: a folder with the learner's lesson files (bound read-only);
    ``channel_dir``: the folder of the kernel's sockets and connection file (bound at the same path)."""
    exe = bwrap()
    if exe is None:
        raise SandboxUnavailable("bubblewrap (bwrap) is not installed: " + INSTALL)
    python = python or os.path.join(sys.prefix, "bin", "python")
    args = [exe, "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
            "--die-with-parent", "--new-session", "--hostname", "sandbox", "--clearenv"]
    if not _runs_as_root():
        args += ["--unshare-user", "--disable-userns"]
    args += _host_system()
    args += ["--proc", "/proc", "--dev", "/dev",
             "--perms", "1777", "--size", str(limits.tmp_bytes), "--tmpfs", "/tmp",
             "--perms", "1777", "--size", str(limits.tmp_bytes), "--tmpfs", WORK]
    for p in _python_paths():
        _ro_bind(p, args)
    args += ["--perms", "0755", "--dir", "/opt", "--perms", "0755", "--dir", "/opt/autograder",
             "--ro-bind", str(INSIDE), INSIDE_AT, "--ro-bind", str(submission), SUBMISSION]
    fonts = font_cache()
    if fonts:
        args += ["--ro-bind", fonts, FONT_CACHE_AT]
    _bind_channel(str(channel_dir), args)
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8", "MPLBACKEND": "Agg",
           "MPLCONFIGDIR": "/tmp/matplotlib", "PYTHONPATH": INSIDE_AT, "PYTHONDONTWRITEBYTECODE": "1",
           "PYDEVD_DISABLE_FILE_VALIDATION": "1", "MALLOC_ARENA_MAX": "2",
           "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
           "NUMEXPR_NUM_THREADS": "1", "AUTOGRADER_MEMORY_MB": str(limits.memory_mb),
           "AUTOGRADER_SUBMISSION": SUBMISSION, "AUTOGRADER_WORK": WORK, "AUTOGRADER_FONTS": FONT_CACHE_AT}
    for k, v in env.items():
        args += ["--setenv", k, v]
    args += ["--chdir", "/"]
    args.append("--")
    if _runs_as_root():
        args += ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--inh-caps=-all",
                 "--bounding-set=-all", "--no-new-privs", "--"]
        processes = limits.processes
    else:
        processes = limits.processes + _processes_of_this_user()
    args += ["prlimit", f"--nproc={processes}", f"--cpu={int(limits.cpu_seconds)}",
             f"--fsize={int(limits.file_bytes)}", f"--nofile={int(limits.open_files)}", "--core=0", "--"]
    args += [python, f"{INSIDE_AT}/boot.py", "-f", "{connection_file}"]
    if _runs_as_root():
        # bwrap drops every capability of the sandbox when run by root, except these two, which setpriv
        # needs to become the sandbox's user and which it then drops for good
        at = args.index("--clearenv") + 1
        args[at:at] = ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    return args


_FONTS = {}


def font_cache():
    """A folder holding matplotlib's font list, built once per grading process (outside any sandbox, by
    matplotlib itself) and bound read-only into every sandbox, where the kernel copies it into its own
    config folder: otherwise every notebook's kernel would rebuild it. None if it cannot be made."""
    if "path" not in _FONTS:
        import atexit
        path = tempfile.mkdtemp(prefix="ag-fonts-")
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
        env["MPLCONFIGDIR"] = path
        try:
            subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"], env=env, check=True,
                           capture_output=True, timeout=120)
            os.chmod(path, 0o755)
            for name in os.listdir(path):
                os.chmod(os.path.join(path, name), 0o644)
            _FONTS["path"] = path
        except (OSError, subprocess.SubprocessError):
            _FONTS["path"] = None
        atexit.register(shutil.rmtree, path, True)
    return _FONTS["path"]


def _bind_channel(path, args):
    parts = Path(path).parts
    for i in range(2, len(parts)):
        parent = str(Path(*parts[:i]))
        if parent != "/tmp":
            args += ["--perms", "0755", "--dir", parent]
    args += ["--bind", path, path]


def _processes_of_this_user():
    uid = os.getuid()
    n = 0
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if entry.stat().st_uid == uid:
                    n += len(os.listdir(f"/proc/{entry.name}/task"))
    return n


def readable(folder):
    """Let the sandbox's user read the folder it gets (the grader's own copy of a learner's files)."""
    if not _runs_as_root():
        return
    for path, dirs, files in os.walk(folder):
        os.chmod(path, os.stat(path).st_mode | 0o555)
        for name in files:
            full = os.path.join(path, name)
            if not os.path.islink(full):
                os.chmod(full, os.stat(full).st_mode | 0o444)


def channel_folder(parent=None):
    """A fresh folder for one kernel's sockets, writable by the sandbox's user until :func:`seal_channel`."""
    path = tempfile.mkdtemp(prefix="ag-kernel-", dir=parent)
    os.chmod(path, 0o777 if _runs_as_root() else 0o700)
    return path


def seal_channel(path):
    """Once the kernel has made its sockets, its user may no longer create files in the channel folder."""
    if _runs_as_root():
        with contextlib.suppress(OSError):
            os.chmod(path, 0o755)


_CHECKED = {}


def check():
    """Start one empty sandbox; raise :class:`SandboxUnavailable` (saying what to install) if that fails."""
    if "ok" in _CHECKED:
        return
    exe = bwrap()
    if exe is None:
        raise SandboxUnavailable("bubblewrap (bwrap) is not installed: " + INSTALL)
    args = [exe, "--unshare-pid", "--unshare-net", "--die-with-parent"]
    if not _runs_as_root():
        args += ["--unshare-user"]
    args += _host_system() + ["--proc", "/proc", "--dev", "/dev", "--", "true"]
    try:
        proc = subprocess.run(args, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SandboxUnavailable(f"bubblewrap could not start a sandbox ({exc}): " + INSTALL) from None
    if proc.returncode != 0:
        why = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else f"exit status {proc.returncode}"
        raise SandboxUnavailable(f"bubblewrap could not start a sandbox ({why}): " + INSTALL)
    _CHECKED["ok"] = True
