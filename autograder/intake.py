"""Step 1: a folder or .zip of learner work → nbgrader's submitted layout.

Accepted, for each learner, either ``LEARNER/LESSON.ipynb`` or nbgrader's
``LEARNER/LESSON/LESSON.ipynb`` (LESSON as in course/). The result is
``OUT/submitted/LEARNER/LESSON/LESSON.ipynb``, nbgrader's own
``submitted/{student_id}/{assignment_id}/`` layout, with the other files of the
learner's lesson folder beside the notebook (saved quiz answers travel this
way). In the flat layout the learner's folder is shared by every lesson, so
its loose non-notebook files travel with each lesson's notebook.

Learner names are folder names, kept as written (spaces, accents,
apostrophes), normalised to Unicode NFC so a zip made on a Mac (NFD) gives
the same name. A SUBMISSIONS folder that is itself one learner's folder (it
holds LESSON.ipynb or LESSON/LESSON.ipynb) is a class of one, named after the
folder. Anything that cannot be used is reported, never fatal.

Every submission has a time: nbgrader's ``timestamp.txt`` beside the notebook
when the exchange wrote one, otherwise the notebook file's own time (a zip
member's recorded time). It is written to ``timestamp.txt`` in the submitted
folder, where nbgrader's formgrader reads it, and recorded in the gradebook.
"""

import calendar
import datetime
import json
import os
import shutil
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

JUNK = {"__MACOSX", ".DS_Store", ".ipynb_checkpoints", "__pycache__", "Thumbs.db", "desktop.ini"}


class IntakeError(Exception):
    """The submissions cannot be read at all (the grader cannot run)."""


@dataclass
class Submission:
    learner: str
    lesson: str
    folder: Path = None          # OUT/submitted/LEARNER/LESSON, None when missing
    unreadable: str = ""         # why the notebook cannot be read, if it cannot
    too_large: str = ""          # which of limits.CAPS the notebook breaks, if one
    timestamp: str = ""          # when it was submitted, as nbgrader writes it ("2026-12-01 09:00:00.000000 UTC")
    timestamp_from: str = ""     # "timestamp.txt" (nbgrader's exchange) or "file time"

    @property
    def missing(self):
        return self.folder is None

    @property
    def notebook(self):
        return None if self.folder is None else self.folder / f"{self.lesson}.ipynb"


TIMESTAMP = "timestamp.txt"
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f %Z"   # nbgrader's exchange default


def format_timestamp(seconds):
    """A POSIX time as nbgrader's exchange writes timestamps (UTC)."""
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc).strftime(TIMESTAMP_FORMAT)


def read_timestamp(path):
    """The text of an nbgrader timestamp.txt if it parses, else ''."""
    from nbgrader.utils import parse_utc
    try:
        text = Path(path).read_text(encoding="utf-8").strip()
        parse_utc(text)
    except (OSError, UnicodeDecodeError, ValueError, OverflowError, TypeError):
        return ""
    return text


def nfc(name):
    return unicodedata.normalize("NFC", name)


def _junk(p):
    return p.name in JUNK or p.name.startswith(".") or p.name.startswith("~$")


def _zip_name(info):
    """A member's name as the learner wrote it: zips without the UTF-8 flag store cp437."""
    name = info.filename
    if not info.flag_bits & 0x800:
        try:
            name = name.encode("cp437").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    return name


def extract_zip(path, dest, caps=None):
    """Unpack a zip of submissions into ``dest``; return the members skipped, each with why.

    Within :data:`autograder.limits.CAPS`: members past the count, too large (as declared and as
    actually read), over the total, or compressed suspiciously well are skipped by name."""
    from autograder.limits import CAPS
    caps = caps or CAPS
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise IntakeError(f"{path} is not a readable .zip file ({exc})") from None
    skipped, total = [], 0
    with zf:
        members = zf.infolist()
        if len(members) > caps.zip_members:
            skipped.append(f"{len(members) - caps.zip_members} members past the first {caps.zip_members} "
                           "(the zip holds too many files)")
            members = members[: caps.zip_members]
        for info in members:
            name = _zip_name(info).replace("\\", "/")
            parts = [p for p in name.split("/") if p not in ("", ".")]
            if not parts or ".." in parts or name.startswith("/"):
                skipped.append(name)
                continue
            target = Path(dest, *parts)
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            big = info.file_size > 1 << 20
            if info.file_size > caps.zip_member_bytes:
                skipped.append(f"{name} (larger than {caps.zip_member_bytes >> 20} MB)")
                continue
            if big and info.file_size > caps.zip_ratio * max(info.compress_size, 1):
                skipped.append(f"{name} (compressed more than {caps.zip_ratio:g} times: a zip bomb?)")
                continue
            if total + info.file_size > caps.zip_bytes:
                skipped.append(f"{name} (the zip unpacks to more than {caps.zip_bytes >> 30} GB)")
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                total += _copy_capped(zf, info, target, caps.zip_member_bytes)
            except _TooBig:
                target.unlink(missing_ok=True)
                skipped.append(f"{name} (larger than {caps.zip_member_bytes >> 20} MB once unpacked)")
                continue
            except Exception as exc:  # a damaged member: its file will read as unreadable
                target.write_bytes(b"")
                skipped.append(f"{name} ({exc})")
            try:   # the member's own time (zips record it without a zone: taken as UTC, the same on every run)
                when = calendar.timegm(info.date_time + (0, 0, -1))
                os.utime(target, (when, when))
            except (OverflowError, ValueError, OSError):
                pass
    return skipped


