"""sparsemi.exhaustive_search and score_subset against independent references: every
subset fitted by numpy.linalg.lstsq in the test, the published octet results, and the
sparsemi CLI's JSON."""

import gc
import itertools
import json
import math
import os
import signal
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

import sparsemi
import fold_reference

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OCTET = os.path.join(ROOT, 'examples', 'data', 'octet_binaries.csv')
PRIMARIES = ['r_s_A', 'r_p_A', 'r_d_A', 'EA_A', 'IP_A', 'r_s_B', 'r_p_B', 'r_d_B', 'EA_B',
             'IP_B']
N, P = 30, 6
RTOL = 1e-9


def random_problem(n=N, p=P, seed=7):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) * rng.uniform(0.5, 20.0, size=p) + rng.normal(size=p) * 5
    y = X[:, : min(3, p)] @ rng.normal(size=min(3, p)) + rng.normal(size=n) * 2.0 + 3.0
    return X, y


@pytest.fixture
def problem():
    X, y = random_problem()
    with sparsemi.Dataset(X, y, names=['f%d' % j for j in range(P)], target='t') as ds:
        yield X, y, ds


@pytest.fixture(scope='module')
def octet():
    with sparsemi.Dataset.from_csv(OCTET, target='dE_RS_ZB', features=PRIMARIES) as ds:
        yield ds


def raises(status, func, *args, **kwargs):
    with pytest.raises(sparsemi.Error) as info:
        func(*args, **kwargs)
    assert info.value.status == status, (info.value.status, str(info.value))
    assert str(info.value)
    return info.value


# -- independent references --------------------------------------------------------------

def subsets(p, min_size=1, max_size=None, keep=()):
    max_size = p if max_size is None else max_size
    free = [j for j in range(p) if j not in keep]
    for k in range(max(min_size, len(keep)), max_size + 1):
        for rest in itertools.combinations(free, k - len(keep)):
            yield tuple(sorted(tuple(keep) + rest))


def ols(X, y, subset, intercept=True):
    """(coefficients, intercept, RSS) of the least-squares fit of y on [1, X_S]."""
    A = X[:, list(subset)]
    if intercept:
        A = np.column_stack([np.ones(len(y)), A])
    w = np.linalg.lstsq(A, y, rcond=None)[0]
    rss = float(np.sum((y - A @ w) ** 2))
    return (w[1:], w[0], rss) if intercept else (w, None, rss)


def cv_mse(X, y, subset, folds):
    err = 0.0
    for f in np.unique(folds):
        train, test = folds != f, folds == f
        A = np.column_stack([np.ones(train.sum()), X[train][:, list(subset)]])
        w = np.linalg.lstsq(A, y[train], rcond=None)[0]
        B = np.column_stack([np.ones(test.sum()), X[test][:, list(subset)]])
        err += float(np.sum((y[test] - B @ w) ** 2))
    return err / len(y)


def free_energy(X, y, subset, alpha, beta):
    """DESIGN.md 4.2 on centred, standardised X (sd with divisor n) and centred y."""
    n, k = len(y), len(subset)
    XS = X[:, list(subset)]
    Z = (XS - XS.mean(axis=0)) / XS.std(axis=0)
    t = y - y.mean()
    A = alpha * np.eye(k) + beta * Z.T @ Z
    b = Z.T @ t
    return (n / 2 * math.log(2 * math.pi) - n / 2 * math.log(beta) - k / 2 * math.log(alpha)
            + 0.5 * np.linalg.slogdet(A)[1]
            + beta / 2 * (t @ t - beta * b @ np.linalg.solve(A, b)))


def reference(X, y, criterion, subset, folds=None, alpha=1.0, beta=None):
    """The criterion by numpy; fe's defaults are the library's: alpha 1, beta 1 / var(y)."""
    n = len(y)
    if beta is None:
        beta = 1.0 / np.var(y)
    k = len(subset)
    if criterion == 'cv':
        return cv_mse(X, y, subset, folds)
    if criterion == 'loo':
        return cv_mse(X, y, subset, np.arange(n))
    if criterion == 'fe':
        return free_energy(X, y, subset, alpha, beta)
    rss = ols(X, y, subset)[2]
    return {'rss': rss,
            'aic': n * math.log(rss / n) + 2 * (k + 1),
            'bic': n * math.log(rss / n) + (k + 1) * math.log(n)}[criterion]


def close(a, b, rtol=RTOL):
    return abs(a - b) <= rtol * max(abs(a), abs(b), 1.0)


