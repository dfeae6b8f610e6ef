"""experiments/regenerateResults.py: what it reads from the scripts' output and the table it writes."""

import pathlib

from experiments import regenerateResults

ROOT = pathlib.Path(__file__).resolve().parents[2]
PEAKS_SCRIPTS = ("ESingleLayer_PeaksNewtonCG.py", "ESingleLayer_PeaksSGD.py", "ESingleLayer_PeaksVarPro.py")


def test_it_reads_the_lines_the_peaks_scripts_print():
    for script in PEAKS_SCRIPTS:
        assert 'print(f"training error {trainErr:.2f}% validation error {valErr:.2f}%")' in \
            (ROOT / script).read_text()
    found = regenerateResults.PEAKS.findall("training error 1.10% validation error 2.75%\n")
    assert found == [("1.10", "2.75")]


def test_it_reads_the_summary_table_of_the_mnist_script():
    out = ("\n           method  steps     time   train validation\n"
           "        Newton-CG     20    12.0s   98.0%      90.0%\n"
           " steepest descent    100     9.1s   88.1%      87.2%\n"
           "              SGD     10     3.0s   93.5%      90.4%\n")
    assert regenerateResults.MNIST.findall(out) == [("Newton-CG", "20", "98.0", "90.0"),
                                                    ("steepest descent", "100", "88.1", "87.2"),
                                                    ("SGD", "10", "93.5", "90.4")]


def test_the_table_gives_the_range_and_says_why_only_where_runs_differ():
    results = {"VarPro": ([{"training error": 0.1, "validation error": 3.2},
                           {"training error": 0.3, "validation error": 3.2}], [20.0, 30.0])}
    lines = regenerateResults.table(results, [1, 2], 1)
    assert lines[0] == "| script | quantity | range | 1 thread | 2 threads | why it moves |"
    assert lines[2].startswith("| `ESingleLayer_PeaksVarPro.py` | training error | 0.10-0.30% | 0.10% | "
                               "0.30% | its inner problem has no minimiser")
    assert lines[3] == ("| `ESingleLayer_PeaksVarPro.py` | validation error | 3.20% | 3.20% | 3.20% | "
                        "the same in every run |")
    assert lines[4].startswith("| `ESingleLayer_PeaksVarPro.py` | wall time | 20-30 s |")
