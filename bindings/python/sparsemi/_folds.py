"""The folds of a cross-validated run, which belong to the run's configuration (an smi_search
or smi_lasso), never to the Dataset: the library's default (10 folds, shuffled with seed 0,
as `sparsemi es --criterion cv` and `sparsemi lasso --cv`), the file's fold column, K folds,
or given fold ids (doc/api.md, "Folds").

    spec = fold_spec(ds, folds, fold_seed)
    spec.apply(lib.smi_search_set_folds, lib.smi_search_set_fold_ids, cfg)
"""

import ctypes
import functools
import operator

import numpy as np

from ._common import INT_P, Config, call, default, invalid, lib, seed_arg

__all__ = ['FoldSpec', 'fold_spec', 'library_folds']


@functools.lru_cache(maxsize=None)
def library_folds():
    """The library's default folds (k, shuffle, seed) of smi_search_create (smi_lasso_create
    has the same), also the CLI's: read from the library, never written here."""
    k, shuffle, seed = default('search', 'folds', ctypes.c_size_t, ctypes.c_int,
                               ctypes.c_uint64)
    return k, bool(shuffle), seed


# -- what a call asks for ---------------------------------------------------------------

class FoldSpec:
    """The folds of one run, resolved from a call's `folds` and `fold_seed`.

    kind: 'default' (nothing is set: the library's default folds, library_folds()),
    'kfold' (k, shuffle, seed) or 'ids' (ids: one C int per sample; column: the name of
    the file's fold column they came from, or None for ids given in the call). k, shuffle
    and seed left None are the library's."""

    def __init__(self, kind, k=None, shuffle=None, seed=None, ids=None, column=None):
        lib_k, lib_shuffle, lib_seed = library_folds()
        self.kind = kind
        self.k = lib_k if k is None else k
        self.shuffle = lib_shuffle if shuffle is None else shuffle
        self.seed = lib_seed if seed is None else seed
        self.ids, self.column = ids, column

    def apply(self, set_folds, set_fold_ids, handle):
        """Set these folds on a configuration with its setters (smi_search_set_folds and
        smi_search_set_fold_ids, or the smi_lasso ones); the default sets nothing."""
        if self.kind == 'kfold':
            call(set_folds, handle, self.k, 1 if self.shuffle else 0, self.seed)
        elif self.kind == 'ids':
            call(set_fold_ids, handle, self.ids.ctypes.data_as(INT_P), self.ids.size)

    def assignment(self, n):
        """The fold of each of the n samples (0..K-1), from the library
        (smi_search_get_fold_assignment on a configuration with these folds)."""
        with Config('search') as cfg:
            self.apply(lib.smi_search_set_folds, lib.smi_search_set_fold_ids, cfg.handle)
            folds = np.empty(n, dtype=np.intc)
            k = ctypes.c_size_t()
            call(lib.smi_search_get_fold_assignment, cfg.handle, n, n,
                 folds.ctypes.data_as(INT_P), ctypes.byref(k))
        return folds

    def as_json(self):
        """{'k', 'seed', 'column'} as `sparsemi es --json` writes the folds of cv."""
        if self.kind == 'ids':
            return {'k': self.k, 'seed': None, 'column': self.column}
        return {'k': self.k, 'seed': self.seed if self.shuffle else None, 'column': None}


def _seed_arg(fold_seed):
    """(shuffle, seed) from fold_seed: None -> the library's default (shuffled with seed 0);
    'none' -> unshuffled; an integer in [0, 2**64) -> shuffled with it."""
    if fold_seed is None:
        return None, None
    if isinstance(fold_seed, str):
        if fold_seed == 'none':
            return False, 0
        raise ValueError("fold_seed must be an integer in [0, 2**64), None or 'none', not %r"
                         % (fold_seed,))
    return True, seed_arg(fold_seed, 'fold_seed')


def _fold_ids(ds, ids):
    ids = np.asarray(ids)
    if ids.shape != (ds.n,) or ids.dtype.kind not in 'iu':
        raise ValueError('fold ids must be %d integers, one per sample' % ds.n)
    c_ids = np.ascontiguousarray(ids, dtype=np.intc)
    if not np.array_equal(c_ids, ids):
        raise ValueError('fold ids do not fit in a C int')
    return c_ids


def fold_spec(ds, folds=None, fold_seed=None):
    """The folds a call asks for (a FoldSpec); ds itself is only read.

    folds None: the file's fold column when ds was read with one (Dataset.folds, passed
    as fold ids), else the library's default, 10 folds shuffled with seed 0; fold_seed
    must then be None. folds K (an int >= 2): K folds shuffled with fold_seed (None: seed
    0, as `--folds K`; 'none': unshuffled, sample i in fold i % K). Otherwise one integer
    fold id per sample, whose distinct values in ascending order become folds 0..K-1;
    fold_seed must be None."""
    if folds is None:
        if fold_seed is not None:
            raise ValueError('fold_seed needs folds=K')
        own = ds.folds
        if own is None:
            return FoldSpec('default')
        return FoldSpec('ids', k=ds.n_folds, ids=own, column=ds.fold_column)
    if np.ndim(folds) == 0:
        try:
            k = operator.index(folds)
        except TypeError:
            raise TypeError('folds must be None, an integer K or fold ids, not %r'
                            % (folds,)) from None
        if k < 2:
            raise invalid('%d folds: K-fold cross-validation needs K >= 2' % k)
        if k >= 2**63:
            raise invalid('%d folds is too large: K is at most 2**63 - 1' % k)
        shuffle, seed = _seed_arg(fold_seed)
        return FoldSpec('kfold', k=k, shuffle=shuffle, seed=seed)
    if fold_seed is not None:
        raise ValueError('fold_seed applies to folds=K, not to given fold ids')
    ids = _fold_ids(ds, folds)
    return FoldSpec('ids', k=len(np.unique(ids)), ids=ids)