def check_against_reference(res, X, y, criterion, scores, fit_coefficients=True):
    """res: a search with top >= every subset; scores: subset -> reference criterion."""
    assert res.criterion == criterion
    assert res.n_models == len(scores) and res.n_singular == 0
    assert len(res.models) == len(scores)
    # Ranking: by criterion, ties by lexicographic subset order.
    order = sorted(scores, key=lambda s: (scores[s], s))
    assert [m.indices for m in res.models] == order
    names = res.features
    for rank, m in enumerate(res.models, 1):
        assert m.rank == rank and m.size == len(m.indices)
        assert m.features == tuple(names[j] for j in m.indices)
        assert close(m.criterion, scores[m.indices]), (m, scores[m.indices])
        coef, icpt, rss = ols(X, y, m.indices)
        assert math.isclose(m.rmse, math.sqrt(rss / len(y)), rel_tol=RTOL)
        if fit_coefficients:
            assert list(m.coefficients) == list(m.features)
            np.testing.assert_allclose(list(m.coefficients.values()), coef, rtol=RTOL,
                                       atol=RTOL * np.abs(coef).max())
            assert math.isclose(m.intercept, icpt, rel_tol=RTOL, abs_tol=RTOL)
    # Best of each size.
    sizes = sorted({len(s) for s in scores})
    assert sorted(res.best_by_size) == sizes
    for k in sizes:
        best = min((s for s in scores if len(s) == k), key=lambda s: (scores[s], s))
        m = res.best_by_size[k]
        assert m.rank is None and m.size == k and m.indices == best
        assert close(m.criterion, scores[best])
    # DOS: every score inside its bin, the counts exact.
    dos = res.dos
    assert dos.edges.dtype == np.float64 and dos.counts.dtype == np.uint64
    assert dos.edges.shape == (dos.counts.size + 1,) and np.all(np.diff(dos.edges) > 0)
    assert int(dos.counts.sum()) + dos.below + dos.above == res.n_models
    values = np.array(list(scores.values()))
    expected = np.zeros(dos.counts.size, dtype=np.int64)
    inside = (values >= dos.edges[0]) & (values < dos.edges[-1])
    np.add.at(expected, np.searchsorted(dos.edges, values[inside], side='right') - 1, 1)
    np.testing.assert_array_equal(dos.counts, expected)
    assert dos.below == int(np.sum(values < dos.edges[0]))
    assert dos.above == int(np.sum(values >= dos.edges[-1]))


# -- every subset against lstsq ----------------------------------------------------------

@pytest.mark.parametrize('criterion', ['rss', 'aic', 'bic'])
def test_every_subset_against_lstsq(problem, criterion):
    X, y, ds = problem
    scores = {s: reference(X, y, criterion, s) for s in subsets(P)}
    with sparsemi.exhaustive_search(ds, criterion=criterion, top=2**P - 1) as res:
        check_against_reference(res, X, y, criterion, scores)
        # The weight diagram holds the same coefficients, in the order of `models`.
        W = res.weight_diagram()
        assert W.shape == (2**P - 1, P) and W.dtype == np.float64
        for row, m in zip(W, res.models):
            expected = np.zeros(P)
            expected[list(m.indices)] = list(m.coefficients.values())
            np.testing.assert_array_equal(row, expected)
        # Feature frequency among the top models: here every subset.
        for j, name in enumerate(res.features):
            share = sum(j in s for s in scores) / len(scores)
            assert math.isclose(res.feature_frequency[name], share, rel_tol=1e-12)


def test_free_energy_against_reference(problem):
    X, y, ds = problem
    for alpha, beta in [(None, None), (0.5, 2.0)]:
        a = 1.0 if alpha is None else alpha            # the library's defaults
        b = 1.0 / np.var(y) if beta is None else beta
        scores = {s: reference(X, y, 'fe', s, alpha=a, beta=b) for s in subsets(P)}
        with sparsemi.exhaustive_search(ds, criterion='fe', alpha=alpha, beta=beta,
                                        top=2**P - 1) as res:
            check_against_reference(res, X, y, 'fe', scores)
            assert json.loads(res.to_json())['alpha'] == a


