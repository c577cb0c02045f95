"""sparsemi.lasso_path, lasso_cv, the supports along a path and their rank in an exhaustive
search, against independent references: R glmnet's paths and CV curve on the diabetes data
(tests/data/glmnet_ref.txt, made by tests/data/make_glmnet_ref.R), the optimality (KKT)
conditions and least-squares refits computed here with numpy, and brute force over every
subset."""

import itertools
import math
import os

import numpy as np
import pytest

import sparsemi
import fold_reference

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'data')
DIABETES = os.path.join(DATA, 'diabetes.csv')
EXACT = dict(tol=1e-24, max_passes=10**7)   # converged far below the tests' tolerances


def glmnet_reference():
    """{case name: (lambdas, intercepts, coef L x p, extra)} and {cv name: (lambda_min,
    lambda_1se, cvm, cvsd)} from tests/data/glmnet_ref.txt."""
    cases, cvs = {}, {}
    with open(os.path.join(DATA, 'glmnet_ref.txt'), encoding='utf-8') as f:
        lines = [line.split() for line in f if line.strip() and not line.startswith('#')]
    i = 0
    while i < len(lines):
        t = lines[i]
        if t[0] == 'case':
            L = int(t[2])
            lam = np.array([float(v) for v in lines[i + 1][1:]])
            rows = np.array([[float(v) for v in lines[i + 2 + l][1:]] for l in range(L)])
            cases[t[1]] = (lam, rows[:, 0], rows[:, 1:], [float(v) for v in t[4:]])
            i += 2 + L
        elif t[0] == 'cv':
            cvm = np.array([float(v) for v in lines[i + 1][1:]])
            cvsd = np.array([float(v) for v in lines[i + 2][1:]])
            cvs[t[1]] = (float(t[3]), float(t[4]), cvm, cvsd)
            i += 3
        else:
            i += 1
    return cases, cvs


@pytest.fixture(scope='module')
def ref():
    return glmnet_reference()


@pytest.fixture
def ds():
    with sparsemi.Dataset.from_csv(DIABETES, target='progression') as d:
        yield d


def assert_close_rows(got, want, got_b0, want_b0):
    """Each coefficient within 1e-6 of its size, or of 1e-3 of the row's largest for those
    near 0; zeros in the same places; intercepts to 1e-6."""
    for l in range(len(want)):
        top = np.max(np.abs(want[l]))
        tol = 1e-6 * np.maximum(np.abs(want[l]), 1e-3 * top)
        assert np.all(np.abs(got[l] - want[l]) <= tol), (l, got[l], want[l])
        assert np.array_equal(got[l] == 0, want[l] == 0), (l, got[l], want[l])
    np.testing.assert_allclose(got_b0, want_b0, rtol=1e-6, atol=1e-6)


def kkt_violation(X, y, path, alpha, factors=None, positive=False):
    """The largest violation of the optimality conditions of the standardised problem over
    the path, relative to lambda (numpy only)."""
    n, p = X.shape
    mean, sd = X.mean(axis=0), X.std(axis=0)
    Z = (X - mean) / sd
    f = np.ones(p) if factors is None else np.asarray(factors, dtype=float)
    f = f * p / f.sum()
    worst = 0.0
    for lam, w, b0 in zip(path.lambdas, path.coef, path.intercept):
        r = y - b0 - X @ w
        assert abs(r.sum()) <= 1e-8 * n * y.std()   # the intercept is free
        g = Z.T @ r / n
        v = w * sd
        l1, l2 = lam * alpha * f, lam * (1 - alpha) * f
        viol = np.where(v != 0, np.abs(g - l2 * v - l1 * np.sign(v)),
                        np.maximum(0.0, (g if positive else np.abs(g)) - l1))
        worst = max(worst, float(np.max(viol / lam)))
        if positive:
            assert np.all(w >= 0)
    return worst


# -- paths -----------------------------------------------------------------------------

CASES = ['diabetes_lasso', 'diabetes_positive', 'diabetes_penalty', 'diabetes_enet_a0.5']


