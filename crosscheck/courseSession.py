"""One GNU Octave session (through oct2py) with the course's own toolbox on its path, run as-is.

The course's code is public (NumDL-MATLAB, Ruthotto and Haber, GPL-3); users
clone it themselves and point the cross-checks at it with one switch:

    git clone https://github.com/IPAIopen/NumDL-MATLAB
    export NUMDL_MATLAB=$PWD/NumDL-MATLAB

Unset, the cross-checks skip with that message; set to a folder that is not
the toolbox, they stop with one line naming the folder and what is missing.
The course's files are never copied or edited: the session adds the
toolbox's folders to Octave's path, as its ``startupNumDLToolbox.m`` would
(``addpath(genpath(pwd))``; the startup file itself is not run: it only prints
a welcome and depends on the current folder), and in front of them a few small
.m files of ours, in ``crosscheck/shims/`` (see crosscheck/README.md), for what a
headless Octave lacks:

- ``shims/graphics/``: ``figure``, ``clf``, ``hold``, ``loglog``, ``legend``,
  ``title``, ``imagesc`` as no-ops (``figure`` returns a struct, so the
  course's ``fig.Name = ...`` works). octave-cli without a graphics toolkit
  errors in each of them ("no graphics toolkits are available!"), and the
  course's test scripts and ``setupPeaks.m`` call them; ``close`` and ``clc``
  work headless and are not shimmed.
- ``shims/image/``: ``padarray``, for the calls the course makes
  (``padarray(Z, [1 0], 1, 'post')``: the row of ones of the classifier bias);
  it is in Octave's image package, not in core Octave.
- ``shims/randperm/`` and ``shims/randi/``: replays of the permutations and
  draws of our own run (pushed from Python, 1-based), on the path only inside
  ``replaying(...)`` (the sgd and setupPeaks comparisons); anywhere else they
  are off the path, and called with nothing queued they raise an error rather
  than draw.

Octave warns "function ... shadows a built-in/core library function" for
each of these, and for the course's own ``utils/vec.m`` (Octave has a built-in
``vec``, the same ``x(:)``). The shadowing is the point, so the session turns
that one warning (``Octave:shadowed-function``) off before adding the folders;
no other warning is silenced.

oct2py is imported only when a session starts. Octave runs as
``octave-cli --no-history``.
"""

import contextlib
import os
import pathlib
import sys
import types

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]
SHIMS = ROOT / "crosscheck" / "shims"
HELPERS = ROOT / "crosscheck" / "octave"          # our .m helpers the harness calls (runCourseScript)
ENV = "NUMDL_MATLAB"
URL = "https://github.com/IPAIopen/NumDL-MATLAB"
MARKER = "startupNumDLToolbox.m"                  # at the top of every clone of the toolbox
HOW_TO_GET = (f"the course's toolbox is not set: `git clone {URL}` and `export {ENV}=/path/to/NumDL-MATLAB` "
              "to cross-check against the course's own files")
INSTALL_HINT = ("GNU Octave is not installed: `sudo apt-get install --no-install-recommends octave` "
                "(Debian/Ubuntu) to cross-check against the course's toolbox")
REPLAYS = ("randperm", "randi")                  # the replay shims, each in shims/<name>/


class ToolboxNotSetError(RuntimeError):
    """NUMDL_MATLAB is not set: the cross-checks skip (fail with REQUIRE_OCTAVE=1)."""


class ToolboxError(RuntimeError):
    """NUMDL_MATLAB is set to something that is not the toolbox: one line says what is missing."""


class OctaveUnavailableError(RuntimeError):
    """No Octave could be started."""


class OctaveDiedError(RuntimeError):
    """The Octave process died during a call; the session was restarted for later calls."""


class CourseCallError(RuntimeError):
    """Octave raised an error while running code of the course (its message, first lines)."""


