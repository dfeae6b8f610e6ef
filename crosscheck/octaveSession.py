"""One GNU Octave session (through oct2py) with the course's .m files on its path.

The folder of .m files is a setting: by default the project's own ``matlab/``;
the environment variable ``NN_MFILES`` points the same cross-checks at another
folder, e.g. a student's homework or the instructor's course code, as long as
its functions follow the slides' conventions.

oct2py is imported only when a session starts, so the rest of the project never
needs it. Octave is started as ``octave-cli --no-history`` (no X11 or history
warnings in the output).
"""

import os
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1]
MFILES_ENV = "NN_MFILES"
INSTALL_HINT = ("GNU Octave is not installed: `sudo apt-get install --no-install-recommends octave` "
                "(Debian/Ubuntu) to run the cross-checks against the .m files")

# The lecture's functions the cross-checks call: (inputs at least, outputs at least, call).
REQUIRED = {
    "tanhActivation": (1, 2, "[A,dA] = tanhActivation(Y)"),
    "singleLayer": (3, 7, "[Z,JKt,Jbt,JYt,JK,Jb,JY] = singleLayer(K,b,Y)"),
    "softMax": (3, 5, "[E,dEW,d2EW,dEZ,d2EZ] = softMax(W,Z,C)"),
    "singleLayerNNObjFun": (4, 3, "[Ec,dE,H] = singleLayerNNObjFun(x,Y,C,m)"),
    "checkDerivative": (2, 2, "[passed,T] = checkDerivative(fun,x0,v,nSteps)"),
    "adjointTest": (4, 2, "[passed,relErr] = adjointTest(J,Jt,v,u)"),
    "newtonCG": (3, 3, "[x,his,xAll] = newtonCG(fun,x0,param)"),
    "rosenbrock": (1, 3, "[f,g,H] = rosenbrock(x)"),
}


class OctaveUnavailableError(RuntimeError):
    """No Octave could be started."""


class OctaveDiedError(RuntimeError):
    """The Octave process died during a call; the session was restarted for later calls."""


class MFileError(RuntimeError):
    """A required .m function is missing or has another signature."""


def mfilesDir():
    """The folder of .m files to check against: $NN_MFILES or the project's matlab/."""
    folder = pathlib.Path(os.environ.get(MFILES_ENV) or ROOT / "matlab").resolve()
    if not folder.is_dir():
        raise MFileError(f"{MFILES_ENV}={folder} is not a folder of .m files")
    return folder


class OctaveSession:
    """An Octave session that restarts once if the process dies.

    ``eval``, ``push`` and ``pull`` forward to oct2py. If Octave dies inside a
    call, the session is restarted (with the .m folder on the path again) and
    the call raises ``OctaveDiedError``, so the test that lost the session reports
    it while later tests run on the new session. A second death is not retried.
    """

    def __init__(self, folder=None):
        self.folder = pathlib.Path(folder) if folder else mfilesDir()
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
        self.oc.eval(f"addpath('{self.folder.as_posix()}');")
        self.oc.eval(f"addpath('{(ROOT / 'crosscheck' / 'mhelpers').as_posix()}');")  # test helpers

    def alive(self):
        try:
            return self.oc._engine.repl.child.isalive()
        except AttributeError:
            return False

    def _call(self, method, *args, **kwargs):
        try:
            return getattr(self.oc, method)(*args, **kwargs)
        except Exception as err:
            if self.alive():
                raise                                # an error in Octave: the session is fine
            if self.restarts >= 1:
                raise OctaveDiedError("the Octave session died again; not restarting a second time") from err
            self.restarts += 1
            try:
                self.oc.exit()
            except Exception:  # noqa: BLE001 - the old process is gone anyway
                pass
            self._start()
            raise OctaveDiedError(f"the Octave session died during this call ({type(err).__name__}); "
                             "restarted it for the remaining checks") from None

    def eval(self, code, **kwargs):
        return self._call("eval", code, **kwargs)

    def push(self, name, value):
        return self._call("push", name, value)

    def pull(self, name):
        return self._call("pull", name)

    def checkFunction(self, name):
        """Raise MFileError unless ``name.m`` exists with the slides' signature."""
        nin, nout, call = REQUIRED[name]
        kind = self.eval(f"exist('{name}')", nout=1, verbose=False)
        if kind not in (2, 3):
            raise MFileError(f"{name}: not found in {self.folder} (expected {name}.m with "
                               f"`{call}`)")
        gotIn = int(self.eval(f"nargin('{name}')", nout=1, verbose=False))
        gotOut = int(self.eval(f"nargout('{name}')", nout=1, verbose=False))
        okIn = gotIn < 0 or gotIn >= nin          # negative: varargin
        okOut = gotOut < 0 or gotOut >= nout
        if not (okIn and okOut):
            raise MFileError(f"{name} in {self.folder} takes {gotIn} inputs and returns {gotOut} "
                               f"outputs; the cross-checks call `{call}` ({nin} inputs, {nout} outputs)")

    def exit(self):
        try:
            self.oc.exit()
        except Exception:  # noqa: BLE001
            pass
