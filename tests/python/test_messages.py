"""Messages that name the cause (issue 12): every bad input below was once refused with a
message about something else, or accepted silently. Each test states the cause and checks
that the message names it (and where)."""

import ctypes
import re

import numpy as np
import pytest

import sparsemi
from sparsemi import _capi
from sparsemi._lib import lib
from sparsemi._common import call


def raises(status, func, *args, **kwargs):
    with pytest.raises(sparsemi.Error) as info:
        func(*args, **kwargs)
    assert info.value.status == status, (info.value.status, str(info.value))
    return str(info.value)


def write(path, data):
    path.write_bytes(data.encode('utf-8'))   # bytes: no newline translation
    return str(path)


# -- reading files ------------------------------------------------------------------------

def test_text_target_is_called_text_not_the_label_column(tmp_path):
    path = write(tmp_path / 'text_y.csv', 'y,a,b\nx1,1,2\nx2,2,3\nx3,3,5\nx4,5,1\n')
    message = raises(sparsemi.SMI_EPARSE, sparsemi.Dataset.from_csv, path, target='y')
    assert 'text_y.csv:2:1:' in message
    assert "the target 'y' is a text column" in message
    assert 'label column' not in message


def test_mostly_missing_numeric_column_is_reported_not_taken_for_labels(tmp_path):
    # 3 of 5 values of 'a' are missing: it used to become the label column silently and
    # drop out of the features
    path = write(tmp_path / 'gaps.csv',
                 'y,a,b,c\n1,n/a,2,1\n2,n/a,3,4\n3,n/a,5,2\n4,7,1,5\n5,8,3,3\n')
    message = raises(sparsemi.SMI_EPARSE, sparsemi.Dataset.from_csv, path, target='y')
    assert "gaps.csv:2:3: 'n/a' is not a number in column 'a': a missing value" in message
    assert '3 of 5 rows' in message
    # leaving it out by naming the features reads the rest, with no label column
    ds = sparsemi.Dataset.from_csv(path, target='y', features=['b', 'c'])
    assert ds.names == ['b', 'c']
    assert lib.smi_dataset_has_labels(ds._h) == 0


def test_cr_line_ends_are_line_ends(tmp_path):
    text = 'y,a,b\n1,1,2\n2,2,3\n3,3,5\n4,5,1\n'
    lf = sparsemi.Dataset.from_csv(write(tmp_path / 'lf.csv', text), target='y')
    cr = sparsemi.Dataset.from_csv(write(tmp_path / 'cr.csv', text.replace('\n', '\r')),
                                   target='y')
    assert cr.n == 4 and cr.names == ['a', 'b']
    np.testing.assert_array_equal(cr.X, lf.X)
    np.testing.assert_array_equal(cr.y, lf.y)


def test_fold_id_out_of_int_range_says_so(tmp_path):
    path = write(tmp_path / 'folds.csv', 'y,a,f\n1,1,0\n2,2,3e9\n3,3,0\n4,5,1\n5,4,1\n')
    message = raises(sparsemi.SMI_EINVAL, sparsemi.Dataset.from_csv, path, target='y',
                     fold_column='f')
    assert "folds.csv:3:5: fold id '3e9' is out of range" in message
    assert 'not an integer' not in message


@pytest.mark.parametrize('delimiter, why', [('"', 'quoted field'), ('\n', 'ends a line'),
                                            ('\r', 'ends a line'), ('#', 'comment line')])
def test_delimiters_that_cannot_separate_fields(tmp_path, delimiter, why):
    path = write(tmp_path / 'd.csv', 'y,a,b\n1,1,2\n2,2,3\n3,3,5\n')
    message = raises(sparsemi.SMI_EINVAL, sparsemi.Dataset.from_csv, path, delimiter=delimiter)
    assert 'cannot separate fields' in message and why in message


def test_nul_delimiter_is_refused_not_detected(tmp_path):
    path = write(tmp_path / 'd.csv', 'y,a,b\n1,1,2\n2,2,3\n3,3,5\n')
    message = raises(sparsemi.SMI_EINVAL, sparsemi.Dataset.from_csv, path, delimiter='\0')
    assert 'NUL' in message


# -- runs -----------------------------------------------------------------------------------

def test_constant_target_is_named(tmp_path):
    rng = np.random.default_rng(3)
    ds = sparsemi.Dataset(rng.normal(size=(6, 2)), np.full(6, 1.0), target='y')
    message = raises(sparsemi.SMI_ECONSTANT, sparsemi.exhaustive_search, ds)
    assert "target 'y' is constant" in message
    assert 'singular' not in message


# -- integers out of the range of their C type ---------------------------------------------------

@pytest.mark.parametrize('value', [2**63, 2**64, 2**100])
def test_size_too_large_says_too_large(value):
    rng = np.random.default_rng(4)
    ds = sparsemi.Dataset(rng.normal(size=(6, 2)), rng.normal(size=6))
    for arg in ('max_size', 'top', 'bins', 'threads'):
        with pytest.raises(sparsemi.InvalidArgument) as info:
            sparsemi.exhaustive_search(ds, **{arg: value})
        message = str(info.value)
        assert re.search(r'%s = %d is too large' % (arg, value), message), message
        assert 'at least' not in message


def test_fold_count_too_large_says_too_large():
    rng = np.random.default_rng(5)
    ds = sparsemi.Dataset(rng.normal(size=(6, 2)), rng.normal(size=6))
    with pytest.raises(sparsemi.InvalidArgument) as info:
        sparsemi.exhaustive_search(ds, criterion='cv', folds=2**64)
    assert 'too large' in str(info.value) and 'K >= 2' not in str(info.value)


@pytest.mark.parametrize('value', [2**64, 2**64 + 3, -1])
def test_every_call_checks_integers_against_the_c_type(value):
    # ctypes keeps only the low bits of an int (2**64 + 3 becomes 3, -1 becomes SIZE_MAX):
    # the call refuses it before the library sees it
    cfg = ctypes.POINTER(_capi.smi_search)()
    call(lib.smi_search_create, ctypes.byref(cfg))
    try:
        with pytest.raises(sparsemi.InvalidArgument) as info:
            call(lib.smi_search_set_top, cfg, value)
        message = str(info.value)
        assert 'smi_search_set_top: argument 2 = %d is too %s' % (
            value, 'small' if value < 0 else 'large') in message, message
        top = ctypes.c_size_t()
        call(lib.smi_search_get_top, cfg, ctypes.byref(top))
        assert top.value != value % 2**64   # unchanged: never set to the low bits
    finally:
        lib.smi_search_free(cfg)
