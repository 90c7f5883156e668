"""Start a grading kernel inside its sandbox: warm imports, the memory limit, then ipykernel.

Run as ``python boot.py -f CONNECTION_FILE`` by the sandbox (:mod:`autograder.bubblewrap`),
already as the sandbox's own unprivileged user, with the process, CPU-time and file-size
limits set by ``prlimit``. The address-space limit is set here, after the imports every lesson
makes, to the kernel's size at that point plus ``AUTOGRADER_MEMORY_MB``: what the notebook may
allocate on top of a fresh kernel (:mod:`autograder.limits`).
"""

import os
import resource
import sys


def _size():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _copy_in():
    """The learner's files (read-only) into the private working folder, which is then the kernel's cwd."""
    import shutil
    src, dst = os.environ.pop("AUTOGRADER_SUBMISSION", ""), os.environ.pop("AUTOGRADER_WORK", "")
    if not (src and dst):
        return
    for folder, dirs, files in os.walk(src):
        rel = os.path.relpath(folder, src)
        target = os.path.normpath(os.path.join(dst, rel))
        os.makedirs(target, exist_ok=True)
        for name in files:
            path = os.path.join(folder, name)
            if os.path.isfile(path) and not os.path.islink(path):
                shutil.copyfile(path, os.path.join(target, name))   # contents only: the copy is the learner's
    os.chdir(dst)


def _font_cache():
    """matplotlib's font list, built once by the grader, into this kernel's own config folder."""
    import shutil
    src, dst = os.environ.pop("AUTOGRADER_FONTS", ""), os.environ.get("MPLCONFIGDIR", "")
    if src and dst and os.path.isdir(src):
        shutil.copytree(src, dst, dirs_exist_ok=True)


def main():
    _copy_in()
    _font_cache()
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot  # noqa: F401
    import numpy  # noqa: F401
    from ipykernel import kernelapp
    import ipykernel.ipkernel  # noqa: F401

    megabytes = float(os.environ.pop("AUTOGRADER_MEMORY_MB", "0") or 0)
    if megabytes > 0:
        # the kernel's own threads (heartbeat, iopub, control, …) reserve stacks after this point
        limit = _size() + int((megabytes + 256) * 2 ** 20)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    sys.argv = ["ipykernel", "--HistoryManager.hist_file=:memory:"] + sys.argv[1:]
    kernelapp.launch_new_instance()


if __name__ == "__main__":
    main()
