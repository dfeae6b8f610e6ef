"""Keeps OurFirstNeuralNetwork.ipynb stored clean: no outputs, no execution counts, no run metadata.

Jupyter saves a notebook with its outputs (figures as base64), execution counts and
the kernel's Python version; stored so, every run would change the file. Before
committing an edited notebook:

    python -m support.stripNotebook [OurFirstNeuralNetwork.ipynb ...]

``tests/test_OurFirstNeuralNetwork.py`` fails while the stored notebook is not stripped.
"""

import sys

import nbformat

KEEP_CELL_METADATA = ("tags",)    # the tests find the exercise and check cells by their tags


def stripNotebook(nb):
    """``nb`` (an nbformat notebook) without outputs, execution counts and per-run metadata."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.metadata = {k: v for k, v in cell.metadata.items() if k in KEEP_CELL_METADATA}
    nb.metadata["language_info"] = {"name": "python"}     # not the version of whoever ran it last
    nb.metadata.pop("widgets", None)
    return nb


def isStripped(nb):
    """True when ``nb`` has no outputs, no execution counts and no per-run cell metadata."""
    return all(not cell.get("outputs") and cell.get("execution_count") is None
               and set(cell.metadata) <= set(KEEP_CELL_METADATA) for cell in nb.cells)


if __name__ == "__main__":
    for path in sys.argv[1:] or ["OurFirstNeuralNetwork.ipynb"]:
        nb = nbformat.read(path, as_version=4)
        wasStripped = isStripped(nb)
        nbformat.write(stripNotebook(nb), path)
        print(f"{path}: {'already stripped' if wasStripped else 'outputs and execution counts removed'}")
