"""The folds of cross-validation belong to the run, not to the Dataset: every call takes
folds and fold_seed, sets them on its own configuration, and leaves the Dataset as it was.

References: CV errors computed here with numpy.linalg.lstsq on the folds of doc/api.md,
assigned by fold_reference.py (checked below against the published outputs of splitmix64
and xoshiro256**), and sequential runs for the concurrent ones."""

import json
import os
import threading

import numpy as np
import pytest

import sparsemi
import fold_reference

N, P = 30, 6


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


def cv_mse(X, y, subset, folds):
    """K-fold CV mean squared error of the least-squares fit with intercept (numpy)."""
    err = 0.0
    for f in np.unique(folds):
        train, test = folds != f, folds == f
        A = np.column_stack([np.ones(train.sum()), X[train][:, list(subset)]])
        w = np.linalg.lstsq(A, y[train], rcond=None)[0]
        B = np.column_stack([np.ones(test.sum()), X[test][:, list(subset)]])
        err += float(np.sum((y[test] - B @ w) ** 2))
    return err / len(y)


def raises(status, func, *args, **kwargs):
    with pytest.raises(sparsemi.Error) as info:
        func(*args, **kwargs)
    assert info.value.status == status, (info.value.status, str(info.value))
    return info.value


def comparable(res):
    data = json.loads(res.to_json())
    del data['elapsed_s'], data['threads']
    return data


SUBSETS = [(0,), (2, 5), (0, 1, 3, 4)]


def check_scores(X, y, ds, expected, **kwargs):
    for s in SUBSETS:
        value = sparsemi.score_subset(ds, list(s), criterion='cv', **kwargs)
        assert value == pytest.approx(cv_mse(X, y, s, expected), rel=1e-9), (s, kwargs)


# -- the reference assignment --------------------------------------------------------------

def test_reference_generator_matches_the_published_outputs():
    # xoshiro256** from the state {1, 2, 3, 4}, as published with the reference code.
    rng = fold_reference.Xoshiro256StarStar([1, 2, 3, 4])
    assert [rng.next() for _ in range(10)] == [
        11520, 0, 1509978240, 1215971899390074240, 1216172134540287360,
        607988272756665600, 16172922978634559625, 8476171486693032832,
        10595114339597558777, 2904607092377533576]
    # splitmix64 from state 0 (Vigna's splitmix64.c).
    assert fold_reference.splitmix64_outputs(0, 4) == [
        0xe220a8397b1dcdaf, 0x6e789e6aa1b965f4, 0x06c45d188009454f, 0xf88bb8a8724c81ec]


# -- what a call asks for ------------------------------------------------------------------

def test_unshuffled_folds_are_i_mod_k(problem):
    X, y, ds = problem
    check_scores(X, y, ds, np.arange(N) % 3, folds=3, fold_seed='none')


def test_k_folds_are_shuffled_with_seed_0_unless_told(problem):
    """folds=K means K folds shuffled with seed 0, as `sparsemi es --folds K`."""
    X, y, ds = problem
    for k in (3, 5, 10):
        folds = fold_reference.kfold(N, k, seed=0)
        sizes = np.bincount(folds, minlength=k)
        assert sizes.max() - sizes.min() <= 1
        check_scores(X, y, ds, folds, folds=k)
        check_scores(X, y, ds, folds, folds=k, fold_seed=0)
    for seed in (7, 11, 2**64 - 1):
        check_scores(X, y, ds, fold_reference.kfold(N, 5, seed=seed), folds=5, fold_seed=seed)
    assert not np.array_equal(fold_reference.kfold(N, 5, seed=0), np.arange(N) % 5)


def test_default_is_ten_shuffled_folds(problem):
    """folds=None on a data set without a fold column: the library's default, 10 folds
    shuffled with seed 0 (as the CLI)."""
    X, y, ds = problem
    check_scores(X, y, ds, fold_reference.kfold(N, 10, seed=0))
    with sparsemi.exhaustive_search(ds, criterion='cv', max_size=2) as res:
        assert json.loads(res.to_json())['folds'] == {'k': 10, 'seed': 0, 'column': None}
        best = res.models[0]
        assert best.criterion == pytest.approx(
            cv_mse(X, y, best.indices, fold_reference.kfold(N, 10, seed=0)), rel=1e-9)
    # Fewer samples than the default 10 folds: the run says so.
    X8, y8 = random_problem(n=8, p=3)
    with sparsemi.Dataset(X8, y8) as small:
        err = raises(sparsemi.SMI_EINVAL, sparsemi.score_subset, small, [0], criterion='cv')
        assert '10 folds for 8 samples' in str(err)
        value = sparsemi.score_subset(small, [0], criterion='cv', folds=4)
        assert value == pytest.approx(
            cv_mse(X8, y8, (0,), fold_reference.kfold(8, 4, seed=0)), rel=1e-9)


