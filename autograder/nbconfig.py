"""The course's nbgrader settings, defined once.

Used by ``nbgrader_config.py`` (nbgrader's own commands run from the
repository root), by :mod:`autograder.release` (``make course``) and by
:mod:`autograder.gradebook` (lessons entered into the grader's gradebook), so
every route through nbgrader sees the same course id, folders, stubs and
ignore list.
"""

from pathlib import Path

from traitlets.config import Config

ROOT = Path(__file__).resolve().parent.parent
COURSE_ID = "backprop-by-hand"
SOURCE = "solutions"       # instructor notebooks: solutions and hidden tests
RELEASE = "course"         # learner notebooks, generated
QUIZ_ANSWERS = "quiz_answers.json"

#: Never copied by any nbgrader command: editor leftovers and earlier feedback.
IGNORE = (".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback")
#: Also never released: the quiz answers an instructor saved while running a solution notebook. Only
#: when releasing: submit, collect and autograde must keep the learner's own answers file.
NOT_RELEASED = ("quiz_answers*.json",)

#: Quiz seals in the released notebooks (autograder/quiz/README.md, "Two modes"). True: each question carries
#: salted hashes of its answer, so the widget says ✓/✗ at once (a determined learner can recover answers by
#: trying every option against them). False: no seal at all; the widget saves the answer, which is marked
#: only when graded. Read by every route through nbgrader (`make course`, nbgrader_config.py, the grader's
#: gradebook), so learners' cells, checksums and the gradebook agree. `make course SEALS=0|1`
#: (`python -m autograder release --no-seals|--seals`) overrides it for one release.
QUIZ_SEALS = True

CODE_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
TEXT_STUB = "YOUR ANSWER HERE"


def source_lessons(root=ROOT):
    """Lesson ids (folder names in solutions/ holding LESSON/LESSON.ipynb), in order: 01_…, 02_…"""
    return sorted(p.name for p in (Path(root) / SOURCE).iterdir()
                  if p.is_dir() and (p / f"{p.name}.ipynb").exists())


def release_ignore():
    """What a release (generate_assignment) leaves out of every lesson folder."""
    return list(IGNORE + NOT_RELEASED)


def course_config(root=ROOT, *, releasing=True, release_dir=None, db_url=None, seals=None):
    """A traitlets ``Config`` with the course's nbgrader settings.

    ``releasing``: the command generates the learner notebooks (quiz answers are left out);
    ``release_dir``: where they go (default ``course/``); ``db_url``: the gradebook, if not nbgrader's default;
    ``seals``: quiz seals in generated notebooks (default :data:`QUIZ_SEALS`).
    """
    root = Path(root)
    cfg = Config()
    cfg.CourseDirectory.root = str(root)
    cfg.CourseDirectory.course_id = COURSE_ID
    cfg.CourseDirectory.source_directory = SOURCE
    cfg.CourseDirectory.release_directory = str(release_dir) if release_dir is not None else RELEASE
    cfg.CourseDirectory.ignore = release_ignore() if releasing else list(IGNORE)
    if db_url is not None:
        cfg.CourseDirectory.db_url = db_url
    cfg.ClearSolutions.code_stub = {"python": CODE_STUB}
    cfg.ClearSolutions.text_stub = TEXT_STUB
    # autograde copies the instructor's files over the learner's: never the learner's quiz answers
    cfg.Autograde.exclude_overwriting = {lesson: [QUIZ_ANSWERS] for lesson in source_lessons(root)}
    cfg.GenerateFeedback.preprocessors = feedback_preprocessors()
    cfg.GenerateAssignment.preprocessors = release_preprocessors(QUIZ_SEALS if seals is None else seals)
    return cfg


def release_preprocessors(seals=True):
    """nbgrader's generate_assignment, with exercise and test cells tagged to let Run All continue past them and (without
    ``seals``) the quiz's seals dropped, both before checksums and gradebook see the cells."""
    from nbgrader.converters import GenerateAssignment
    from nbgrader.preprocessors import ComputeChecksums

    from autograder.preprocessors import DropQuizSeals, TagRaisesException
    steps = list(GenerateAssignment.class_traits()["preprocessors"].default())
    ours = [TagRaisesException] + ([] if seals else [DropQuizSeals])
    at = steps.index(ComputeChecksums)
    steps[at:at] = ours
    return steps


def feedback_preprocessors():
    """nbgrader's generate_feedback, with hidden tests taken out of the sources and out of the tracebacks, and
    the page reading like the notebook offline (autograder/README.md, "What the feedback page shows")."""
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.preprocessors import ClearHiddenTests, GetGrades

    from autograder.preprocessors import (ClearTracebacks, NameFailedPrerequisites, NameMissingQuizAnswers,
                                          PointIntoTheNotebook, RenderCodeInErrors, RenderMaths)
    return [GetGrades, NameFailedPrerequisites, NameMissingQuizAnswers, PointIntoTheNotebook, ClearHiddenTests,
            ClearTracebacks, RenderCodeInErrors, RenderMaths, CSSHTMLHeaderPreprocessor]