def test_cv_against_reference(problem):
    X, y, ds = problem
    before = ds.X
    # Unshuffled K folds: sample i in fold i % K.
    folds = np.arange(N) % 5
    scores = {s: reference(X, y, 'cv', s, folds=folds) for s in subsets(P)}
    with sparsemi.exhaustive_search(ds, criterion='cv', folds=5, fold_seed='none',
                                    top=2**P - 1) as res:
        check_against_reference(res, X, y, 'cv', scores)
        assert json.loads(res.to_json())['folds'] == {'k': 5, 'seed': None, 'column': None}
    # Seeded folds: the assignment of doc/api.md from that seed (fold_reference.py).
    folds = fold_reference.kfold(N, 4, seed=11)
    scores = {s: reference(X, y, 'cv', s, folds=folds) for s in subsets(P)}
    with sparsemi.exhaustive_search(ds, criterion='cv', folds=4, fold_seed=11,
                                    top=2**P - 1) as res:
        check_against_reference(res, X, y, 'cv', scores)
        assert json.loads(res.to_json())['folds'] == {'k': 4, 'seed': 11, 'column': None}
    # K folds without a seed: shuffled with seed 0, as `sparsemi es --folds K`.
    folds = fold_reference.kfold(N, 4, seed=0)
    scores = {s: reference(X, y, 'cv', s, folds=folds) for s in subsets(P)}
    with sparsemi.exhaustive_search(ds, criterion='cv', folds=4, top=2**P - 1) as res:
        check_against_reference(res, X, y, 'cv', scores)
        assert json.loads(res.to_json())['folds'] == {'k': 4, 'seed': 0, 'column': None}
    # Given fold ids.
    ids = np.random.default_rng(3).integers(10, 13, size=N)
    scores = {s: reference(X, y, 'cv', s, folds=ids) for s in subsets(P)}
    with sparsemi.exhaustive_search(ds, criterion='cv', folds=ids, top=2**P - 1) as res:
        check_against_reference(res, X, y, 'cv', scores)
        assert json.loads(res.to_json())['folds'] == {'k': 3, 'seed': None, 'column': None}
    # No folds given, none in the data: 10 folds shuffled with seed 0, as `sparsemi es
    # --criterion cv`; the calls before left nothing behind in the data set.
    folds = fold_reference.kfold(N, 10, seed=0)
    scores = {s: reference(X, y, 'cv', s, folds=folds) for s in subsets(P)}
    with sparsemi.exhaustive_search(ds, criterion='cv', top=2**P - 1) as res:
        check_against_reference(res, X, y, 'cv', scores)
        assert json.loads(res.to_json())['folds'] == {'k': 10, 'seed': 0, 'column': None}
    assert ds.n_folds == 0 and ds.folds is None
    np.testing.assert_array_equal(ds.X, before)


def test_loo_against_reference(problem):
    X, y, ds = problem
    scores = {s: reference(X, y, 'loo', s) for s in subsets(P)}
    with sparsemi.exhaustive_search(ds, criterion='loo', top=2**P - 1) as res:
        check_against_reference(res, X, y, 'loo', scores)


@pytest.mark.parametrize('criterion', ['rss', 'aic', 'bic', 'fe', 'cv', 'loo'])
def test_score_subset(problem, criterion):
    X, y, ds = problem
    folds = np.arange(N) % 3
    for s in [(0,), (2, 5), (0, 1, 3, 4)]:
        names = [ds.names[j] for j in s]
        kwargs = {'folds': 3, 'fold_seed': 'none'} if criterion == 'cv' else {}
        if criterion == 'cv' and s == (0,):
            kwargs = {'folds': np.arange(N) % 3 + 5}   # given fold ids
        value = sparsemi.score_subset(ds, names, criterion=criterion, **kwargs)
        assert close(value, reference(X, y, criterion, s, folds=folds)), (s, value)
        again = sparsemi.score_subset(ds, list(s)[::-1], criterion=criterion, **kwargs)
        assert close(again, value, rtol=1e-12)   # any order


def test_size_range_and_forced_features(problem):
    X, y, ds = problem
    scores = {s: reference(X, y, 'bic', s) for s in subsets(P, 2, 4, keep=(1, 4))}
    with sparsemi.exhaustive_search(ds, min_size=2, max_size=4, keep=['f4', 1],
                                    top=len(scores)) as res:
        check_against_reference(res, X, y, 'bic', scores)
        assert all({1, 4} <= set(m.indices) for m in res.models)
        assert res.max_size == 4 and res.min_size == 2
        assert res.feature_frequency['f1'] == res.feature_frequency['f4'] == 1.0
        assert json.loads(res.to_json())['keep'] == ['f4', 'f1']
    # Top M of them, and the empty model when min_size is 0.
    with sparsemi.exhaustive_search(ds, min_size=0, max_size=2, top=5) as res:
        scores = {s: reference(X, y, 'bic', s) for s in subsets(P, 1, 2)}
        scores[()] = N * math.log(np.sum((y - y.mean()) ** 2) / N) + math.log(N)
        assert res.n_models == len(scores)
        order = sorted(scores, key=lambda s: (scores[s], s))[:5]
        assert [m.indices for m in res.models] == order
        assert 0 in res.best_by_size and close(res.best_by_size[0].criterion, scores[()])
        assert res.weight_diagram().shape == (5, P)