@pytest.mark.parametrize('given', [False, True], ids=['own-lambdas', 'given-lambdas'])
@pytest.mark.parametrize('case', CASES)
def test_path_matches_glmnet(ds, ref, case, given):
    """At glmnet's lambdas: the library's own sequence (equal to glmnet's), or glmnet's
    passed as `lambdas` (from the second on: the first is lambda_max, where a given value
    one rounding below the exact one may leave a coefficient of 1e-15)."""
    lam, b0, coef, extra = ref[0][case]
    options = dict(EXACT, positive=case == 'diabetes_positive')
    if case == 'diabetes_penalty':   # as a dict: the features not named get 1
        options['penalty_factors'] = {name: f for name, f in zip(ds.names, extra) if f != 1}
    data = ds
    if case == 'diabetes_enet_a0.5':
        # As make_glmnet_ref.R: y standardised (divisor n) plus 3, mixing parameter 0.5.
        y = ds.y
        data = sparsemi.Dataset(ds.X, (y - y.mean()) / y.std() + 3, names=ds.names)
        options['alpha'] = 0.5
    first = 1 if given else 0
    if given:
        options['lambdas'] = lam[first:]
    path = sparsemi.lasso_path(data, **options)
    assert isinstance(path, sparsemi.LassoPath)
    assert path.features == ds.names and path.coef.shape[1] == ds.p
    L = len(lam)
    if given:
        np.testing.assert_array_equal(path.lambdas, lam[first:])
    else:
        assert len(path.lambdas) >= L
        np.testing.assert_allclose(path.lambdas[:L], lam, rtol=1e-10)
    assert_close_rows(path.coef[:L - first], coef[first:], path.intercept[:L - first],
                      b0[first:])


def test_default_path_is_glmnets(ds, ref):
    """Without given lambdas the path starts at glmnet's lambda_max and has glmnet's
    sequence; lambda_max is max_j |z_j'(y - mean y)| / n in closed form."""
    lam, b0, coef, _ = ref[0]['diabetes_lasso']
    path = sparsemi.lasso_path(ds, **EXACT)
    X, y = ds.X, ds.y
    Z = (X - X.mean(axis=0)) / X.std(axis=0)
    assert path.lambdas[0] == pytest.approx(np.max(np.abs(Z.T @ (y - y.mean()))) / len(y),
                                            rel=1e-12)
    assert len(path.lambdas) == 100
    assert path.lambdas[-1] / path.lambdas[0] == pytest.approx(1e-4, rel=1e-12)
    assert np.all(path.coef[0] == 0) and path.intercept[0] == pytest.approx(y.mean())
    np.testing.assert_allclose(path.lambdas[:len(lam)], lam, rtol=1e-10)
    assert_close_rows(path.coef[:len(lam)], coef, path.intercept[:len(lam)], b0)
    short = sparsemi.lasso_path(ds, n_lambdas=5, lambda_min_ratio=0.1)
    np.testing.assert_allclose(short.lambdas, path.lambdas[0] * np.logspace(0, -1, 5),
                               rtol=1e-12)


def test_kkt_positive_and_elastic_net(ds):
    X, y = ds.X, ds.y
    path = sparsemi.lasso_path(ds, positive=True, **EXACT)
    assert kkt_violation(X, y, path, 1.0, positive=True) <= 1e-7
    factors = [1, 0.5, 1, 2, 1, 1, 1, 0, 1, 1]
    path = sparsemi.lasso_path(ds, alpha=0.5, penalty_factors=factors, n_lambdas=40, **EXACT)
    assert path.alpha == 0.5
    assert kkt_violation(X, y, path, 0.5, factors) <= 1e-7
    assert np.all(path.coef[:, 7] != 0)   # an unpenalised feature is always in


def test_bad_options_raise_the_librarys_message(ds):
    with pytest.raises(sparsemi.Error, match='mixing parameter'):
        sparsemi.lasso_path(ds, alpha=0)
    with pytest.raises(sparsemi.Error, match='decrease strictly'):
        sparsemi.lasso_path(ds, lambdas=[1.0, 2.0])
    with pytest.raises(sparsemi.Error, match='min_ratio'):
        sparsemi.lasso_path(ds, lambda_min_ratio=1.5)
    with pytest.raises(sparsemi.Error) as err:
        sparsemi.lasso_path(ds, penalty_factors=[1.0, 2.0])
    assert err.value.status == sparsemi.SMI_EINVAL and 'penalty' in str(err.value)
    with pytest.raises(sparsemi.Error) as err:
        sparsemi.lasso_path(ds, penalty_factors={'nonesuch': 2.0})
    assert err.value.status == sparsemi.SMI_ENOTFOUND
    with pytest.raises(sparsemi.Error, match='tolerance'):
        sparsemi.lasso_path(ds, tol=0)


# -- cross-validation ------------------------------------------------------------------------

