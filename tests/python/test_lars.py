"""sparsemi.lars_path against scikit-learn's lars_path on the diabetes data: the values
stored in tests/data/lars_sklearn.txt (made by tests/data/make_lars_sklearn.py), and
scikit-learn itself when it is installed."""
import os

import numpy as np
import pytest

import sparsemi

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'data')


def reference(method, positive):
    rows = []
    with open(os.path.join(DATA, 'lars_sklearn.txt'), encoding='utf-8') as f:
        for line in f:
            if line.startswith('#') or not line.strip():
                continue
            t = line.split()
            if t[0] == method and t[1] == ('1' if positive else '0'):
                rows.append([float(v) for v in t[4:]])
    return np.array(rows)


@pytest.mark.parametrize('method,positive', [('lar', False), ('lasso', False), ('lasso', True)])
def test_path_matches_scikit_learn(method, positive):
    ds = sparsemi.Dataset.from_csv(os.path.join(DATA, 'diabetes.csv'), target='progression')
    path = sparsemi.lars_path(ds, method=method, positive=positive)
    want = reference(method, positive)
    assert len(path.alphas) == len(want)
    np.testing.assert_allclose(path.alphas, want[:, 0], rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(path.intercepts, want[:, 1], rtol=1e-8)
    np.testing.assert_allclose(path.coefficients, want[:, 2:], rtol=1e-8, atol=1e-8)
    assert path.status == sparsemi.SMI_OK and path.caveat == ''
    assert (path.method, path.positive, path.max_steps) == (method, positive, None)
    assert path.active[0] == [] and 'bmi' in path.active[1]
    if positive:
        assert np.all(path.coefficients >= 0)


def test_max_steps_cuts_the_path():
    ds = sparsemi.Dataset.from_csv(os.path.join(DATA, 'diabetes.csv'), target='progression')
    path = sparsemi.lars_path(ds, method='lar', max_steps=3)
    want = reference('lar', False)
    assert path.max_steps == 3 and len(path.alphas) == 4
    np.testing.assert_allclose(path.alphas, want[:4, 0], rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(path.coefficients, want[:4, 2:], rtol=1e-8, atol=1e-8)


def test_rank_deficient_path_is_a_success_with_a_caveat():
    """Two identical features tie for entry: the path stops at knot 0 (alpha_max =
    max_j |z_j'(y - mean y)| / n, all coefficients 0), status SMI_ESINGULAR with the
    library's message; not an error."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=40)
    X = np.column_stack([x, x, rng.normal(size=40)])
    y = 3 * x + 0.1 * rng.normal(size=40)
    path = sparsemi.lars_path(sparsemi.Dataset(X, y), method='lasso')
    assert path.status == sparsemi.SMI_ESINGULAR and path.caveat
    Z = (X - X.mean(axis=0)) / X.std(axis=0)
    assert path.alphas[0] == pytest.approx(np.max(np.abs(Z.T @ (y - y.mean()))) / 40,
                                           rel=1e-12)
    assert np.all(path.coefficients[0] == 0)


def test_bad_method():
    ds = sparsemi.Dataset.from_csv(os.path.join(DATA, 'diabetes.csv'), target='progression')
    with pytest.raises(ValueError):
        sparsemi.lars_path(ds, method='forward')
    with pytest.raises(sparsemi.Error):
        sparsemi.lars_path(ds, method='lar', positive=True)