def test_fold_ids_are_ranked(problem):
    X, y, ds = problem
    ids = np.random.default_rng(3).integers(-2, 2, size=N) * 7 + 5
    check_scores(X, y, ds, np.unique(ids, return_inverse=True)[1], folds=ids)
    check_scores(X, y, ds, ids, folds=list(ids))


def test_bad_folds(problem):
    X, y, ds = problem
    raises(sparsemi.SMI_EINVAL, sparsemi.score_subset, ds, [0], criterion='cv', folds=1)
    raises(sparsemi.SMI_EINVAL, sparsemi.score_subset, ds, [0], criterion='cv', folds=-3)
    err = raises(sparsemi.SMI_EINVAL, sparsemi.score_subset, ds, [0], criterion='cv',
                 folds=N + 1)
    assert '%d folds for %d samples' % (N + 1, N) in str(err)
    raises(sparsemi.SMI_EINVAL, sparsemi.score_subset, ds, [0], criterion='cv',
           folds=[1] * N)   # one fold only
    with pytest.raises(ValueError):
        sparsemi.score_subset(ds, [0], criterion='cv', folds=[0, 1, 0])
    with pytest.raises(ValueError):
        sparsemi.score_subset(ds, [0], criterion='cv', folds=np.arange(N) % 3 + 0.5)
    with pytest.raises(ValueError):
        sparsemi.score_subset(ds, [0], criterion='cv', folds=np.arange(N) % 3, fold_seed=1)
    with pytest.raises(ValueError):
        sparsemi.score_subset(ds, [0], criterion='cv', fold_seed=1)   # needs folds=K
    with pytest.raises(ValueError):
        sparsemi.score_subset(ds, [0], criterion='cv', folds=3, fold_seed=2**64)
    with pytest.raises(ValueError):
        sparsemi.score_subset(ds, [0], criterion='cv', folds=3, fold_seed='random')
    assert ds.n_folds == 0 and ds.folds is None


# -- a file's fold column --------------------------------------------------------------------

@pytest.fixture
def with_column(tmp_path):
    """A CSV file of the problem with a column of fold ids 10, 20, 30, 40."""
    X, y = random_problem()
    ids = np.random.default_rng(5).permutation(np.arange(N) % 4) * 10 + 10
    path = tmp_path / 'folds.csv'
    lines = ['y,' + ','.join('f%d' % j for j in range(P)) + ',fold']
    lines += ['%r,%s,%d' % (float(y[i]), ','.join(repr(float(v)) for v in X[i]), ids[i])
              for i in range(N)]
    path.write_text('\n'.join(lines) + '\n')
    with sparsemi.Dataset.from_csv(path, target='y', fold_column='fold') as ds:
        yield X, y, ds, ids


def test_fold_column_is_the_default(with_column):
    X, y, ds, ids = with_column
    ranked = np.unique(ids, return_inverse=True)[1]
    assert ds.names == ['f%d' % j for j in range(P)]   # the column is no feature
    assert ds.fold_column == 'fold' and ds.n_folds == 4
    np.testing.assert_array_equal(ds.folds, ranked)
    check_scores(X, y, ds, ranked)                       # folds=None: the column's
    check_scores(X, y, ds, np.arange(N) % 5, folds=5, fold_seed='none')   # or the call's
    with sparsemi.exhaustive_search(ds, criterion='cv', max_size=2) as res:
        assert json.loads(res.to_json())['folds'] == {'k': 4, 'seed': None, 'column': 'fold'}
        best = res.models[0]
        assert best.criterion == pytest.approx(cv_mse(X, y, best.indices, ranked), rel=1e-9)
    cv = sparsemi.lasso_cv(ds, n_lambdas=20)
    np.testing.assert_array_equal(cv.folds, ranked)
    np.testing.assert_array_equal(cv.cv_mean,
                                  sparsemi.lasso_cv(ds, folds=ids, n_lambdas=20).cv_mean)
    np.testing.assert_array_equal(ds.folds, ranked)     # still the column's


def cli_path():
    lib = os.environ.get('SPARSEMI_LIBRARY')
    if not lib:
        return None
    path = os.path.join(os.path.dirname(os.path.dirname(lib)), 'tools', 'sparsemi', 'sparsemi')
    return path if os.access(path, os.X_OK) else None


