"""sparsemi.vma: a clear model is recovered at a large n' and never at n' = 2, where BIC has
no residual degree of freedom; the same arrays for any thread count; the model fitted by
numpy when not given; bad settings raise the library's message."""

import numpy as np
import pytest

import sparsemi

NAMES = ['x%d' % j for j in range(6)]
TRUE = ['x1', 'x4']


@pytest.fixture(scope='module')
def ds():
    """200 rows of 6 independent features; y = 1 + 2 x1 - 3 x4 + noise of sd 0.5."""
    rng = np.random.default_rng(2024)
    X = rng.normal(size=(200, 6))
    y = 1 + 2 * X[:, 1] - 3 * X[:, 4] + 0.5 * rng.normal(size=200)
    with sparsemi.Dataset(X, y, names=NAMES, target='y') as d:
        yield d


def clear(ds, **options):
    settings = dict(coefficients=[2.0, -3.0], intercept=1.0, noise_sd=0.5, sizes=(2, 2000),
                    trials=20, max_size=2)
    settings.update(options)
    return sparsemi.vma(ds, TRUE, **settings)


@pytest.mark.parametrize('rows', ['resample', 'gaussian'])
def test_clear_model_is_recovered_at_large_n(ds, rows):
    res = clear(ds, rows=rows)
    assert isinstance(res, sparsemi.VmaResult)
    np.testing.assert_array_equal(res.sizes, [2, 2000])
    assert res.trials == 20 and res.rows == rows and res.method == 'es'
    np.testing.assert_array_equal(res.recovery_rate, [0.0, 1.0])
    indicator = np.isin(NAMES, TRUE).astype(float)
    np.testing.assert_array_equal(res.selection_frequency[1], indicator)
    assert res.selection_by_name['x4'].tolist() == [0.0, 1.0]
    # n' = 2: every subset has k + 1 >= n' for BIC, so every data set is a failure.
    np.testing.assert_array_equal(res.failures, [20, 0])
    np.testing.assert_array_equal(res.selection_frequency[0], 0)
    assert res.chosen_size.shape == (2, 7)
    np.testing.assert_array_equal(res.chosen_size.sum(axis=1) + res.failures, [20, 20])
    assert res.chosen_size[1, 2] == 20
    assert res.model == sparsemi.VmaModel(('x1', 'x4'), (1, 4), {'x1': 2.0, 'x4': -3.0},
                                          1.0, 0.5)


def test_same_arrays_for_any_thread_count(ds):
    a = clear(ds, sizes=(10, 30), trials=40, threads=1, seed=5, max_size=None)
    b = clear(ds, sizes=(10, 30), trials=40, threads=2, seed=5, max_size=None)
    for name in ('recovery_rate', 'selection_frequency', 'chosen_size', 'failures'):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    c = clear(ds, sizes=(10, 30), trials=40, threads=1, seed=6, max_size=None)
    assert not np.array_equal(a.selection_frequency, c.selection_frequency)


def test_model_fitted_on_the_data(ds):
    """coefficients None: the least-squares fit with intercept (numpy here); noise_sd None:
    the evidence's beta^-1/2; the model may also be a Model of a search."""
    X, y = ds.X, ds.y
    A = np.column_stack([np.ones(len(y)), X[:, [1, 4]]])
    beta, *_ = np.linalg.lstsq(A, y, rcond=None)
    best = sparsemi.exhaustive_search(ds, criterion='bic').models[0]
    assert best.features == ('x1', 'x4')
    res = sparsemi.vma(ds, best, sizes=(50,), trials=5)
    model = res.model
    assert model.features == ('x1', 'x4')
    np.testing.assert_allclose([model.coefficients['x1'], model.coefficients['x4']], beta[1:],
                               rtol=1e-10)
    assert model.intercept == pytest.approx(beta[0], rel=1e-10)
    ev = sparsemi.evidence(ds, TRUE, hyper='optimize')
    assert model.noise_sd == pytest.approx(ev.noise_sd, rel=1e-9)
    by_dict = sparsemi.vma(ds, ['x4', 'x1'], coefficients={'x1': 2.0, 'x4': -3.0},
                           intercept=1.0, noise_sd=0.0, sizes=(50,), trials=5)
    assert by_dict.model.indices == (4, 1)
    assert by_dict.model.coefficients == {'x4': -3.0, 'x1': 2.0}


def test_lasso_method(ds):
    res = clear(ds, method='lasso', sizes=(500,), trials=10, max_size=None, one_se=True,
                lasso=dict(n_lambdas=30))
    assert res.method == 'lasso' and res.failures.tolist() == [0]
    assert res.selection_by_name['x1'][0] == 1.0 and res.selection_by_name['x4'][0] == 1.0
    assert res.chosen_size.sum() == 10


def test_cv_criterion_takes_k_from_the_search(ds):
    """With criterion 'cv' K goes on the search's configuration (smi_search_set_folds) and
    each data set gets its own shuffled min(K, n')-fold split: a clear model is recovered
    at n' = 2000 with 2 or 5 folds, or the default 10."""
    for folds in (2, 5):
        res = clear(ds, criterion='cv', folds=folds, sizes=(2000,), trials=5)
        np.testing.assert_array_equal(res.recovery_rate, [1.0])
        assert res.chosen_size[0, 2] == 5
    res = clear(ds, criterion='cv', sizes=(2000,), trials=5)   # folds default 10
    np.testing.assert_array_equal(res.recovery_rate, [1.0])


def test_progress_and_cancel(ds):
    seen = []
    clear(ds, progress=seen.append)
    assert seen and seen[-1] == pytest.approx(1.0)
    assert all(0 <= f <= 1 for f in seen)

    class Stop(Exception):
        pass

    def stop(fraction):
        raise Stop()

    with pytest.raises(Stop):
        clear(ds, progress=stop)


def test_bad_settings_raise_the_librarys_message(ds):
    with pytest.raises(sparsemi.Error, match='sample size 0'):
        clear(ds, sizes=(0, 10))
    with pytest.raises(sparsemi.Error, match='trials per size'):
        clear(ds, trials=0)
    with pytest.raises(sparsemi.Error, match='listed twice'):
        sparsemi.vma(ds, ['x1', 'x1'], sizes=(10,), trials=2)
    with pytest.raises(sparsemi.Error, match='must be finite'):
        clear(ds, coefficients=[np.nan, 1.0])
    # K goes on the LASSO's or the search's own configuration, which checks it.
    with pytest.raises(sparsemi.Error, match='1 folds: K-fold cross-validation needs K >= 2'):
        clear(ds, method='lasso', folds=1, max_size=None)
    with pytest.raises(sparsemi.Error, match='1 folds: K-fold cross-validation needs K >= 2'):
        clear(ds, criterion='cv', folds=1)
    with pytest.raises(sparsemi.Error) as err:
        sparsemi.vma(ds, ['nonesuch'])
    assert err.value.status == sparsemi.SMI_ENOTFOUND
    with pytest.raises(sparsemi.Error, match='mixing parameter'):
        clear(ds, method='lasso', max_size=None, lasso=dict(alpha=2.0))
    with pytest.raises(ValueError):
        clear(ds, rows='uniform')
    with pytest.raises(ValueError):
        clear(ds, method='lasso')          # max_size is an exhaustive-search setting
    with pytest.raises(ValueError):
        clear(ds, one_se=True)             # one_se is a LASSO setting
    with pytest.raises(ValueError):
        sparsemi.vma(ds, TRUE, coefficients=[1.0, 2.0])   # no intercept
    with pytest.raises(ValueError):
        sparsemi.vma(ds, TRUE, coefficients=[1.0], intercept=0.0)
