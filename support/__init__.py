"""The machinery behind the lecture files: input checks, run bookkeeping, the Taylor verdict, MATLAB's pcg.

Nothing here imports a file of the repository root: the lecture sits in front, this folder behind it.
What each module does for which lecture file: ``support/README.md``.
"""