def toolboxDir(environ=None):
    """The toolbox folder named by $NUMDL_MATLAB, checked; ToolboxNotSetError / ToolboxError otherwise."""
    environ = os.environ if environ is None else environ
    value = environ.get(ENV, "").strip()
    if not value:
        raise ToolboxNotSetError(HOW_TO_GET)
    folder = pathlib.Path(value).expanduser().resolve()
    if not folder.is_dir():
        raise ToolboxError(f"{ENV}={folder}: no such folder (expected a clone of {URL})")
    if not (folder / MARKER).is_file():
        hint = ""
        if (folder.parent / MARKER).is_file():
            hint = f"; its parent {folder.parent} is the toolbox"
        elif any((sub / MARKER).is_file() for sub in folder.iterdir() if sub.is_dir()):
            hint = "; a subfolder of it is the toolbox"
        raise ToolboxError(f"{ENV}={folder} is not the NumDL-MATLAB toolbox: {MARKER} is missing "
                           f"(a clone of {URL} has it at its top){hint}")
    return folder


def toolboxFolders(toolbox):
    """The folders ``addpath(genpath(toolbox))`` adds: the toolbox and every subfolder.

    Like genpath, hidden folders (``.git``), ``private`` and class/package
    folders (``@...``, ``+...``) are left out.
    """
    toolbox = pathlib.Path(toolbox)
    folders = [toolbox]
    for dirpath, dirnames, _ in os.walk(toolbox):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "@", "+")) and d != "private")
        folders += [pathlib.Path(dirpath) / d for d in dirnames]
    return folders


def octaveString(text):
    """``text`` as an Octave single-quoted string literal."""
    return "'" + str(text).replace("'", "''") + "'"


