"""What the robustness suites (tests/robustness/) checked, counted and printed at the end of the test run.

The property tests record every generated example, the malformed-call suite
every malformed call and how it ended; ``tests/conftest.py`` prints the totals
in pytest's terminal summary.
"""

import collections

PROPERTIES = collections.Counter()                              # property name -> examples checked
HOSTILE = collections.defaultdict(collections.Counter)          # function -> {outcome: calls}
NOTES = collections.Counter()                                   # what else a suite wants reported


def recordProperty(name):
    """Count one generated example of the property ``name``."""
    PROPERTIES[name] += 1


def recordNote(note):
    """Count one occurrence of ``note`` (e.g. how a Taylor test was decided)."""
    NOTES[note] += 1


def recordHostile(function, outcome):
    """Count one malformed call of ``function`` that ended in ``outcome``."""
    HOSTILE[function][outcome] += 1


def summaryLines():
    """The lines the terminal summary prints (empty when no robustness test ran)."""
    lines = []
    if PROPERTIES:
        lines.append(f"robustness: {len(PROPERTIES)} properties checked over "
                     f"{sum(PROPERTIES.values())} generated examples")
        for name, count in sorted(PROPERTIES.items()):
            lines.append(f"  {count:5d} examples: {name}")
    for note, count in sorted(NOTES.items()):
        lines.append(f"robustness: {count} {note}")
    if HOSTILE:
        total = collections.Counter()
        for outcomes in HOSTILE.values():
            total.update(outcomes)
        lines.append(f"robustness: {sum(total.values())} malformed calls: {total['ValueError']} ValueError, "
                     f"{total['TypeError']} TypeError, {total['correct']} correct results "
                     f"(other outcomes fail the suite)")
        for function, outcomes in sorted(HOSTILE.items()):
            lines.append(f"  {function:<28} {sum(outcomes.values()):5d} calls: "
                         f"{outcomes['ValueError']:4d} ValueError, {outcomes['TypeError']:4d} TypeError, "
                         f"{outcomes['correct']:4d} correct")
    return lines