def test_cv_matches_glmnet(ds, ref):
    lmin, l1se, cvm, cvsd = ref[1]['diabetes']
    # As make_glmnet_ref.R: foldid row i in fold i mod 10, unshuffled.
    cv = sparsemi.lasso_cv(ds, folds=10, fold_seed='none', **EXACT)
    assert isinstance(cv, sparsemi.LassoCV) and isinstance(cv, sparsemi.LassoPath)
    assert ds.n_folds == 0   # the folds are the run's, the data set has none
    np.testing.assert_array_equal(cv.folds, np.arange(ds.n) % 10)
    L = len(cvm)
    np.testing.assert_allclose(cv.cv_mean[:L], cvm, rtol=1e-6)
    np.testing.assert_allclose(cv.cv_se[:L], cvsd, rtol=1e-6)
    assert cv.lambda_min == pytest.approx(lmin, rel=1e-10)
    assert cv.lambda_1se == pytest.approx(l1se, rel=1e-10)
    assert cv.lambda_min == cv.lambdas[cv.index_min]
    assert cv.lambda_1se == cv.lambdas[cv.index_1se]
    np.testing.assert_array_equal(cv.coef_min, cv.coef[cv.index_min])
    np.testing.assert_array_equal(cv.coef_1se, cv.coef[cv.index_1se])
    assert cv.intercept_1se == cv.intercept[cv.index_1se]
    # The CV choices as defined, from the curve.
    best = np.min(cv.cv_mean)
    assert cv.index_min == np.flatnonzero(cv.cv_mean == best)[0]
    assert cv.index_1se == np.flatnonzero(cv.cv_mean <= best + cv.cv_se[cv.index_min])[0]


def test_cv_folds_conventions(ds):
    ids = np.arange(ds.n) % 10
    by_ids = sparsemi.lasso_cv(ds, folds=ids, n_lambdas=30)
    by_k = sparsemi.lasso_cv(ds, folds=10, fold_seed='none', n_lambdas=30, threads=2)
    np.testing.assert_array_equal(by_ids.cv_mean, by_k.cv_mean)
    np.testing.assert_array_equal(by_ids.folds, ids)
    # No folds given (and no fold column): 10 folds shuffled with seed 0, the library's
    # and `sparsemi lasso --cv`'s default; folds=K alone shuffles with seed 0 too.
    seed0 = fold_reference.kfold(ds.n, 10, seed=0)
    default = sparsemi.lasso_cv(ds, n_lambdas=30)
    np.testing.assert_array_equal(default.folds, seed0)
    np.testing.assert_array_equal(
        default.cv_mean, sparsemi.lasso_cv(ds, folds=seed0 + 100, n_lambdas=30).cv_mean)
    for same in (sparsemi.lasso_cv(ds, folds=10, n_lambdas=30),
                 sparsemi.lasso_cv(ds, folds=10, fold_seed=0, n_lambdas=30)):
        np.testing.assert_array_equal(same.folds, seed0)
        np.testing.assert_array_equal(same.cv_mean, default.cv_mean)
    shuffled = sparsemi.lasso_cv(ds, folds=5, fold_seed=1, n_lambdas=30)
    np.testing.assert_array_equal(shuffled.folds, fold_reference.kfold(ds.n, 5, seed=1))
    np.testing.assert_array_equal(
        shuffled.cv_mean,
        sparsemi.lasso_cv(ds, folds=fold_reference.kfold(ds.n, 5, seed=1),
                          n_lambdas=30).cv_mean)
    assert np.bincount(shuffled.folds).tolist() == np.bincount(np.arange(ds.n) % 5).tolist()
    assert not np.array_equal(shuffled.folds, np.arange(ds.n) % 5)
    with pytest.raises(ValueError):
        sparsemi.lasso_cv(ds, folds=ids, fold_seed=1)
    with pytest.raises(sparsemi.Error, match='%d folds for %d samples' % (ds.n + 1, ds.n)):
        sparsemi.lasso_cv(ds, folds=ds.n + 1, n_lambdas=5)
    assert ds.n_folds == 0 and ds.folds is None   # every call left the data set as it was


# -- supports and their rank -----------------------------------------------------------------

def lstsq_bic(X, y, subset):
    """(BIC, coefficients, intercept) of the least-squares fit with intercept, by numpy."""
    A = np.column_stack([np.ones(len(y)), X[:, list(subset)]])
    beta, *_ = np.linalg.lstsq(A, y, rcond=None)
    rss = float(np.sum((y - A @ beta) ** 2))
    n = len(y)
    return n * math.log(rss / n) + (len(subset) + 1) * math.log(n), beta[1:], beta[0]


def check_supports(supports, best, X, y, names, expected):
    assert [s.indices for s in supports] == expected
    for s in supports:
        bic, coef, b0 = lstsq_bic(X, y, s.indices)
        assert not s.singular and s.size == len(s.indices)
        assert s.features == tuple(names[j] for j in s.indices)
        assert s.criterion == pytest.approx(bic, rel=1e-9)
        np.testing.assert_allclose([s.coefficients[f] for f in s.features], coef, rtol=1e-9,
                                   atol=1e-9 * np.max(np.abs(coef)))
        assert s.intercept == pytest.approx(b0, rel=1e-9, abs=1e-9 * abs(y.mean()))
    assert best == supports[int(np.argmin([s.criterion for s in supports]))]


