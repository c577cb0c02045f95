#!/usr/bin/python3
"""Reference values of the optimised evidence (type-II maximum likelihood) for
tests/unit/check_evidence.c, from scikit-learn's BayesianRidge, an implementation
independent of libsparsemi (MacKay's fixed point on the SVD of X).

Run from the source root:  /usr/bin/python3 tests/data/make_evidence_sklearn.py
It writes tests/data/evidence_random.csv (synthetic data, numpy seed 20240) and
tests/data/evidence_sklearn.txt (the values, with this command and the versions used).

The data are prepared as libsparsemi's evidence sees them: with the intercept on, each chosen
feature centred and divided by its standard deviation (divisor n), y centred and not scaled;
with the intercept off, features divided by their standard deviation only and y as it is.
BayesianRidge then runs with fit_intercept=False and near-flat gamma hyperpriors
(alpha_1 = alpha_2 = lambda_1 = lambda_2 = 1e-12), a tolerance far below rounding and many
iterations, so that it stops at the evidence maximum. Its alpha_ is the noise precision
(libsparsemi's beta) and lambda_ the weight precision (libsparsemi's alpha).
"""

import os
import sys

import numpy as np
import sklearn
from sklearn.linear_model import BayesianRidge

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
RANDOM = 'tests/data/evidence_random.csv'
OCTET = 'examples/data/octet_binaries.csv'

# (data file, features, intercept)
CASES = [
    (OCTET, ['r_p_A'], 1),
    (OCTET, ['r_s_B', 'r_p_A', 'r_p_B'], 1),
    (OCTET, ['IP_A', 'EA_A', 'IP_B', 'EA_B', 'r_s_A', 'r_p_A'], 1),
    (OCTET, ['IP_A', 'EA_A', 'E_HOMO_A', 'E_LUMO_A', 'r_s_A', 'r_p_A', 'r_d_A', 'IP_B', 'EA_B',
             'E_HOMO_B', 'E_LUMO_B', 'r_s_B', 'r_p_B', 'r_d_B'], 1),
    (RANDOM, ['x1', 'x3'], 1),
    (RANDOM, ['x1', 'x2', 'x3', 'x4', 'x5'], 1),
    (RANDOM, ['x1', 'x2', 'x3', 'x4', 'x5'], 0),
]


def write_random(path):
    rng = np.random.default_rng(20240)
    n, p = 60, 5
    X = rng.normal(size=(n, p)) * np.array([1.0, 3.0, 0.5, 10.0, 2.0]) + np.array(
        [0.0, 5.0, -2.0, 40.0, 1.0])
    y = 1.5 * X[:, 0] - 0.4 * X[:, 2] + 0.05 * X[:, 3] + 0.8 * rng.normal(size=n) + 3.0
    with open(path, 'w') as f:
        f.write('# synthetic data for tests/unit/check_evidence.c, written by '
                'tests/data/make_evidence_sklearn.py (numpy default_rng(20240))\n')
        f.write('y,' + ','.join('x%d' % (j + 1) for j in range(p)) + '\n')
        for i in range(n):
            f.write(','.join(repr(float(v)) for v in [y[i]] + list(X[i])) + '\n')


def read(path):
    with open(path) as f:
        lines = [l for l in f if not l.startswith('#')]
    names = lines[0].strip().split(',')
    rows = [l.strip().split(',') for l in lines[1:] if l.strip()]
    cols = {}
    for j, name in enumerate(names):
        try:
            cols[name] = np.array([float(r[j]) for r in rows])
        except ValueError:
            pass
    return cols


def main():
    write_random(os.path.join(ROOT, RANDOM))
    out = [
        '# scikit-learn BayesianRidge at the evidence maximum, for tests/unit/check_evidence.c.',
        '# Produced by: /usr/bin/python3 tests/data/make_evidence_sklearn.py (from the source root)',
        '# with scikit-learn %s, numpy %s, Python %s.' % (
            sklearn.__version__, np.__version__, sys.version.split()[0]),
        '# BayesianRidge(fit_intercept=False, alpha_1=alpha_2=lambda_1=lambda_2=1e-12,',
        '#               tol=1e-300, n_iter=%d) on standardised features and centred y' % 20000,
        '# (see the script). Columns: data file (from the source root), intercept (1/0),',
        '# features (comma-separated), beta = BayesianRidge alpha_ (noise precision),',
        '# alpha = BayesianRidge lambda_ (weight precision), BayesianRidge n_iter_.',
    ]
    for path, features, intercept in CASES:
        cols = read(os.path.join(ROOT, path))
        target = 'dE_RS_ZB' if path == OCTET else 'y'
        X = np.column_stack([cols[f] for f in features])
        y = cols[target].copy()
        if intercept:
            X = X - X.mean(axis=0)
            y = y - y.mean()
        X = X / cols_sd(np.column_stack([cols[f] for f in features]))
        model = BayesianRidge(fit_intercept=False, alpha_1=1e-12, alpha_2=1e-12,
                              lambda_1=1e-12, lambda_2=1e-12, tol=1e-300, n_iter=20000)
        model.fit(X, y)
        out.append('%s %d %s %.17g %.17g %d' % (path, intercept, ','.join(features),
                                                 model.alpha_, model.lambda_, model.n_iter_))
    with open(os.path.join(HERE, 'evidence_sklearn.txt'), 'w') as f:
        f.write('\n'.join(out) + '\n')


def cols_sd(X):
    return X.std(axis=0)  # divisor n, as libsparsemi


if __name__ == '__main__':
    main()
