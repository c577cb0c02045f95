#!/usr/bin/python3
"""Reference LARS paths for tests/unit/check_lars.c, from scikit-learn's lars_path, an
implementation independent of libsparsemi.

Run from the source root:  /usr/bin/python3 tests/data/make_lars_sklearn.py
It writes tests/data/lars_sklearn.txt (with this command and the versions used).

The data (tests/data/diabetes.csv, target 'progression') are prepared as smi_lars_run sees
them: each feature centred and divided by its standard deviation (divisor n), y centred.
lars_path(Z, y - mean(y), method=...) then gives the knots' alphas (max |Z'r| / n) and the
coefficients on Z, which are written in the data's original units (divided by the sd) with
the intercept mean(y) - mean(X)'w, as libsparsemi reports them.

One knot is not taken from scikit-learn: with positive=True its last knot is reported at
alpha 0 but its coefficients are interpolated between the last two knots by the alpha that
lars_path computes from the largest *inactive* correlation, which is negative there, so they
solve the problem at a positive alpha (1.458 on these data), not at alpha 0. That knot is
written instead as the exact path's end: the least-squares fit on the final active set,
checked here to keep every coefficient positive and every inactive correlation negative
(the KKT conditions of the non-negative LASSO at alpha = 0). Its row is marked 'ols'.
"""

import os
import sys

import numpy as np
import sklearn
from sklearn.linear_model import lars_path

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DATA = 'tests/data/diabetes.csv'
OUT = 'tests/data/lars_sklearn.txt'


def main():
    table = np.genfromtxt(os.path.join(ROOT, DATA), delimiter=',', names=True)
    names = table.dtype.names
    features = [c for c in names if c != 'progression']
    X = np.column_stack([table[c] for c in features])
    y = table['progression']
    n = len(y)
    mean, sd = X.mean(axis=0), X.std(axis=0)
    Z = (X - mean) / sd
    yc = y - y.mean()

    rows = []
    for method, positive in (('lar', False), ('lasso', False), ('lasso', True)):
        alphas, _, coefs = lars_path(Z, yc, method=method, positive=positive)
        coefs = coefs.T
        for t, (alpha, v) in enumerate(zip(alphas, coefs)):
            source = 'sklearn'
            if positive and t == len(alphas) - 1:
                active = coefs[t] > 0
                v = np.zeros_like(v)
                v[active] = np.linalg.lstsq(Z[:, active], yc, rcond=None)[0]
                r = Z.T @ (yc - Z @ v) / n
                assert (v[active] > 0).all() and (r[~active] < 0).all()
                assert np.abs(r[active]).max() < 1e-10 and alpha == 0.0
                source = 'ols'
            w = v / sd
            b0 = y.mean() - mean @ w
            rows.append((method, int(positive), t, source, alpha, b0, w))

    with open(os.path.join(ROOT, OUT), 'w') as f:
        f.write('# scikit-learn lars_path on the standardised diabetes data, for'
                ' tests/unit/check_lars.c.\n')
        f.write('# Produced by: /usr/bin/python3 tests/data/make_lars_sklearn.py'
                ' (from the source root)\n')
        f.write('# with scikit-learn %s, numpy %s, Python %s.\n'
                % (sklearn.__version__, np.__version__, sys.version.split()[0]))
        f.write('# Data %s, target progression, features %s.\n' % (DATA, ','.join(features)))
        f.write('# Columns: method, positive (1/0), knot, source (sklearn, or ols: see the'
                ' script), alpha, intercept,\n# then the %d coefficients in original units.\n'
                % len(features))
        for method, positive, t, source, alpha, b0, w in rows:
            f.write('%s %d %d %s %.17g %.17g %s\n' % (method, positive, t, source, alpha, b0,
                                                       ' '.join('%.17g' % x for x in w)))


if __name__ == '__main__':
    main()
