"""The Rosenbrock function, the classic test of an optimiser (minimiser [1, 1]).

    f(x)  = (1 - x1)^2 + 100 (x2 - x1^2)^2
    df(x) = [ -2 (1 - x1) - 400 x1 (x2 - x1^2),  200 (x2 - x1^2) ]
    d2f   = [[ 2 - 400 x2 + 1200 x1^2, -400 x1 ], [ -400 x1, 200 ]]
"""

import numpy as np

from support.checks import checkedBy, checkRosenbrock


@checkedBy(checkRosenbrock)
def Rosenbrock(x):
    """``[f,df,d2f] = Rosenbrock(x)``: value, gradient and (exact) Hessian matrix at a 2-vector x.

    The course's ``Rosenbrock.m`` also evaluates f on several points at once (x 2 x k).
    """
    x1, x2 = x
    f = (1 - x1)**2 + 100 * (x2 - x1**2)**2
    df = np.array([-2 * (1 - x1) - 400 * x1 * (x2 - x1**2), 200 * (x2 - x1**2)])
    d2f = np.array([[2 - 400 * x2 + 1200 * x1**2, -400 * x1], [-400 * x1, 200.0]])
    return f, df, d2f


if __name__ == "__main__":
    for x in ([1.0, 1.0], [4.0, 2.0]):
        f, g, H = Rosenbrock(x)
        print(f"x = {x}: f = {f:g}, grad = {g}, eig(H) = {np.linalg.eigvalsh(H)}")
