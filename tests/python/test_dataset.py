"""sparsemi.Dataset against independent references: numpy, the csv module, closed forms."""

import csv
import math
import os
import re

import numpy as np
import pytest

import sparsemi

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OCTET = os.path.join(ROOT, 'examples', 'data', 'octet_binaries.csv')


def random_data(n=9, p=4, seed=1):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) * [1.0, 10.0, 0.1, 3.0][:p] + 100.0
    return X, rng.normal(size=n)


def standardised(X):
    return (X - X.mean(axis=0)) / X.std(axis=0)


def raises(status, func, *args, **kwargs):
    """Call func, expect sparsemi.Error with `status`; return the error."""
    with pytest.raises(sparsemi.Error) as info:
        func(*args, **kwargs)
    err = info.value
    assert err.status == status, (err.status, err.name, str(err))
    assert isinstance(err.name, str) and err.name
    assert str(err)
    return err


def write(path, text):
    path.write_text(text, encoding='utf-8')
    return str(path)


# -- from arrays --------------------------------------------------------------------

def test_arrays_round_trip():
    X, y = random_data()
    with sparsemi.Dataset(X, y, names=['a', 'b', 'c', 'd'], target='t') as ds:
        assert (ds.n, ds.p) == (9, 4)
        np.testing.assert_array_equal(ds.X, X)
        np.testing.assert_array_equal(ds.y, y)
        assert ds.names == ['a', 'b', 'c', 'd']
        assert ds.target == 't'
        assert ds.labels is None and ds.label_column is None
        assert ds.folds is None and ds.n_folds == 0
        assert ds.index('c') == 2
        assert 'n=9 p=4' in repr(ds)


def test_arrays_any_layout_and_default_names():
    X, y = random_data(n=5, p=3)
    ds = sparsemi.Dataset(np.asfortranarray(X), list(y))
    np.testing.assert_array_equal(ds.X, X)
    assert ds.names == ['x1', 'x2', 'x3']
    assert ds.target == 'y'
    ints = sparsemi.Dataset([[1, 2], [3, 5], [4, 4]], [1, 2, 3])
    np.testing.assert_array_equal(ints.X, [[1.0, 2.0], [3.0, 5.0], [4.0, 4.0]])


def test_mean_and_sd_match_numpy():
    X, y = random_data(n=13, p=4)
    ds = sparsemi.Dataset(X, y)
    np.testing.assert_allclose(ds.mean, X.mean(axis=0), rtol=1e-14)
    np.testing.assert_allclose(ds.sd, X.std(axis=0, ddof=0), rtol=1e-10)


def test_condition_number_matches_numpy():
    X, y = random_data(n=11, p=4)
    ds = sparsemi.Dataset(X, y)
    assert ds.condition_number() == pytest.approx(np.linalg.cond(standardised(X)),
                                                  rel=1e-10)


def test_condition_number_infinite_for_constant_or_dependent_columns():
    X, y = random_data(n=8, p=3)
    constant = X.copy()
    constant[:, 1] = 2.5
    assert math.isinf(sparsemi.Dataset(constant, y).condition_number())
    dependent = X.copy()
    dependent[:, 2] = 2.0 * X[:, 0]   # standardises to the same column exactly
    assert np.linalg.matrix_rank(standardised(dependent)) == 2
    assert math.isinf(sparsemi.Dataset(dependent, y).condition_number())


def test_closed_dataset_refuses_use():
    ds = sparsemi.Dataset(*random_data())
    ds.close()
    ds.close()
    assert 'closed' in repr(ds)
    with pytest.raises(ValueError):
        ds.n


# -- from CSV -----------------------------------------------------------------------

def read_octet():
    with open(OCTET, newline='', encoding='utf-8') as f:
        rows = list(csv.reader(f))
    values = np.genfromtxt(OCTET, delimiter=',', skip_header=1,
                           usecols=range(1, len(rows[0])))
    return rows[0], [row[0] for row in rows[1:]], values