def test_no_intercept(problem):
    X, y, ds = problem
    scores = {}
    for s in subsets(P):
        rss = ols(X, y, s, intercept=False)[2]
        scores[s] = N * math.log(rss / N) + len(s) * math.log(N)
    with sparsemi.exhaustive_search(ds, intercept=False, top=2**P - 1) as res:
        assert [m.indices for m in res.models] == sorted(scores, key=lambda s: (scores[s], s))
        for m in res.models:
            assert m.intercept is None and close(m.criterion, scores[m.indices])
            coef = ols(X, y, m.indices, intercept=False)[0]
            np.testing.assert_allclose(list(m.coefficients.values()), coef, rtol=RTOL)
        assert all(m['intercept'] is None for m in json.loads(res.to_json())['models'])


def test_given_bin_edges(problem):
    X, y, ds = problem
    scores = {s: reference(X, y, 'rss', s) for s in subsets(P)}
    values = sorted(scores.values())
    edges = np.linspace(values[5] + 1e-6, values[-5] + 1e-6, 8)   # some below, some above
    with sparsemi.exhaustive_search(ds, criterion='rss', bin_edges=edges,
                                    top=2**P - 1) as res:
        np.testing.assert_array_equal(res.dos.edges, edges)
        assert res.dos.below == 6 and res.dos.above == 4
        check_against_reference(res, X, y, 'rss', scores)
    with sparsemi.exhaustive_search(ds, bins=16) as res:
        assert res.dos.counts.size <= 16
        assert int(res.dos.counts.sum()) == res.n_models


def test_nonfinite_criteria_are_counted_apart():
    """fe with beta = 1e306: the squares in the sweep overflow, every criterion is infinite
    or NaN; those subsets are counted apart, never ranked nor binned (issue 12)."""
    X, y = random_problem(p=4)
    with sparsemi.Dataset(X, y / np.std(y)) as ds:
        with sparsemi.exhaustive_search(ds, criterion='fe', alpha=1.0, beta=1e306) as res:
            assert res.n_models + res.n_singular + res.n_nonfinite == 15
            assert res.n_nonfinite > 0
            assert all(math.isfinite(m.criterion) for m in res.models)
            assert np.all(np.isfinite(res.dos.edges))
            assert res.as_dict()['n_nonfinite'] == res.n_nonfinite


def test_target_near_1e200_shifts_bic():
    """y scaled by 1e200: BIC shifts by 2 n ln 1e200, the ranking is the same (issue 12)."""
    X, y = random_problem(p=4)
    with sparsemi.Dataset(X, y) as ds, sparsemi.Dataset(X, y * 1e200) as big:
        with sparsemi.exhaustive_search(ds, top=15) as a, \
                sparsemi.exhaustive_search(big, top=15) as b:
            assert b.n_nonfinite == 0 and b.n_models == a.n_models
            shift = 2 * len(y) * math.log(1e200)
            for ma, mb in zip(a.models, b.models):
                assert ma.features == mb.features
                assert abs((mb.criterion - shift) - ma.criterion) <= 1e-9 * shift


def test_singular_subsets_are_counted():
    X, y = random_problem(p=4)
    X = np.column_stack([X, X[:, 0] + X[:, 1]])   # x4 = x0 + x1
    with sparsemi.Dataset(X, y) as ds:
        with sparsemi.exhaustive_search(ds, top=31) as res:
            singular = [s for s in subsets(5) if {0, 1, 4} <= set(s)]
            assert res.n_singular == len(singular)
            assert res.n_models == 31 - len(singular) == len(res.models)
            assert all(math.isfinite(m.criterion) for m in res.models)
            assert not any({0, 1, 4} <= set(m.indices) for m in res.models)
        raises(sparsemi.SMI_ESINGULAR, sparsemi.score_subset, ds, [0, 1, 4])
        raises(sparsemi.SMI_ESINGULAR, sparsemi.exhaustive_search, ds, keep=[0, 1, 4])


