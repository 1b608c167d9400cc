"""Golden values for dq's `MoreThuente` line search: scipy's port of MINPACK-2 `dcsrch`
(scipy.optimize._dcsrch.DCSRCH, the search L-BFGS-B runs) on the test functions of Moré &
Thuente (ACM TOMS 1994, §5: functions (5.1)-(5.3)) from four initial steps, recording every
trial step. Run with scipy >= 1.11: python make_more_thuente_golden.py > more_thuente_golden.json"""
import json
import math

from scipy.optimize._dcsrch import DCSRCH


def f1(a):  # (5.1), beta = 2
    return -a / (a * a + 2), (a * a - 2) / (a * a + 2) ** 2


def f2(a):  # (5.2), beta = 0.004
    return (a + 0.004) ** 5 - 2 * (a + 0.004) ** 4, 5 * (a + 0.004) ** 4 - 8 * (a + 0.004) ** 3


def f3(a):  # (5.3), beta = 0.01, l = 39
    phi0 = 1 - a if a <= 1 - 0.01 else (a - 1 if a >= 1 + 0.01 else (a - 1) ** 2 / (2 * 0.01) + 0.01 / 2)
    d0 = -1 if a <= 1 - 0.01 else (1 if a >= 1 + 0.01 else (a - 1) / 0.01)
    k = 39 * math.pi / 2
    return (phi0 + 2 * (1 - 0.01) / (39 * math.pi) * math.sin(k * a),
            d0 + (1 - 0.01) * math.cos(k * a))


cases = []
for name, fn, ftol, gtol in [("5.1", f1, 0.001, 0.1), ("5.2", f2, 0.1, 0.1), ("5.3", f3, 0.1, 0.1)]:
    for start in [1e-3, 1e-1, 1e1, 1e3]:
        trials = []

        def phi(a):
            trials.append(a)
            return fn(a)[0]

        search = DCSRCH(phi, lambda a: fn(a)[1], ftol, gtol, 0.1, 0.0, 1e10)
        step, value, _, task = search(start, phi0=fn(0)[0], derphi0=fn(0)[1], maxiter=100)
        cases.append({"function": name, "ftol": ftol, "gtol": gtol, "start": start, "trials": trials,
                      "step": step, "task": task.decode()})
print(json.dumps({"cases": cases}, indent=1))
