"""Instructor side of the course: releasing, grading, and the reference solutions.

Nothing here is imported by learner notebooks; hidden tests import
``autograder.reference`` when they run in the grader.
"""