# -- the octet data ------------------------------------------------------------------------

def test_octet_published_rmse(octet):
    # Ghiringhelli et al. 2015, NOMAD tutorial: best subsets over the 10 primaries.
    with sparsemi.exhaustive_search(octet, criterion='rss', max_size=3) as res:
        assert res.n_models == 10 + 45 + 120
        best = res.best_by_size
        assert [round(best[k].rmse, 5) for k in (1, 2, 3)] == [0.31334, 0.29494, 0.28015]
        assert best[1].features == ('r_p_A',)
        assert set(best[2].features) == {'r_p_A', 'r_d_B'}
        assert set(best[3].features) == {'r_s_B', 'r_p_A', 'r_p_B'}
        for k in (1, 2, 3):
            assert math.isclose(best[k].criterion, 82 * best[k].rmse ** 2, rel_tol=1e-12)
    with sparsemi.exhaustive_search(octet, criterion='rss', min_size=10) as res:
        assert res.n_models == 1 and round(res.models[0].rmse, 5) == 0.24886


def comparable(res):
    data = json.loads(res.to_json())
    del data['elapsed_s'], data['threads']
    return data


@pytest.mark.parametrize('criterion', ['bic', 'fe', 'cv'])
def test_threads_identical(octet, criterion):
    kwargs = {'folds': 10, 'fold_seed': 1} if criterion == 'cv' else {}
    runs = [sparsemi.exhaustive_search(octet, criterion=criterion, threads=t, top=200, **kwargs)
            for t in (1, 2, 7)]
    first = comparable(runs[0])
    for res in runs[1:]:
        assert comparable(res) == first
        np.testing.assert_array_equal(res.weight_diagram(), runs[0].weight_diagram())
        np.testing.assert_array_equal(res.dos.counts, runs[0].dos.counts)
    assert runs[0].n_models == 2**10 - 1
    for res in runs:
        res.close()


# -- progress, cancel, Ctrl-C --------------------------------------------------------------

@pytest.fixture
def sigint_default():
    """Python's own SIGINT handler for the test, whatever the test runner set."""
    saved = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, saved)


def large(p=25, seed=2):
    X, y = random_problem(n=40, p=p, seed=seed)
    return sparsemi.Dataset(X, y)


def test_progress_reports_fractions(octet):
    seen = []
    with sparsemi.exhaustive_search(octet, progress=seen.append) as res:
        assert res.n_models == 2**10 - 1
    assert seen and seen[-1] == 1.0
    assert all(0.0 <= f <= 1.0 for f in seen) and seen == sorted(seen)


@pytest.mark.parametrize('exc_type', [KeyboardInterrupt, ValueError])
def test_progress_exception_cancels(sigint_default, exc_type):
    calls = []

    def progress(fraction):
        calls.append(fraction)
        if len(calls) == 3:
            raise exc_type('stop here')

    with large() as ds:
        before = sys.getrefcount(progress)
        start = time.perf_counter()
        with pytest.raises(exc_type, match='stop here') as info:
            sparsemi.exhaustive_search(ds, progress=progress)
        assert time.perf_counter() - start < 5.0
        assert len(calls) == 3 and calls[-1] < 0.5   # canceled, not run to the end
        # The traceback reaches into the callback that raised.
        assert any(tb.tb_frame.f_code is progress.__code__
                   for tb in iter_tb(info.value.__traceback__))
        del info
        gc.collect()
        assert sys.getrefcount(progress) == before   # nothing holds the callable
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
        # The data set is intact and the next search runs.
        with sparsemi.exhaustive_search(ds, max_size=2) as res:
            assert res.n_models == 25 + 300


def iter_tb(tb):
    while tb is not None:
        yield tb
        tb = tb.tb_next


def test_sigint_in_callback_cancels(sigint_default):
    # SIGINT while the search runs is seen at the next callback, which cancels.
    def progress(fraction):
        os.kill(os.getpid(), signal.SIGINT)

    with large() as ds:
        start = time.perf_counter()
        with pytest.raises(KeyboardInterrupt):
            sparsemi.exhaustive_search(ds, progress=progress)
        assert time.perf_counter() - start < 5.0
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_ctrl_c_without_progress(sigint_default):
    with large(p=26) as ds:
        sparsemi.exhaustive_search(ds, max_size=1).close()   # warm up
        timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
        start = time.perf_counter()
        timer.start()
        try:
            with pytest.raises(KeyboardInterrupt):
                sparsemi.exhaustive_search(ds)   # about 2 s uninterrupted at -O2
        finally:
            timer.join()
        assert time.perf_counter() - start < 1.5