@pytest.mark.skipif(cli_path() is None, reason='no sparsemi CLI next to the library')
@pytest.mark.parametrize('args,kwargs', [
    (['--fold-column', 'fold'], {}),
    (['--folds', '5'], {'folds': 5}),
    (['--folds', '5', '--fold-seed', '8'], {'folds': 5, 'fold_seed': 8}),
    (['--folds', '5', '--fold-seed', 'none'], {'folds': 5, 'fold_seed': 'none'}),
])
def test_cv_search_equals_the_cli(with_column, tmp_path, args, kwargs):
    """The folds of `sparsemi es --criterion cv`: the file's fold column (--fold-column;
    in Python the Dataset read with fold_column, and folds=None), or K folds shuffled with
    seed 0 unless told."""
    import subprocess
    _, _, ds, _ = with_column
    out = tmp_path / 'es.json'
    subprocess.run([cli_path(), 'es', str(tmp_path / 'folds.csv'), '--target', 'y',
                    '--features', ','.join(ds.names), '--criterion', 'cv', '--max-size', '2',
                    '--threads', '1', '--quiet', '--json', str(out)] + args,
                   check=True, stdout=subprocess.DEVNULL)
    cli = json.loads(out.read_text())
    with sparsemi.exhaustive_search(ds, criterion='cv', max_size=2, **kwargs) as res:
        mine = json.loads(res.to_json())
    assert sorted(mine) == sorted(cli)
    for key in ('file', 'elapsed_s', 'threads'):
        del mine[key], cli[key]
    assert mine == cli


# -- the Dataset is only read -----------------------------------------------------------------

def snapshot(ds):
    return (ds.X.copy(), ds.y.copy(), ds.names, ds.target, ds.n_folds,
            None if ds.folds is None else ds.folds.copy(), repr(ds))


def assert_same(a, b):
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert a[2:5] == b[2:5] and a[6] == b[6]
    if a[5] is None:
        assert b[5] is None
    else:
        np.testing.assert_array_equal(a[5], b[5])


def test_dataset_unchanged_after_a_cv_search(problem, with_column):
    X, y, ds = problem
    before = snapshot(ds)
    for folds, seed in ((None, None), (4, None), (4, 9), (4, 'none'), (np.arange(N) % 3, None)):
        sparsemi.exhaustive_search(ds, criterion='cv', folds=folds, fold_seed=seed,
                                   max_size=2).close()
        assert_same(snapshot(ds), before)
    # A later run with folds=None gets the default again, not the last call's folds.
    check_scores(X, y, ds, fold_reference.kfold(N, 10, seed=0))
    sparsemi.lasso_cv(ds, folds=5, n_lambdas=10)
    sparsemi.remc(ds, criterion='cv', folds=3, sweeps=50, burn_in=5)
    sparsemi.lars_path(ds).supports(criterion='cv', folds=6)
    assert_same(snapshot(ds), before)
    # The same with a fold column: it stays the file's.
    Xc, yc, dc, ids = with_column
    before = snapshot(dc)
    sparsemi.exhaustive_search(dc, criterion='cv', folds=3, max_size=2).close()
    sparsemi.lasso_cv(dc, folds=np.arange(N) % 2, n_lambdas=10)
    assert_same(snapshot(dc), before)
    check_scores(Xc, yc, dc, np.unique(ids, return_inverse=True)[1])


# -- one Dataset, several threads ---------------------------------------------------------------

def test_threads_with_different_folds_share_one_dataset():
    """Two threads search one Dataset at the same time, each with its own folds: each gets
    what it gets alone (the folds are the run's, so the runs cannot see each other's)."""
    X, y = random_problem(n=60, p=14, seed=4)
    settings = [dict(folds=3, fold_seed=1), dict(folds=7, fold_seed='none'),
                dict(folds=np.arange(60) % 5), dict(folds=4)]
    with sparsemi.Dataset(X, y) as ds:
        alone = []
        for kw in settings:
            with sparsemi.exhaustive_search(ds, criterion='cv', top=50, **kw) as res:
                alone.append(comparable(res))
        assert all(a['models'] != alone[0]['models'] for a in alone[1:])
        rounds = 3
        found = [[None] * rounds for _ in settings]
        errors = []
        start = threading.Barrier(len(settings))

        def work(i):
            try:
                start.wait()
                for r in range(rounds):
                    with sparsemi.exhaustive_search(ds, criterion='cv', top=50,
                                                    **settings[i]) as res:
                        found[i][r] = comparable(res)
            except BaseException as exc:   # reported below, in the main thread
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(i,)) for i in range(len(settings))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors, errors
        for i in range(len(settings)):
            for r in range(rounds):
                assert found[i][r] == alone[i], (settings[i], r)
        assert ds.n_folds == 0
