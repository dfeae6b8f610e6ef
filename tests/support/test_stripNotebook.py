"""support/stripNotebook.py: a notebook run in Jupyter comes back to its stored form."""

import nbformat

from support.stripNotebook import isStripped, stripNotebook


def ranNotebook():
    """A small notebook as Jupyter saves it after a run: outputs, counts, timing metadata, kernel version."""
    nb = nbformat.v4.new_notebook(metadata={"language_info": {"name": "python", "version": "3.11.7"}})
    cell = nbformat.v4.new_code_cell("print(1)", id="a", execution_count=3,
                                     outputs=[nbformat.v4.new_output("stream", text="1\n")],
                                     metadata={"tags": ["check-JKt"], "execution": {"iopub.status.busy": "t"},
                                               "scrolled": True})
    nb.cells = [nbformat.v4.new_markdown_cell("# title", id="b"), cell]
    return nb


def test_stripping_removes_outputs_counts_and_run_metadata_but_keeps_tags():
    nb = ranNotebook()
    assert not isStripped(nb)
    stripNotebook(nb)
    assert isStripped(nb)
    cell = nb.cells[1]
    assert cell.outputs == [] and cell.execution_count is None
    assert cell.metadata == {"tags": ["check-JKt"]}
    assert nb.metadata["language_info"] == {"name": "python"}
    nbformat.validate(nb)


def test_stripping_twice_changes_nothing():
    once = nbformat.writes(stripNotebook(ranNotebook()))
    assert nbformat.writes(stripNotebook(nbformat.reads(once, as_version=4))) == once