def test_progress_must_be_callable(octet):
    with pytest.raises(TypeError):
        sparsemi.exhaustive_search(octet, progress=3)


# -- bad input ---------------------------------------------------------------------------

def test_errors(problem):
    X, y, ds = problem
    err = raises(sparsemi.SMI_ENOTFOUND, sparsemi.exhaustive_search, ds, criterion='aicc')
    assert 'aicc' in str(err)
    raises(sparsemi.SMI_EINVAL, sparsemi.exhaustive_search, ds, max_size=P + 1)
    raises(sparsemi.SMI_EINVAL, sparsemi.exhaustive_search, ds, min_size=4, max_size=3)
    raises(sparsemi.SMI_EINVAL, sparsemi.exhaustive_search, ds, max_size=0)
    raises(sparsemi.SMI_EINVAL, sparsemi.exhaustive_search, ds, min_size=-1)
    raises(sparsemi.SMI_EINVAL, sparsemi.exhaustive_search, ds, top=0)
    raises(sparsemi.SMI_EINVAL, sparsemi.exhaustive_search, ds, bins=1)
    raises(sparsemi.SMI_EINVAL, sparsemi.exhaustive_search, ds, bin_edges=[1.0, 0.0])
    raises(sparsemi.SMI_EINVAL, sparsemi.exhaustive_search, ds, criterion='bic', alpha=1.0)
    raises(sparsemi.SMI_EINVAL, sparsemi.exhaustive_search, ds, criterion='fe', alpha=-1.0)
    raises(sparsemi.SMI_EINVAL, sparsemi.exhaustive_search, ds, keep=[P])
    raises(sparsemi.SMI_ENOTFOUND, sparsemi.exhaustive_search, ds, keep=['nope'])
    raises(sparsemi.SMI_EINVAL, sparsemi.exhaustive_search, ds, criterion='cv', folds=1)
    raises(sparsemi.SMI_ENOTFOUND, sparsemi.score_subset, ds, [0], criterion='xyz')
    raises(sparsemi.SMI_EINVAL, sparsemi.score_subset, ds, [P])
    with pytest.raises(TypeError):
        sparsemi.exhaustive_search(ds, top=2.5)
    with pytest.raises(ValueError):
        sparsemi.exhaustive_search(ds, fold_seed=3)
    assert ds.n_folds == 0


def test_lifetime(octet):
    res = sparsemi.exhaustive_search(octet, max_size=2)
    models = res.models
    assert 'n_models=55' in repr(res)
    with res:
        pass
    assert 'closed' in repr(res)
    assert res.models is models            # read before close: still there
    with pytest.raises(ValueError):
        res.weight_diagram()
    with pytest.raises(ValueError):
        res.dos
    res.close()                            # idempotent
    with pytest.raises(TypeError):
        sparsemi.SearchResult()


# -- JSON ----------------------------------------------------------------------------------

def test_to_json_matches_fields(octet):
    with sparsemi.exhaustive_search(octet, criterion='aic', max_size=4, top=20,
                                    threads=1) as res:
        data = json.loads(res.to_json())
        assert data['command'] == 'es' and data['criterion'] == 'aic'
        assert data['version'] == sparsemi.__version__
        assert data['n_samples'] == 82 and data['n_features'] == 10
        assert data['features'] == PRIMARIES == res.features
        assert data['target'] == 'dE_RS_ZB' and data['fit_intercept'] is True
        assert (data['min_size'], data['max_size']) == (1, 4)
        assert data['alpha'] is None and data['beta'] is None
        assert data['folds'] is None and data['shard'] is None
        assert data['n_models'] == res.n_models and data['n_singular'] == res.n_singular
        assert len(data['models']) == len(res.models) == 20
        for d, m in zip(data['models'], res.models):
            assert d == {'rank': m.rank, 'size': m.size, 'features': list(m.features),
                         'criterion': m.criterion, 'rmse': m.rmse, 'intercept': m.intercept,
                         'coefficients': m.coefficients}
        assert [d['size'] for d in data['best_by_size']] == list(res.best_by_size)
        for d in data['best_by_size']:
            m = res.best_by_size[d['size']]
            assert 'rank' not in d and d['features'] == list(m.features)
            assert d['criterion'] == m.criterion
        assert data['dos']['edges'] == res.dos.edges.tolist()
        assert data['dos']['counts'] == res.dos.counts.tolist()
        assert (data['dos']['below'], data['dos']['above']) == (res.dos.below, res.dos.above)
        assert data['feature_frequency'] == res.feature_frequency
        assert data['elapsed_s'] >= 0 and data['threads'] == 1


