"""The machine class a benchmark runs on, for its header, and how to emulate an AVX2-only machine.

    python bench/machineClass.py          # prints this machine's class and the emulation recipe

Most students' laptops (and small cloud VMs such as a 2-core AMD EPYC) have
AVX2 but no AVX-512: numpy reports X86_V3 as its best SIMD level there, and
several of its float64 kernels are much slower than on an AVX-512 machine
(issue 14). On an AVX-512 machine, run a benchmark as that class with

    NPY_DISABLE_CPU_FEATURES="X86_V4 AVX512_ICL AVX512_SPR" \\
    OPENBLAS_CORETYPE=Haswell ATEN_CPU_CAPABILITY=avx2 python bench/...

(``EMULATE_X86_V3`` below; ``emulationEnv()`` returns os.environ with it).
Why each setting:

- numpy reads NPY_DISABLE_CPU_FEATURES once, at import. It takes the names of
  its dispatch *targets* (``__cpu_dispatch__``: X86_V3, X86_V4, AVX512_ICL,
  AVX512_SPR in numpy 2.4), not single CPU flags: "AVX512F" is ignored, and
  "X86_V4" alone leaves the AVX512_ICL target on. Names the CPU lacks are fine.
  ``np.show_runtime()`` then lists only X86_V3 as "found".
- OpenBLAS picks its kernel by CPU at load time; OPENBLAS_CORETYPE=Haswell is
  its AVX2 kernel (threadpoolctl reports it as the "architecture").
- PyTorch's ATEN_CPU_CAPABILITY=avx2 limits its kernels to AVX2
  (``torch.backends.cpu.get_cpu_capability()`` says "AVX2").

What this does not emulate: the microarchitecture. An AVX-512 core running
AVX2 code keeps its own speed for each instruction (on AMD Zen 4, for example,
AVX2 gathers are faster than on Zen 2/3), so timings of the emulated class
are a guide, not a measurement of a real AVX2-only machine.
"""

import os
import platform
import sys

EMULATE_X86_V3 = {"NPY_DISABLE_CPU_FEATURES": "X86_V4 AVX512_ICL AVX512_SPR",
                  "OPENBLAS_CORETYPE": "Haswell",
                  "ATEN_CPU_CAPABILITY": "avx2"}


def emulationEnv(base=None):
    """A copy of ``base`` (default os.environ) with the X86_V3 emulation settings (for subprocess.run)."""
    return {**(os.environ if base is None else base), **EMULATE_X86_V3}


def numpySimd():
    """numpy's SIMD levels: dict with ``baseline``, ``found`` (dispatch targets in use) and ``notFound``."""
    from numpy._core import _multiarray_umath as umath
    found = [t for t in umath.__cpu_dispatch__ if umath.__cpu_features__.get(t)]
    return {"baseline": list(umath.__cpu_baseline__), "found": found,
            "notFound": [t for t in umath.__cpu_dispatch__ if t not in found]}


def blasKernels():
    """One string per BLAS/OpenMP library loaded: API, version, kernel ("architecture"), threads.

    Uses threadpoolctl if installed; else the BLAS numpy was built with (no kernel known).
    """
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        import numpy as np
        blas = np.show_config(mode="dicts").get("Build Dependencies", {}).get("blas", {})
        return [f"{blas.get('name', '?')} {blas.get('version', '?')} "
                "(kernel unknown: pip install threadpoolctl)"]
    return [f"{i.get('internal_api')} {i.get('version')} kernel {i.get('architecture', '-')}, "
            f"{i.get('num_threads')} threads" for i in threadpool_info()]


def machineClass():
    """The machine class as a dict: numpy's best SIMD level, AVX-512 in use, BLAS kernels, settings."""
    import numpy as np
    simd = numpySimd()
    best = (simd["found"] or simd["baseline"] or ["none"])[-1]
    info = {"cpu": cpuName(), "python": platform.python_version(), "numpy": np.__version__,
            "bestSimd": best, "avx512": any(t == "X86_V4" or "AVX512" in t for t in simd["found"]),
            "simdFound": simd["found"], "blas": blasKernels(),
            "settings": {k: os.environ[k] for k in (*EMULATE_X86_V3, "OPENBLAS_L2_SIZE", "OMP_NUM_THREADS",
                                                     "OPENBLAS_NUM_THREADS") if k in os.environ}}
    if "torch" in sys.modules:   # only when the benchmark imported it: importing torch takes seconds
        torch = sys.modules["torch"]
        info["torch"] = f"{torch.__version__}, {torch.backends.cpu.get_cpu_capability()}, " \
                        f"{torch.get_num_threads()} threads"
    return info


def describe():
    """The machine class in a few lines, for a benchmark's header."""
    m = machineClass()
    avx512 = "in use" if m["avx512"] else "not used"
    lines = [f"CPU: {m['cpu']}, {os.cpu_count()} cores",
             f"numpy {m['numpy']}: best SIMD {m['bestSimd']} (AVX-512 {avx512}; "
             f"found {' '.join(m['simdFound']) or 'none'})",
             *(f"BLAS: {b}" for b in m["blas"])]
    if "torch" in m:
        lines.append(f"PyTorch {m['torch']}")
    lines.append("settings: " + (", ".join(f"{k}={v}" for k, v in m["settings"].items()) or "none"))
    return "\n".join(lines)


def cpuName():
    """The CPU's model name (Linux /proc/cpuinfo), else what platform reports."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


if __name__ == "__main__":
    print(describe())
    print("\nTo run a benchmark as the X86_V3 class (AVX2, no AVX-512) on this machine:")
    print("    " + " ".join(f'{k}="{v}"' for k, v in EMULATE_X86_V3.items()) + " python bench/bench.py")