class _TooBig(Exception):
    pass


def _copy_capped(zf, info, target, cap):
    """Copy one member, stopping past ``cap`` bytes whatever its header declared; return the bytes copied."""
    n = 0
    with zf.open(info) as src, open(target, "wb") as dst:
        while True:
            chunk = src.read(1 << 20)
            if not chunk:
                return n
            n += len(chunk)
            if n > cap:
                raise _TooBig()
            dst.write(chunk)


def _depth(data, limit):
    """Whether ``data`` (parsed JSON) nests deeper than ``limit`` (iteratively: no recursion to exhaust)."""
    stack = [(data, 1)]
    while stack:
        value, d = stack.pop()
        if d > limit:
            return True
        if isinstance(value, dict):
            stack.extend((v, d + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, d + 1) for v in value)
    return False


def check_size(path, caps=None):
    """'' if the notebook at ``path`` is within :data:`autograder.limits.CAPS`, else which cap it breaks."""
    from autograder.limits import CAPS
    caps = caps or CAPS
    try:
        size = Path(path).stat().st_size
    except OSError:
        return ""
    if size > caps.notebook_bytes:
        return f"the file is {size / 2 ** 20:.0f} MB (the limit is {caps.notebook_bytes >> 20} MB)"
    try:
        data = json.loads(Path(path).read_bytes().decode("utf-8"))
    except RecursionError:
        return f"its JSON is nested deeper than Python can read (the limit is {caps.json_depth} levels)"
    except (ValueError, UnicodeDecodeError, OSError):
        return ""          # not a notebook at all: check_readable says why
    if _depth(data, caps.json_depth):
        return f"its JSON is nested more than {caps.json_depth} levels deep"
    cells = data.get("cells") if isinstance(data, dict) else None
    if isinstance(cells, list) and len(cells) > caps.cells:
        return f"it has {len(cells)} cells (the limit is {caps.cells})"
    return ""


def _find_root(folder, lessons):
    """Descend through wrapper folders (an LMS zip often has one top folder)."""
    folder = Path(folder)
    for _ in range(3):
        kids = [p for p in folder.iterdir() if not _junk(p)]
        dirs = [p for p in kids if p.is_dir()]
        looks_like_learner = any((folder / f"{l}.ipynb").exists() or (folder / l).is_dir() for l in lessons)
        if len(dirs) == 1 and not looks_like_learner and not any(
                (dirs[0] / f"{l}.ipynb").exists() or (dirs[0] / l / f"{l}.ipynb").exists() for l in lessons):
            folder = dirs[0]
            continue
        break
    return folder


