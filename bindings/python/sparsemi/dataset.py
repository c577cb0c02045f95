"""Dataset: a design matrix X (n x p), a target y, names, labels and a file's fold column."""

import collections
import ctypes
import os

import numpy as np

from . import _capi
from ._common import (INT_P, Handle, call, data_id, decode, double_array, dptr, encode,
                      invalid, named, null, path_arg, string_array)
from ._lib import lib

Problem = collections.namedtuple('Problem', 'kind column other')
Problem.__doc__ = """A column that a regression cannot use, found by Dataset.check().

kind: SMI_ECONSTANT or SMI_EDUPLICATE; column: the feature index (p for the target);
other: for a duplicate, the earlier column it equals, else None."""


class Dataset(Handle):
    """A libsparsemi data set (smi_dataset), owned by this object.

    Dataset(X, y, names=None, target=None) copies the arrays; Dataset.from_csv reads a
    file. Free it with close() or a `with` block; otherwise it is freed when collected.
    A data set is read-only once made: the runs (exhaustive_search, lasso_cv, ...) take
    their folds and other settings as arguments, so one Dataset may serve several runs at
    once, in several threads.
    """

    _free_name = 'smi_dataset_free'
    _kind = 'Dataset'
    _fold_column = None

    def __init__(self, X, y, names=None, target=None):
        X = double_array(X, 'X (n samples x p features)', ndim=2)
        y = np.ascontiguousarray(y, dtype=np.float64)
        if y.shape != (X.shape[0],):
            raise ValueError('y must hold one value per row of X (%d), not shape %s'
                             % (X.shape[0], y.shape))
        n, p = X.shape
        c_names = None
        if names is not None:
            names = list(names)
            if len(names) != p:
                raise ValueError('%d names given for %d features' % (len(names), p))
            c_names = string_array(names)
        handle = null('dataset')
        call(lib.smi_dataset_create, ctypes.byref(handle), n, p, dptr(X), dptr(y),
             c_names, encode(target))
        self._handle = handle

    @classmethod
    def from_csv(cls, path, target=None, features=None, delimiter=None,
                 label_column=None, fold_column=None):
        """Read a delimited text file with a header row (smi_dataset_read_csv).

        target: the target column (default: the first numeric one); features: the
        feature columns in order (default: every other numeric column); delimiter: one
        character (default: detected); label_column: row labels (default: the
        non-numeric column, if any); fold_column: a column of integer fold ids (default:
        none), kept as data (n_folds, folds) and not a feature: a cross-validated run
        given folds=None uses it.
        """
        opt = _capi.smi_csv_options()
        lib.smi_csv_options_init(ctypes.byref(opt))
        if delimiter is not None:
            if len(delimiter) != 1:
                raise ValueError('delimiter must be one character, not %r' % delimiter)
            if delimiter == '\0':
                raise invalid("delimiter must not be NUL (None detects it)")
            opt.delimiter = encode(delimiter)
        if target is not None:
            opt.target = encode(target)
        if label_column is not None:
            opt.label_column = encode(label_column)
        if fold_column is not None:
            opt.fold_column = encode(fold_column)
        c_features = None
        if features is not None:
            c_features = string_array(list(features))
            opt.features = ctypes.cast(c_features, ctypes.POINTER(ctypes.c_char_p))
            opt.n_features = len(c_features)
        handle = null('dataset')
        call(lib.smi_dataset_read_csv, ctypes.byref(handle), path_arg(path),
             ctypes.byref(opt))
        ds = cls.__new__(cls)
        ds._handle = handle
        ds._fold_column = None if fold_column is None else str(fold_column)
        return ds

    def __repr__(self):
        if not self._handle:
            return '<sparsemi.Dataset (closed)>'
        return '<sparsemi.Dataset n=%d p=%d target=%r folds=%d>' % (
            self.n, self.p, self.target, self.n_folds)

    # -- contents ----------------------------------------------------------------

    @property
    def n(self):
        """Number of samples (rows)."""
        return lib.smi_dataset_n(self._h)

    @property
    def p(self):
        """Number of features (columns of X)."""
        return lib.smi_dataset_p(self._h)

    @property
    def names(self):
        """Feature names, a list of p str."""
        return [decode(lib.smi_dataset_feature_name(self._h, j)) for j in range(self.p)]

    @property
    def target(self):
        """The target's name."""
        return decode(lib.smi_dataset_target_name(self._h))

    @property
    def id(self):
        """The data set's identity (a DataId: n, p, features, target and the library's
        fingerprint, smi_dataset_id), what every result keeps of its data."""
        return data_id(lib.smi_dataset_id(self._h))

    def index(self, name):
        """The index of the feature called `name` (Error SMI_ENOTFOUND if none)."""
        index = ctypes.c_size_t()
        call(lib.smi_dataset_feature_index, self._h, encode(name), ctypes.byref(index))
        return index.value

    @property
    def X(self):
        """A copy of the design matrix, n x p float64."""
        out = np.empty((self.n, self.p))
        call(lib.smi_dataset_get_X, self._h, dptr(out), out.size)
        return out

    @property
    def y(self):
        """A copy of the target, n float64."""
        out = np.empty(self.n)
        call(lib.smi_dataset_get_y, self._h, dptr(out), out.size)
        return out

    @property
    def labels(self):
        """Row labels (list of n str) from a CSV label column, or None."""
        if not lib.smi_dataset_has_labels(self._h):
            return None
        return [decode(lib.smi_dataset_label(self._h, i)) for i in range(self.n)]

    @property
    def label_column(self):
        """The name of the CSV column the labels came from, or None."""
        return decode(lib.smi_dataset_label_column(self._h))

    def _feature_stats(self):
        stats = np.empty((4, self.p))
        values = [ctypes.c_double() for _ in range(4)]
        for j in range(self.p):
            call(lib.smi_dataset_feature_stats, self._h, j,
                 *[ctypes.byref(v) for v in values])
            stats[:, j] = [v.value for v in values]
        return stats

    @property
    def mean(self):
        """Mean of each feature (p values; a NamedArray: mean['name'], mean.features)."""
        return named(self._feature_stats()[0], self.names)

    @property
    def sd(self):
        """Standard deviation of each feature, divisor n (p values, a NamedArray)."""
        return named(self._feature_stats()[1], self.names)

    @property
    def target_sd(self):
        """Standard deviation of the target, divisor n."""
        values = [ctypes.c_double() for _ in range(4)]
        call(lib.smi_dataset_target_stats, self._h, *[ctypes.byref(v) for v in values])
        return values[1].value

    # -- diagnostics -------------------------------------------------------------

    def check(self):
        """Columns a regression cannot use: a list of Problem, empty when all is well."""
        # smi_dataset_check returns the kind of the first problem; only other negative
        # statuses are failures. The first call counts, the second fills.
        found = (_capi.SMI_ECONSTANT, _capi.SMI_EDUPLICATE)
        count = ctypes.c_size_t()
        call(lib.smi_dataset_check, self._h, 0, None, None, None, ctypes.byref(count),
             allowed=found)
        size = count.value
        kinds = (ctypes.c_int * size)()
        columns = (ctypes.c_size_t * size)()
        others = (ctypes.c_size_t * size)()
        call(lib.smi_dataset_check, self._h, size, kinds, columns, others, ctypes.byref(count),
             allowed=found)
        return [Problem(kinds[i], columns[i],
                        others[i] if kinds[i] == _capi.SMI_EDUPLICATE else None)
                for i in range(size)]

    def condition_number(self):
        """2-norm condition number of the standardised X (inf when rank-deficient)."""
        cond = ctypes.c_double()
        call(lib.smi_dataset_condition_number, self._h, ctypes.byref(cond))
        return cond.value

    # -- folds -------------------------------------------------------------------
    # Read-only: the fold column of a file. A run takes its folds from its own arguments
    # (exhaustive_search(..., folds=..., fold_seed=...), lasso_cv, ...), which use this
    # column when they are given folds=None.

    @property
    def fold_column(self):
        """The name of the CSV column the folds came from (from_csv's fold_column), or
        None."""
        return self._fold_column

    @property
    def n_folds(self):
        """The number of folds K in the file's fold column, 0 when there is none."""
        return lib.smi_dataset_n_folds(self._h)

    @property
    def folds(self):
        """The fold of each sample from the file's fold column (n ints in 0..K-1, the
        column's distinct ids in increasing order), or None when there is none."""
        if self.n_folds == 0:
            return None
        out = np.empty(self.n, dtype=np.intc)
        call(lib.smi_dataset_get_folds, self._h, out.ctypes.data_as(INT_P), out.size)
        return out
