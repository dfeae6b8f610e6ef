"""support/activations.py: the names act= accepts (the lecture's, the course's, the longer spellings)."""

import numpy as np
import pytest

from sinActivation import sinActivation
from singleLayer import singleLayer
from smoothRelU import smoothRelU
from support.activations import resolveActivation
from tanhActivation import tanhActivation


@pytest.mark.parametrize("name, fun", [("tanh", tanhActivation), ("tanhActivation", tanhActivation),
                                       ("smoothRelu", smoothRelU), ("smoothReluActivation", smoothRelU),
                                       ("smoothRelU", smoothRelU), ("sine", sinActivation),
                                       ("sineActivation", sinActivation),
                                       ("sinActivation", sinActivation)])
def test_the_activation_names_of_the_lecture_and_the_course_are_known(name, fun):
    assert resolveActivation(name) is fun            # our names, the longer spellings and the course's


def test_unknown_activation_name_is_rejected_with_the_known_ones():
    with pytest.raises(ValueError, match=r"one of \[.*'sine'.*'smoothRelu'.*'tanh'.*got str 'relu'"):
        resolveActivation("relu")
    with pytest.raises(ValueError, match=r"one of \[.*'smoothRelu'"):
        singleLayer(np.ones((2, 3)), 0.0, np.ones((4, 2)), act="ReLU")