def test_octet_csv_matches_csv_module_and_genfromtxt():
    header, labels, values = read_octet()
    ds = sparsemi.Dataset.from_csv(OCTET, target='dE_RS_ZB')
    assert (ds.n, ds.p) == (82, 14)
    assert ds.target == 'dE_RS_ZB'
    assert ds.names == header[2:]
    assert ds.labels == labels and ds.labels[0] == 'AgBr'
    assert ds.label_column == 'compound'
    np.testing.assert_array_equal(ds.y, values[:, 0])
    np.testing.assert_array_equal(ds.X, values[:, 1:])
    np.testing.assert_allclose(ds.mean, values[:, 1:].mean(axis=0), rtol=1e-13)
    np.testing.assert_allclose(ds.sd, values[:, 1:].std(axis=0), rtol=1e-10)
    assert ds.condition_number() == pytest.approx(
        np.linalg.cond(standardised(values[:, 1:])), rel=1e-8)


def test_octet_defaults_and_feature_selection():
    header, _, values = read_octet()
    default = sparsemi.Dataset.from_csv(OCTET)   # target: the first numeric column
    assert default.target == 'dE_RS_ZB' and default.p == 14
    ds = sparsemi.Dataset.from_csv(OCTET, target='dE_RS_ZB', features=['r_d_B', 'r_p_A'])
    assert ds.names == ['r_d_B', 'r_p_A']
    cols = [header.index('r_d_B') - 1, header.index('r_p_A') - 1]
    np.testing.assert_array_equal(ds.X, values[:, cols])


def test_csv_delimiter_and_fold_column(tmp_path):
    path = write(tmp_path / 'semi.csv',
                 'name;y;u;v;fold\nA;1;2;3;10\nB;2;1;5;20\nC;4;3;1;10\nD;3;7;2;30\n'
                 'E;5;4;4;20\nF;6;6;6;30\n')
    for delimiter in (None, ';'):
        ds = sparsemi.Dataset.from_csv(path, delimiter=delimiter, fold_column='fold')
        assert ds.names == ['u', 'v'] and ds.target == 'y'
        assert ds.labels == list('ABCDEF')
        np.testing.assert_array_equal(ds.folds, [0, 1, 0, 2, 1, 2])


def test_csv_unknown_target():
    err = raises(sparsemi.SMI_ENOTFOUND, sparsemi.Dataset.from_csv, OCTET,
                 target='no_such_column')
    assert 'no_such_column' in str(err)


def test_csv_missing_file(tmp_path):
    raises(sparsemi.SMI_EIO, sparsemi.Dataset.from_csv, str(tmp_path / 'absent.csv'))


def test_csv_ragged(tmp_path):
    path = write(tmp_path / 'ragged.csv', 'y,a,b\n1,2,3\n4,5\n6,7,8\n')
    err = raises(sparsemi.SMI_ERAGGED, sparsemi.Dataset.from_csv, path)
    assert 'ragged.csv:3' in str(err)


def test_csv_not_a_number_names_file_line_and_column(tmp_path):
    path = write(tmp_path / 'na.csv', 'y,a,b\n1,2,3\n4,n/a,6\n7,8,9.5\n')
    err = raises(sparsemi.SMI_EPARSE, sparsemi.Dataset.from_csv, path, target='y',
                 features=['a', 'b'])
    assert re.search(r'na\.csv:3:\d+', str(err)), str(err)
    assert 'n/a' in str(err)


# -- errors from arrays -------------------------------------------------------------

def test_nonfinite_values():
    X, y = random_data()
    X[3, 2] = np.nan
    raises(sparsemi.SMI_ENONFINITE, sparsemi.Dataset, X, y)
    X, y = random_data()
    y[0] = np.inf
    raises(sparsemi.SMI_ENONFINITE, sparsemi.Dataset, X, y)