def first_appearances(patterns):
    out = []
    for pattern in patterns:
        if pattern and pattern not in out:
            out.append(pattern)
    return out


def test_lasso_supports_are_least_squares_refits(ds):
    X, y, names = ds.X, ds.y, ds.names
    path = sparsemi.lasso_path(ds, n_lambdas=60)
    supports = path.supports()   # criterion 'bic'
    expected = first_appearances([tuple(np.flatnonzero(w)) for w in path.coef])
    check_supports(supports, path.best_support(), X, y, names, expected)
    for s in supports:   # each support's penalty: the first lambda with that support
        first = next(l for l, w in enumerate(path.coef) if tuple(np.flatnonzero(w)) == s.indices)
        assert s.penalty == path.lambdas[first]


def test_lars_ols_hybrid(ds):
    X, y, names = ds.X, ds.y, ds.names
    path = sparsemi.lars_path(ds)
    index = {name: j for j, name in enumerate(names)}
    # The support of the segment from knot t-1 to knot t: the features active at either end.
    segments = [tuple(sorted(index[f] for f in set(path.active[t - 1]) | set(path.active[t])))
                for t in range(1, len(path.alphas))]
    supports = path.supports(criterion='bic')
    check_supports(supports, path.best_support(criterion='bic'), X, y, names,
                   first_appearances(segments))
    aic = path.supports(criterion='aic')
    n = len(y)
    for s, a in zip(supports, aic):
        assert a.criterion == pytest.approx(s.criterion - (s.size + 1) * (math.log(n) - 2),
                                            rel=1e-9)


def test_rank_on_the_dos_matches_brute_force(ds):
    X, y = ds.X[:, :8], ds.y
    names = ds.names[:8]
    with sparsemi.Dataset(X, y, names=names, target='progression') as small:
        every = [c for k in range(1, 9) for c in itertools.combinations(range(8), k)]
        bics = np.array([lstsq_bic(X, y, c)[0] for c in every])
        full = sparsemi.exhaustive_search(small, criterion='bic', top=len(every))
        kept = sparsemi.exhaustive_search(small, criterion='bic', top=5)
        assert full.n_models == len(every)
        for path in (sparsemi.lasso_cv(small, folds=10), sparsemi.lars_path(small)):
            placed = path.on_dos(full)
            assert [r.support for r in placed] == path.supports()
            for r, bounded in zip(placed, path.on_dos(kept)):
                value = r.support.criterion
                want = 1 + int(np.sum(bics < value - 1e-9 * abs(value)))
                assert r.rank == want and r.rank_lo == r.rank_hi == want
                assert r.percentile == pytest.approx(100 * want / len(every), rel=1e-12)
                assert bounded.rank_lo <= want <= bounded.rank_hi
        best = full.models[0]
        assert full.rank(best.criterion) == (1.0, 1, 1, 100 / len(every))
        assert full.rank(np.max(bics) + 1).rank == len(every) + 1
        with pytest.raises(sparsemi.Error, match='criterion'):
            path.on_dos(full, criterion='aic')
        with pytest.raises(sparsemi.Error):
            full.rank(float('nan'))


def test_cv_criterion_supports_use_the_folds(ds):
    path = sparsemi.lasso_path(ds, n_lambdas=20)
    s = path.supports(criterion='cv', folds=5)[0]
    assert s.criterion == pytest.approx(
        sparsemi.score_subset(ds, s.features, criterion='cv', folds=5), rel=1e-12)
    assert s.criterion == pytest.approx(
        sparsemi.score_subset(ds, s.features, criterion='cv',
                              folds=fold_reference.kfold(ds.n, 5, seed=0)), rel=1e-12)
    unshuffled = path.supports(criterion='cv', folds=5, fold_seed='none')[0]
    assert unshuffled.criterion == pytest.approx(
        sparsemi.score_subset(ds, s.features, criterion='cv', folds=np.arange(ds.n) % 5),
        rel=1e-12)
    assert unshuffled.criterion != s.criterion
    assert ds.n_folds == 0


def test_closed_path(ds):
    path = sparsemi.lasso_path(ds, n_lambdas=10)
    with path:
        pass
    assert path.coef.shape == (10, ds.p)   # copied out: still readable
    with pytest.raises(ValueError, match='closed'):
        path.supports()
    with pytest.raises(TypeError):
        sparsemi.LassoPath()