def check_readable(path):
    """'' if ``path`` is a notebook nbformat can read, else a short reason."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        return f"cannot be opened ({exc.strerror or exc})"
    if not raw.strip():
        return "the file is empty"
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return "it is not text (not a notebook file)"
    except ValueError as exc:
        return f"it is not valid notebook JSON ({exc.msg} at line {exc.lineno})"
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        return "it is JSON but not a notebook (no list of cells)"
    try:
        nb = nbformat.reads(raw.decode("utf-8"), as_version=4)
        for c in nb.cells:
            c.source, c.cell_type  # noqa: B018 (every cell must have these)
    except Exception as exc:
        return f"nbformat cannot read it ({type(exc).__name__}: {exc})"
    return ""


def _pick(candidates, lesson):
    """The exact LESSON.ipynb if there, else a renamed copy such as 'LESSON (1).ipynb'."""
    exact = [p for p in candidates if p.name == f"{lesson}.ipynb"]
    loose = sorted(p for p in candidates if p.suffix == ".ipynb" and p.stem.startswith(lesson) and p not in exact)
    if exact:
        return exact[0], loose
    if loose:
        return loose[0], loose[1:]
    return None, []


def intake(submissions, out, lessons):
    """Lay out every learner's work under ``out/submitted``.

    Returns (learners, {(learner, lesson): Submission}, notes). ``notes`` are
    sentences for the instructor about files that were ignored or renamed.
    Raises IntakeError when ``submissions`` is neither a folder nor a zip.
    """
    submissions = Path(submissions)
    out = Path(out)
    notes = []
    tmp = None
    if submissions.is_file():
        tmp = tempfile.mkdtemp(prefix="autograder-intake-")
        for s in extract_zip(submissions, tmp):
            notes.append(f"zip member skipped: {s}")
        base = Path(tmp)
    elif submissions.is_dir():
        base = submissions
    else:
        raise IntakeError(f"no such folder or .zip file: {submissions}")
    try:
        return _intake(base, out, lessons, notes, submissions)
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


def _is_learner_folder(folder, lessons):
    return any((folder / f"{l}.ipynb").is_file() or (folder / l / f"{l}.ipynb").is_file() for l in lessons)


def _intake(base, out, lessons, notes, label):
    root = _find_root(base, lessons)
    learners, found = [], {}
    dest_root = out / "submitted"
    dest_root.mkdir(parents=True, exist_ok=True)
    entries = [(entry.name, entry) for entry in sorted(root.iterdir(), key=lambda p: p.name)]
    if _is_learner_folder(root, lessons) and not any(   # (a folder named after a lesson is that lesson's)
            p.is_dir() and p.name not in lessons and _is_learner_folder(p, lessons) for _, p in entries):
        # SUBMISSIONS is one learner's own folder (a late submission, say): a class of one
        name = root.name if Path(label).is_dir() else Path(label).stem
        entries = [(name, root)]
        notes.append(f"{Path(label).name} holds one learner's lessons: graded as learner {nfc(name).strip()!r}")
    for name, entry in entries:
        if _junk(entry):
            continue
        try:
            if entry.resolve() == out.resolve():   # OUT inside SUBMISSIONS: not a learner
                continue
        except OSError:
            pass
        if not entry.is_dir():
            notes.append(f"ignored {entry.name!r}: a file outside any learner's folder")
            continue
        learner = nfc(name).strip()
        if learner in learners:
            notes.append(f"ignored folder {entry.name!r}: another folder has the same learner name")
            continue
        learners.append(learner)
        used = set()
        loose = [p for p in entry.iterdir() if p.is_file() and not _junk(p) and p.suffix != ".ipynb"]
        for lesson in lessons:
            sub = Submission(learner, lesson)
            nested_dir = entry / lesson
            nb_path, extras = None, []
            if nested_dir.is_dir():
                nb_path, others = _pick([p for p in nested_dir.iterdir() if p.is_file()], lesson)
                extras = [p for p in nested_dir.rglob("*") if p.is_file() and p != nb_path and p not in others
                          and not any(part in JUNK or part.startswith(".") for part in p.relative_to(nested_dir).parts)]
                for o in others:
                    notes.append(f"{learner}: ignored {o.name!r} (another copy of {lesson})")
                    used.add(o)
                used.add(nested_dir)
            if nb_path is None:
                flat, others = _pick([p for p in entry.iterdir() if p.is_file()], lesson)
                if flat is not None:
                    nb_path, extras = flat, loose
                    for o in others:
                        notes.append(f"{learner}: ignored {o.name!r} (another copy of {lesson})")
                        used.add(o)
            if nb_path is None:
                found[(learner, lesson)] = sub
                continue
            used.add(nb_path)
            used.update(loose if extras is loose else [])
            if nb_path.name != f"{lesson}.ipynb":
                notes.append(f"{learner}: graded {nb_path.name!r} as {lesson}.ipynb")
            dest = dest_root / learner / lesson
            if dest.exists():
                shutil.rmtree(dest)
            dest.mkdir(parents=True)
            try:
                shutil.copyfile(nb_path, dest / f"{lesson}.ipynb")
            except OSError as exc:
                (dest / f"{lesson}.ipynb").write_bytes(b"")
                sub.unreadable = f"cannot be copied ({exc.strerror or exc})"
            for extra in extras:
                rel = extra.relative_to(nested_dir) if extras is not loose else Path(extra.name)
                target = dest / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                try:
                    shutil.copyfile(extra, target)
                except OSError as exc:
                    notes.append(f"{learner}: could not copy {rel} ({exc.strerror or exc})")
            sub.folder = dest
            stamp_file = nb_path.parent / TIMESTAMP if nb_path.parent != entry else None
            stamp = read_timestamp(stamp_file) if stamp_file is not None and stamp_file.is_file() else ""
            sub.timestamp_from = TIMESTAMP if stamp else "file time"
            sub.timestamp = stamp or format_timestamp(nb_path.stat().st_mtime)
            (dest / TIMESTAMP).write_text(sub.timestamp, encoding="utf-8")   # where formgrader reads it
            if not sub.unreadable:
                sub.too_large = check_size(dest / f"{lesson}.ipynb")
            if not sub.unreadable and not sub.too_large:
                sub.unreadable = check_readable(dest / f"{lesson}.ipynb")
            found[(learner, lesson)] = sub
        for p in sorted(entry.iterdir(), key=lambda p: p.name):
            if _junk(p) or p in used or (p in loose):
                continue
            if p.is_dir():
                notes.append(f"{learner}: ignored folder {p.name!r} (not a lesson of this course)")
            elif p.suffix == ".ipynb":
                notes.append(f"{learner}: ignored {p.name!r} (not a lesson of this course)")
    if not learners:
        notes.append(f"no learner folders found in {label}")
    return learners, found, notes