def cli_path():
    lib = os.environ.get('SPARSEMI_LIBRARY')
    if not lib:
        return None
    path = os.path.join(os.path.dirname(os.path.dirname(lib)), 'tools', 'sparsemi', 'sparsemi')
    return path if os.access(path, os.X_OK) else None


@pytest.mark.skipif(cli_path() is None, reason='no sparsemi CLI next to the library')
@pytest.mark.parametrize('args,kwargs', [
    (['--criterion', 'rss', '--max-size', '3'], {'criterion': 'rss', 'max_size': 3}),
    (['--criterion', 'fe', '--alpha', '0.5', '--beta', '2', '--keep', 'IP_B', '--top', '7'],
     {'criterion': 'fe', 'alpha': 0.5, 'beta': 2.0, 'keep': ['IP_B'], 'top': 7}),
    (['--criterion', 'fe', '--max-size', '3'], {'criterion': 'fe', 'max_size': 3}),
    (['--criterion', 'bic', '--min-size', '2', '--bins', '8', '--no-intercept'],
     {'min_size': 2, 'bins': 8, 'intercept': False}),
    (['--criterion', 'cv', '--folds', '5', '--fold-seed', '3', '--max-size', '2'],
     {'criterion': 'cv', 'folds': 5, 'fold_seed': 3, 'max_size': 2}),
    (['--criterion', 'cv', '--folds', '4', '--fold-seed', 'none', '--max-size', '2'],
     {'criterion': 'cv', 'folds': 4, 'fold_seed': 'none', 'max_size': 2}),
    (['--criterion', 'cv', '--folds', '4', '--max-size', '2'],
     {'criterion': 'cv', 'folds': 4, 'max_size': 2}),
    (['--criterion', 'cv', '--max-size', '2'], {'criterion': 'cv', 'max_size': 2}),
    (['--criterion', 'loo', '--max-size', '2'], {'criterion': 'loo', 'max_size': 2}),
])
def test_to_json_equals_cli(octet, tmp_path, args, kwargs):
    out = tmp_path / 'es.json'
    subprocess.run([cli_path(), 'es', OCTET, '--target', 'dE_RS_ZB', '--features',
                    ','.join(PRIMARIES), '--threads', '1', '--quiet', '--json', str(out)]
                   + args, check=True, stdout=subprocess.DEVNULL)
    cli = json.loads(out.read_text())
    with sparsemi.exhaustive_search(octet, **kwargs) as res:
        mine = json.loads(res.to_json())
    assert sorted(mine) == sorted(cli)
    for key in ('file', 'elapsed_s', 'threads'):
        del mine[key], cli[key]
    assert mine == cli


# -- shards, merging, saving, checkpoints --------------------------------------------------

def test_shards_merge_to_the_whole(octet):
    whole = sparsemi.exhaustive_search(octet, criterion='aic', top=40)
    expected = comparable(whole)
    for count in (2, 5):
        parts = [sparsemi.exhaustive_search(octet, criterion='aic', top=40, shard=(i, count))
                 for i in range(count)]
        assert sum(part.n_models for part in parts) == whole.n_models
        assert json.loads(parts[1].to_json())['shard'] == {'count': count, 'indices': [1]}
        with sparsemi.merge_results(parts[::-1]) as merged:
            assert comparable(merged) == expected
            np.testing.assert_array_equal(merged.weight_diagram(), whole.weight_diagram())
        with sparsemi.merge_results(parts[1:3]) as partial:
            shard = {'count': count, 'indices': [1, 2][:count - 1]}
            assert json.loads(partial.to_json())['shard'] == shard
            assert partial.n_models == sum(part.n_models for part in parts[1:3])
        raises(sparsemi.SMI_EINVAL, sparsemi.merge_results, [parts[0], parts[0]])
    other = sparsemi.exhaustive_search(octet, criterion='bic', top=40, shard=(1, 2))
    first = sparsemi.exhaustive_search(octet, criterion='aic', top=40, shard=(0, 2))
    raises(sparsemi.SMI_EINVAL, sparsemi.merge_results, [first, other])
    raises(sparsemi.SMI_EINVAL, sparsemi.merge_results, [])
    raises(sparsemi.SMI_EINVAL, sparsemi.exhaustive_search, octet, shard=(2, 2))


