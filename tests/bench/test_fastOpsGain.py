"""bench/fastOpsGain.py --paired: one helper with and without in alternating pairs of calls."""

import pathlib
import sys

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import fastOpsGain  # noqa: E402

from support import fastOps  # noqa: E402


def test_sizes_by_name_or_written_out():
    assert fastOpsGain.parseSize("n50k") == ("n50k", (50000, 50, 40, 10))
    assert fastOpsGain.parseSize("60000x784x500x10") == ("60000x784x500x10", (60000, 784, 500, 10))
    for wrong in ("60000x784", "n5ok", "60000x784x0x10"):
        with pytest.raises(ValueError, match="neither a size of bench.py"):
            fastOpsGain.parseSize(wrong)


def test_pairs_alternate_the_order_and_put_the_helper_back(monkeypatch):
    """Each pair times the helper on and off once, first on, then off first; BLOCK_ENTRIES restored."""
    seen = []
    objective = fastOpsGain.singleLayerNNObjFun

    def spy(*args, **kwargs):
        seen.append(fastOps.BLOCK_ENTRIES)
        return objective(*args, **kwargs)

    monkeypatch.setattr(fastOpsGain, "singleLayerNNObjFun", spy)
    q = fastOpsGain.pairedGain((600, 5, 4, 3), "blocksPerCore", 3)
    on, off = fastOps.BLOCK_ENTRIES, np.inf
    assert seen == [on, off, on, off, off, on, on, off]            # warm-up, then ABBA
    assert q.shape == (3, 2) and np.all(q > 0) and np.all(np.diff(q, axis=0) >= 0)   # quartiles in order
    assert fastOps.BLOCK_ENTRIES == on


def test_paired_mode_writes_its_table(tmp_path):
    out = tmp_path / "paired.md"
    assert fastOpsGain.main(["--paired", "blocksPerCore", "--sizes", "slide,600x5x4x3", "--pairs", "2",
                             "--out", str(out)]) == 0
    text = out.read_text()
    assert "| slide (500, 50, 40, 10) | - |" in text and "| 600x5x4x3 (600, 5, 4, 3) | - |" in text
    assert "python bench/fastOpsGain.py --paired blocksPerCore" in text