class CourseSession:
    """An Octave session with the toolbox and our shims on its path; restarts once if Octave dies.

    ``call(code, **inputs)`` pushes the inputs (one struct, unpacked into
    variables of the same names), runs ``code`` and returns the fields the code
    set on ``OUT`` as a dict: three round trips to Octave, whatever the number
    of variables. If Octave dies inside a call, the session restarts (path and
    shims again) and the call raises ``OctaveDiedError``, so the comparison that
    lost the session reports it and later ones run on the new session; a second
    death is not retried.
    """

    def __init__(self, toolbox=None):
        self.toolbox = pathlib.Path(toolbox) if toolbox else toolboxDir()
        self.restarts = 0
        self._start()

    def _start(self):
        os.environ["OCTAVE_EXECUTABLE"] = "octave-cli --no-history"
        try:
            from oct2py import Oct2Py, Oct2PyError
        except ImportError as err:
            raise OctaveUnavailableError(f"oct2py is not installed ({err}): "
                                         "pip install 'oct2py>=6'") from None
        self.Oct2PyError = Oct2PyError
        try:
            self.oc = Oct2Py(oned_as="column", backend="disable")
        except (Oct2PyError, OSError, ValueError) as err:
            raise OctaveUnavailableError(f"{INSTALL_HINT} ({type(err).__name__}: {str(err)[:200]})") from None
        folders = [*toolboxFolders(self.toolbox), HELPERS, SHIMS / "image", SHIMS / "graphics"]
        self.oc.eval("warning('off', 'Octave:shadowed-function');"     # shadowing on purpose (docstring)
                     + "".join(f"addpath({octaveString(f.as_posix())});" for f in folders), verbose=False)
        self.version = str(self.oc.eval("OCTAVE_VERSION", nout=1, verbose=False))

    def alive(self):
        try:
            return self.oc._engine.repl.child.isalive()
        except AttributeError:
            return False

    def _octave(self, method, *args, **kwargs):
        try:
            return getattr(self.oc, method)(*args, **kwargs)
        except Exception as err:
            if self.alive():
                if isinstance(err, self.Oct2PyError):       # an error in Octave: the session is fine
                    lines = [s for s in str(err).splitlines() if s.strip()]
                    lines = [s for s in lines if not s.startswith("Octave evaluation error")]
                    cut = next((i for i, s in enumerate(lines) if "called from" in s), len(lines))
                    raise CourseCallError(" / ".join(lines[:max(cut, 1)])[:500]) from None
                raise
            if self.restarts >= 1:
                raise OctaveDiedError("the Octave session died again; not restarting a second time") from err
            self.restarts += 1
            self.exit()
            self._start()
            raise OctaveDiedError(f"the Octave session died during this call ({type(err).__name__}); "
                                  "restarted it for the remaining checks") from None

    def eval(self, code):
        """Run ``code`` in the session's workspace (nothing returned)."""
        self._octave("eval", code, verbose=False)

    def call(self, code, **inputs):
        """Push ``inputs``, run ``code``, return the fields it set on the struct ``OUT`` as a dict.

        Python ints are pushed as doubles (MATLAB's default class), so that
        ``reshape(x, m, [])`` and friends see the numbers the course expects.
        """
        pushed = {k: (float(v) if isinstance(v, (int, np.integer)) and not isinstance(v, bool) else v)
                  for k, v in inputs.items()}
        unpack = "".join(f"{k} = IN.{k};" for k in pushed)
        if pushed:
            self._octave("push", "IN", pushed)
        self._octave("eval", "OUT = struct();" + unpack + code, verbose=False)
        out = self._octave("pull", "OUT")
        return dict(out) if isinstance(out, dict) else {}          # a struct with no fields comes back empty

    def exists(self, name):
        """Octave's ``exist(name)``: 2 for a file on the path, 5 for a built-in, 0 for nothing."""
        return int(self.call(f"OUT.e = exist({octaveString(name)});")["e"])

    def which(self, name):
        return str(self.call(f"OUT.w = which({octaveString(name)});")["w"])

    @contextlib.contextmanager
    def replaying(self, name, draws, enumerate=False):
        """Put the ``name`` replay shim (randperm or randi) on the path for the ``with`` block only.

        ``draws`` is a 2-D array whose columns are returned by successive
        calls, 1-based (the shim checks them); ``enumerate=True`` (randi only)
        makes each call return 1..imax instead (every candidate once, then imax
        repeated). On leaving, the shim is taken off the path, its global queue
        cleared, and the block is told how many columns were
        left unused and, for randi, the imax of every call (``log.left``, ``log.imax``).
        """
        if name not in REPLAYS:
            raise ValueError(f"no replay shim for {name!r}; there are {REPLAYS}")
        queue, log = f"NUMDL_CROSSCHECK_{name.upper()}", types.SimpleNamespace(left=None, imax=None)
        folder = octaveString((SHIMS / name).as_posix())
        self.call(f"global {queue} {queue}_IMAX {queue}_ENUMERATE; {queue} = draws; {queue}_IMAX = [];"
                  f"{queue}_ENUMERATE = enumerate; addpath({folder});",
                  draws=np.atleast_2d(np.asarray(draws, dtype=float)), enumerate=bool(enumerate))
        try:
            yield log
        finally:
            out = self.call(f"global {queue} {queue}_IMAX {queue}_ENUMERATE; OUT.left = size({queue}, 2);"
                            f"OUT.imax = {queue}_IMAX; rmpath({folder}); clear {name};"
                            f"clear -global {queue} {queue}_IMAX {queue}_ENUMERATE;"
                            f"OUT.which = which({octaveString(name)});")
            log.left = int(out["left"]) if not enumerate else 0
            log.imax = np.atleast_1d(np.asarray(out["imax"], dtype=float)).astype(int).ravel()
            if (SHIMS / name).as_posix() in str(out["which"]):
                raise RuntimeError(f"the {name} replay shim is still on Octave's path after its comparison")

    def exit(self):
        try:
            self.oc.exit()
        except Exception:  # noqa: BLE001 - the old process is gone anyway
            pass


def driverSession(drivers, program=None, toolbox=None):
    """A CourseSession with the folder ``drivers`` of our .m drivers on its path, in front of the toolbox.

    The start of ``crosscheck/courseEELM.py`` and ``crosscheck/coursePeaks.py``, whose drivers
    (``crosscheck/courseEELM/``, ``crosscheck/coursePeaks/``) call the course's files as its scripts do.
    With ``program`` (the script's name), a missing Octave or toolbox ends the script with one line,
    ``program: what is missing``, instead of raising ToolboxNotSetError, ToolboxError or
    OctaveUnavailableError.
    """
    try:
        session = CourseSession(toolbox)
    except (ToolboxNotSetError, ToolboxError, OctaveUnavailableError) as err:
        if program is None:
            raise
        sys.exit(f"{program}: {err}")
    session.eval(f"addpath({octaveString(pathlib.Path(drivers).as_posix())});")
    return session