def test_too_few_samples():
    raises(sparsemi.SMI_ETOOFEW, sparsemi.Dataset, [[1.0, 2.0]], [3.0])


def test_duplicate_names():
    X, y = random_data(p=2)
    raises(sparsemi.SMI_EDUPLICATE, sparsemi.Dataset, X, y, names=['a', 'a'])


def test_shape_errors_are_caught_in_python():
    with pytest.raises(ValueError):
        sparsemi.Dataset(np.ones(4), np.ones(4))
    with pytest.raises(ValueError):
        sparsemi.Dataset(np.ones((4, 2)), np.ones(3))
    with pytest.raises(ValueError):
        sparsemi.Dataset(np.ones((4, 2)), np.ones(4), names=['a'])


# -- check --------------------------------------------------------------------------

def test_check_finds_constant_and_duplicate_columns():
    X, y = random_data(n=10, p=2)
    bad = np.column_stack([X[:, 0], np.full(10, 4.0), X[:, 0], X[:, 1]])
    problems = sparsemi.Dataset(bad, y).check()
    assert problems == [(sparsemi.SMI_ECONSTANT, 1, None),
                        (sparsemi.SMI_EDUPLICATE, 2, 0)]
    assert problems[1].other == 0
    assert sparsemi.Dataset(X, y).check() == []
    assert sparsemi.Dataset(X, np.ones(10)).check() == [(sparsemi.SMI_ECONSTANT, 2, None)]


# -- folds --------------------------------------------------------------------------
# A data set holds no folds of its own: only a file's fold column, read-only. The folds a
# run uses are its own arguments (tests/python/test_folds.py).

def test_folds_are_read_only_data():
    ds = sparsemi.Dataset(*random_data(n=10, p=2))
    assert ds.folds is None and ds.n_folds == 0 and ds.fold_column is None
    for name in ('set_kfold', 'set_fold_ids', 'clear_folds'):
        assert not hasattr(ds, name)
    for attribute in ('folds', 'n_folds', 'fold_column'):
        with pytest.raises(AttributeError):
            setattr(ds, attribute, None)


def test_fold_column_is_ranked_and_no_feature(tmp_path):
    path = write(tmp_path / 'folds.csv', 'y,u,v,fold\n1,2,3,5\n2,1,5,9\n4,3,1,7\n3,7,2,7\n'
                 '5,4,4,5\n6,6,6,9\n7,1,1,-3\n8,2,2,5\n')
    ds = sparsemi.Dataset.from_csv(path, fold_column='fold')
    assert ds.names == ['u', 'v'] and ds.fold_column == 'fold'
    ids = [5, 9, 7, 7, 5, 9, -3, 5]
    assert ds.n_folds == 4
    np.testing.assert_array_equal(ds.folds, np.unique(ids, return_inverse=True)[1])
    assert 'folds=4' in repr(ds)
    plain = sparsemi.Dataset.from_csv(path)   # without fold_column the column is a feature
    assert plain.names == ['u', 'v', 'fold'] and plain.folds is None


# -- finding the library ------------------------------------------------------------

def test_build_tree_library_is_found_without_the_environment_variable():
    """With SPARSEMI_LIBRARY unset, a meson build directory inside the sources is used."""
    import subprocess
    import sys
    built = os.environ.get('SPARSEMI_LIBRARY', '')
    if not os.path.realpath(built).startswith(os.path.join(ROOT, 'build')):
        pytest.skip('the library under test is not in a build* directory of the sources')
    env = {k: v for k, v in os.environ.items() if k != 'SPARSEMI_LIBRARY'}
    code = ('import sparsemi, sparsemi._lib as L; '
            'print(L.lib._name); print(sparsemi.__version__)')
    out = subprocess.run([sys.executable, '-c', code], env=env, check=True,
                         capture_output=True, text=True).stdout.split()
    assert out[0].startswith(os.path.join(ROOT, 'build'))
    assert '/lib/libsparsemi.so' in out[0]
    assert out[1] == sparsemi.__version__
