"""The conventions of the Python layer (issue 11): errors by kind, settings left None taken
from the library, results that carry their feature names and the identity of their data,
saved results that need nothing else, and results refused with other data."""

import ctypes
import os

import numpy as np
import pytest

import sparsemi
from sparsemi import _capi, lib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OCTET = os.path.join(ROOT, 'examples', 'data', 'octet_binaries.csv')
DIABETES = os.path.join(ROOT, 'tests', 'data', 'diabetes.csv')
PRIMARIES = ['r_s_A', 'r_p_A', 'r_d_A', 'EA_A', 'IP_A', 'r_s_B', 'r_p_B', 'r_d_B']


@pytest.fixture(scope='module')
def octet():
    with sparsemi.Dataset.from_csv(OCTET, target='dE_RS_ZB', features=PRIMARIES) as ds:
        yield ds


@pytest.fixture(scope='module')
def diabetes():
    with sparsemi.Dataset.from_csv(DIABETES, target='progression') as ds:
        yield ds


def random_dataset(n=25, p=4, seed=3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    return sparsemi.Dataset(X, X[:, 0] - 2 * X[:, 1] + rng.normal(size=n))


def library_getter(thing, field, *types):
    """smi_<thing>_get_<field> on a fresh configuration, straight through ctypes."""
    cfg = ctypes.POINTER(getattr(_capi, 'smi_' + thing))()
    assert getattr(lib, 'smi_%s_create' % thing)(ctypes.byref(cfg)) == 0
    try:
        outs = [t() for t in types]
        assert getattr(lib, 'smi_%s_get_%s' % (thing, field))(
            cfg, *[ctypes.byref(o) for o in outs]) == 0
        return tuple(o.value for o in outs)
    finally:
        getattr(lib, 'smi_%s_free' % thing)(cfg)


# -- errors -------------------------------------------------------------------------------

def test_invalid_argument_is_an_error_a_value_error_and_a_type_error(octet):
    with pytest.raises(sparsemi.InvalidArgument) as info:
        sparsemi.exhaustive_search(octet, top=0)
    error = info.value
    assert isinstance(error, sparsemi.Error)
    assert isinstance(error, ValueError) and isinstance(error, TypeError)
    assert error.status == sparsemi.SMI_EINVAL and error.name == 'invalid argument'
    assert 'top' in str(error)
    # From the library itself (not a check in Python): its message, its status.
    with pytest.raises(ValueError) as info:
        sparsemi.exhaustive_search(octet, criterion='fe-ng', normal_gamma=(-1.0, 1.0, 1.0))
    assert info.value.status == sparsemi.SMI_EINVAL
    assert str(info.value) == lib.smi_last_error().decode()


def test_unknown_names_are_value_errors(octet):
    with pytest.raises(ValueError) as info:
        sparsemi.exhaustive_search(octet, criterion='bogus')
    assert isinstance(info.value, sparsemi.NotFound)
    assert info.value.status == sparsemi.SMI_ENOTFOUND and 'bogus' in str(info.value)
    with pytest.raises(sparsemi.NotFound):
        sparsemi.exhaustive_search(octet, keep=['no such feature'])


def test_other_errors_stay_plain_errors(tmp_path):
    with pytest.raises(sparsemi.Error) as info:
        sparsemi.Dataset.from_csv(tmp_path / 'missing.csv')
    assert type(info.value) is sparsemi.Error and info.value.status == sparsemi.SMI_EIO
    assert not isinstance(info.value, ValueError)


def test_wrong_types_are_type_errors(octet):
    res = sparsemi.exhaustive_search(octet, criterion='aic', max_size=2)
    for call in (lambda: sparsemi.exhaustive_search(res),
                 lambda: sparsemi.score_subset(res, [0]),
                 lambda: sparsemi.evidence(res, [0]),
                 lambda: sparsemi.lars_path(res),
                 lambda: sparsemi.remc(res),
                 lambda: sparsemi.vma(res, [0]),
                 lambda: sparsemi.merge_results([octet]),
                 lambda: sparsemi.lasso_path(octet).on_dos(octet),
                 lambda: sparsemi.exhaustive_search(octet, top='many'),
                 lambda: sparsemi.exhaustive_search(octet, criterion=1.5)):
        with pytest.raises(TypeError):
            call()


# -- defaults from the library --------------------------------------------------------------

def test_search_defaults_are_the_librarys(octet):
    with sparsemi.exhaustive_search(octet) as res:
        cfg = res.config
    c_int, c_size, c_double = ctypes.c_int, ctypes.c_size_t, ctypes.c_double
    assert res.criterion == lib.smi_criterion_name(
        library_getter('search', 'criterion', c_int)[0]).decode()
    assert cfg['top'] == library_getter('search', 'top', c_size)[0]
    assert cfg['bins'] == library_getter('search', 'bins', c_size)[0]
    assert cfg['threads'] == library_getter('search', 'threads', c_size)[0] == 0
    assert cfg['folds'][0] == library_getter('search', 'folds', c_size, c_int,
                                             ctypes.c_uint64)[0]
    assert cfg['fe_hyper'] == library_getter('search', 'fe_hyper', c_double, c_double)
    assert cfg['ratio_grid'] == library_getter('search', 'ratio_grid', c_double, c_double,
                                               c_size)
    assert cfg['intercept'] is True and cfg['standardize'] is True


def test_partial_pairs_keep_the_librarys_other_half(octet):
    lib_alpha, lib_beta = library_getter('search', 'fe_hyper', ctypes.c_double,
                                         ctypes.c_double)
    with sparsemi.exhaustive_search(octet, criterion='fe', alpha=0.5, max_size=1) as res:
        assert res.config['fe_hyper'] == (0.5, lib_beta)
    with sparsemi.exhaustive_search(octet, max_size=2) as res:
        assert (res.config['min_size'], res.config['max_size']) == (
            library_getter('search', 'size_range', ctypes.c_size_t, ctypes.c_size_t)[0], 2)


def test_lasso_and_remc_defaults_are_the_librarys(diabetes, octet):
    with sparsemi.lasso_cv(diabetes) as cv:
        n_lambda = library_getter('lasso', 'path', ctypes.c_size_t, ctypes.c_double)[0]
        assert len(cv.lambdas) == n_lambda
        assert cv.alpha == library_getter('lasso', 'alpha', ctypes.c_double)[0]
        k = library_getter('lasso', 'folds', ctypes.c_size_t, ctypes.c_int, ctypes.c_uint64)[0]
        assert len(np.unique(cv.folds)) == k
    replicas = library_getter('remc', 'replicas', ctypes.c_size_t, ctypes.c_double)[0]
    sweeps = library_getter('remc', 'sweeps', ctypes.c_size_t, ctypes.c_size_t)
    mc = sparsemi.remc(octet, max_size=2, sweeps=200, burn_in=20)
    assert len(mc.ladder) == replicas and mc.trace.shape == (replicas, 220)
    assert sweeps != (200, 20)


def test_criterion_label_from_the_library(octet):
    for name in ('bic', 'cv', 'fe-marg'):
        with sparsemi.exhaustive_search(octet, criterion=name, max_size=1,
                                        **({'folds': 5} if name == 'cv' else {})) as res:
            code = sparsemi.__dict__['SMI_CRIT_' + name.upper().replace('-', '_')]
            assert res.criterion_label == lib.smi_criterion_label(code).decode()


def test_settings_that_do_not_apply_are_refused(octet):
    with pytest.raises(sparsemi.InvalidArgument, match="'fe'"):
        sparsemi.exhaustive_search(octet, criterion='bic', alpha=2.0)
    with pytest.raises(ValueError, match="'fe-ng'"):
        sparsemi.exhaustive_search(octet, criterion='fe', normal_gamma=(1, 1, 1))


# -- results with names --------------------------------------------------------------------

def test_posterior_inclusion_is_named(octet):
    with sparsemi.exhaustive_search(octet, criterion='fe', max_size=3) as res:
        inc = res.posterior_inclusion
        assert inc.features == tuple(PRIMARIES)
        for j, name in enumerate(PRIMARIES):
            assert inc[name] == inc[j]
        assert inc.as_dict() == {name: float(v) for name, v in zip(PRIMARIES, inc)}
        assert list(inc.keys()) == PRIMARIES
        with pytest.raises(KeyError):
            inc['nothing']
        assert isinstance(inc.sum(), float) and inc.sum() == float(np.asarray(inc).sum())
        assert set(res.model_average.coefficients) == set(PRIMARIES)


def test_lasso_coefficients_are_named(diabetes):
    with sparsemi.lasso_cv(diabetes) as cv:
        names = tuple(diabetes.names)
        assert cv.coef.features == names and cv.coef_1se.features == names
        assert cv.coef_1se['bmi'] == cv.coef[cv.index_1se, diabetes.index('bmi')]
        assert cv.coef_min.as_dict()['s5'] == cv.coef_min[diabetes.index('s5')]
        assert set(cv.support_1se) == {n for n, c in cv.coef_1se.items() if c != 0}
        np.testing.assert_array_equal(cv.coef['age'], cv.coef[:, 0])
    path = sparsemi.lars_path(diabetes)
    assert path.coefficients.features == names


def test_vma_and_evidence_are_named(octet):
    res = sparsemi.vma(octet, ['IP_A', 'r_s_A'], sizes=(30,), trials=5, max_size=2)
    freq = res.selection_frequency
    assert freq.features == tuple(PRIMARIES)
    np.testing.assert_array_equal(freq['IP_A'], res.selection_by_name['IP_A'])
    assert res.method == 'es' and res.rows == 'resample'
    ev = sparsemi.evidence(octet, ['IP_A', 'r_s_A'])
    assert ev.mean.features == ('IP_A', 'r_s_A') and ev.mean['r_s_A'] == ev.coefficients['r_s_A']


# -- identity of the data, saved results ---------------------------------------------------

def test_results_know_their_data(octet, diabetes):
    ident = octet.id
    assert (ident.n, ident.p, ident.features, ident.target) == (
        82, len(PRIMARIES), tuple(PRIMARIES), 'dE_RS_ZB')
    with sparsemi.Dataset(octet.X, octet.y, names=octet.names, target=octet.target) as copy:
        assert copy.id == ident                  # the same values and names
    with sparsemi.Dataset(octet.X, octet.y + 1e-9, names=octet.names,
                          target=octet.target) as moved:
        assert moved.id.fingerprint != ident.fingerprint
        results = [sparsemi.exhaustive_search(octet, max_size=1), sparsemi.lasso_path(octet),
                   sparsemi.lars_path(octet), sparsemi.evidence(octet, [0]),
                   sparsemi.remc(octet, max_size=2, sweeps=16, burn_in=0),
                   sparsemi.vma(octet, [0], sizes=(20,), trials=2, max_size=1)]
        for res in results:
            assert res.data == ident, type(res)
            assert res.matches(octet) and not res.matches(moved) and not res.matches(diabetes)
    results[0].close()
    assert results[0].matches(octet)             # still known after close


def test_load_result_needs_only_the_file(octet, tmp_path):
    path = tmp_path / 'cv.smi'
    with sparsemi.exhaustive_search(octet, criterion='cv', folds=4, fold_seed=9, max_size=3,
                                    keep=['IP_A'], top=12) as res:
        res.save(path)
        saved = res.as_dict()
    with sparsemi.load_result(path) as back:
        assert back.features == PRIMARIES and back.target == 'dE_RS_ZB'
        assert back.keep == ('IP_A',) and back.min_size == 1 and back.max_size == 3
        assert back.config['folds'] == (4, True, 9) and back.config['top'] == 12
        assert back.elapsed_s is None
        mine = back.as_dict()
        for key in ('elapsed_s',):
            del mine[key], saved[key]
        assert mine == saved


def test_load_result_refuses_other_versions_and_damage(octet, tmp_path):
    path = tmp_path / 'res.smi'
    with sparsemi.exhaustive_search(octet, max_size=2) as res:
        res.save(path)
    text = path.read_text()
    first, rest = text.split('\n', 1)
    assert first.split()[0] == 'libsparsemi-result'
    old = tmp_path / 'old.smi'
    old.write_text('libsparsemi-result 1\n' + rest)
    with pytest.raises(sparsemi.Error) as info:
        sparsemi.load_result(old)
    assert info.value.status == sparsemi.SMI_EPARSE and 'version' in str(info.value)
    cut = tmp_path / 'cut.smi'
    cut.write_text(text[:len(text) // 2])
    with pytest.raises(sparsemi.Error) as info:
        sparsemi.load_result(cut)
    assert info.value.status == sparsemi.SMI_EPARSE and str(info.value)


def test_on_dos_refuses_a_search_of_other_data(diabetes, tmp_path):
    path = tmp_path / 'es.smi'
    with random_dataset(n=442, p=10) as other:
        with sparsemi.exhaustive_search(other, max_size=2) as res:
            res.save(path)
    cv = sparsemi.lasso_cv(diabetes)
    with sparsemi.load_result(path) as loaded:
        with pytest.raises(sparsemi.InvalidArgument, match='other data'):
            cv.on_dos(loaded)
    full = tmp_path / 'full.smi'
    with sparsemi.exhaustive_search(diabetes, top=2**10) as res:
        res.save(full)
        placed = cv.on_dos(res)
    with sparsemi.load_result(full) as loaded:   # a loaded result of the same data works
        assert cv.on_dos(loaded) == placed


def test_a_nul_in_a_path_is_refused(tmp_path):
    """C would read a path only up to a NUL byte: 'good.csv\\0junk' must not open good.csv."""
    good = tmp_path / 'good.csv'
    good.write_text('x,y\n1,2\n2,3\n3,5\n')
    with pytest.raises(ValueError) as info:
        sparsemi.Dataset.from_csv(str(good) + '\0junk')
    assert isinstance(info.value, sparsemi.InvalidArgument) and 'NUL' in str(info.value)
    with pytest.raises(ValueError):
        sparsemi.load_result(str(good) + '\0junk')
    with pytest.raises(TypeError):
        sparsemi.Dataset.from_csv(3.5)