def test_save_and_load(octet, tmp_path):
    path = tmp_path / 'res.smi'
    with sparsemi.exhaustive_search(octet, criterion='bic', max_size=4, top=30) as res:
        res.save(path)
        with sparsemi.load_result(path, octet) as back:
            assert back.models == res.models
            assert back.best_by_size == res.best_by_size
            assert (back.n_models, back.n_singular, back.criterion) == (
                res.n_models, res.n_singular, res.criterion)
            for a, b in zip(back.dos, res.dos):
                np.testing.assert_array_equal(a, b)
            assert back.feature_frequency == res.feature_frequency
            np.testing.assert_array_equal(back.weight_diagram(), res.weight_diagram())
            data, saved = json.loads(back.to_json()), json.loads(res.to_json())
            assert data['min_size'] == 1 and data['models'] == saved['models']
            for key in ('file', 'elapsed_s', 'threads'):
                del data[key], saved[key]
            assert data == saved   # names and settings come from the file itself
        # The file alone is enough: no data set needed for names or settings.
        with sparsemi.load_result(path) as alone:
            assert alone.features == res.features == PRIMARIES
            assert alone.target == 'dE_RS_ZB' and alone.n_samples == 82
            assert alone.config == res.config and alone.data == res.data == octet.id
            assert alone.models == res.models and alone.matches(octet)
    bad = tmp_path / 'bad.smi'
    bad.write_text('not a result\n')
    raises(sparsemi.SMI_EPARSE, sparsemi.load_result, bad, octet)
    raises(sparsemi.SMI_EIO, sparsemi.load_result, tmp_path / 'missing.smi', octet)
    with sparsemi.Dataset(*random_problem()) as small:
        error = raises(sparsemi.SMI_EINVAL, sparsemi.load_result, path, small)
        assert isinstance(error, ValueError) and 'other data' in str(error)
        with sparsemi.load_result(path) as alone:
            assert not alone.matches(small)


def test_checkpoint_resumes(tmp_path, sigint_default):
    path = tmp_path / 'search.ckpt'
    with large(p=20) as ds:
        whole = comparable(sparsemi.exhaustive_search(ds, criterion='aic', top=30))
        calls = []

        def stop_midway(fraction):
            calls.append(fraction)
            if fraction > 0.5:
                if calls[-2] > 0.5:
                    raise KeyboardInterrupt
                time.sleep(0.05)   # let a checkpoint be written

        with pytest.raises(KeyboardInterrupt):
            sparsemi.exhaustive_search(ds, criterion='aic', top=30, progress=stop_midway,
                                       checkpoint=path, checkpoint_interval=0.01)
        assert path.exists()
        seen = []
        with sparsemi.exhaustive_search(ds, criterion='aic', top=30, checkpoint=path,
                                        checkpoint_interval=0.01,
                                        progress=seen.append) as res:
            assert comparable(res) == whole
        assert seen[0] > 0.2   # resumed, not started again
        raises(sparsemi.SMI_EINVAL, sparsemi.exhaustive_search, ds, checkpoint=path,
               checkpoint_interval=0)


# -- the time limit (smi_search_set_max_time) -------------------------------------------------

def test_max_time_refuses_p62_quickly_with_the_estimate():
    X, y = random_problem(n=70, p=62, seed=3)
    with sparsemi.Dataset(X, y) as ds:
        start = time.monotonic()
        err = raises(sparsemi._capi.SMI_ETOOLARGE, sparsemi.exhaustive_search, ds)
        assert time.monotonic() - start < 60
        # 2^62 - 1 subsets, the closed form, in the message with the estimate
        assert 'would take about' in str(err) and '%.4g subsets' % (2.0 ** 62 - 1) in str(err)


def test_max_time_tiny_limit_refuses_and_no_limit_runs(problem):
    X, y, ds = problem
    err = raises(sparsemi._capi.SMI_ETOOLARGE, sparsemi.exhaustive_search, ds, max_time=1e-12)
    assert '%d subsets' % (2 ** P - 1) in str(err)
    for limit in (0, math.inf, 3600.0):
        res = sparsemi.exhaustive_search(ds, max_time=limit)
        assert res is not None
    with pytest.raises(ValueError):
        sparsemi.exhaustive_search(ds, max_time=-1.0)
    with pytest.raises(ValueError):
        sparsemi.exhaustive_search(ds, max_time=float('nan'))
