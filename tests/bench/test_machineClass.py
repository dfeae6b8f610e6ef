"""bench/machineClass: the X86_V3 emulation recipe changes numpy's dispatch, and the header names it."""

import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.append(os.path.join(ROOT, "bench"))

from machineClass import EMULATE_X86_V3, describe, emulationEnv, machineClass, numpySimd  # noqa: E402

PROBE = ("import json, sys; sys.path.insert(0, 'bench'); import machineClass as m; "
         "print(json.dumps(m.machineClass()))")


@pytest.mark.skipif("X86_V3" not in numpySimd()["found"], reason="numpy has no X86_V3 target here")
def test_emulation_env_leaves_x86_v3_as_numpys_best_simd_and_the_header_says_so():
    r = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=emulationEnv(), capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    info = json.loads(r.stdout)
    assert info["bestSimd"] == "X86_V3" and not info["avx512"] and info["simdFound"] == ["X86_V3"]
    assert info["settings"]["NPY_DISABLE_CPU_FEATURES"] == EMULATE_X86_V3["NPY_DISABLE_CPU_FEATURES"]


def test_describe_names_numpys_best_simd_and_the_blas():
    info, text = machineClass(), describe()
    assert info["bestSimd"] in text and "BLAS:" in text
    assert info["avx512"] == any(t == "X86_V4" or "AVX512" in t for t in info["simdFound"])
