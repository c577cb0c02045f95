"""The folds of a cross-validated run, which belong to the run's configuration (an smi_search
or smi_lasso), never to the Dataset: the library's default (10 folds, shuffled with seed 0,
as `sparsemi es --criterion cv` and `sparsemi lasso --cv`), the file's fold column, K folds,
or given fold ids (doc/api.md, "Folds").

    spec = fold_spec(ds, folds, fold_seed)
    spec.apply(lib.smi_search_set_folds, lib.smi_search_set_fold_ids, cfg)
"""

import ctypes
import operator

import numpy as np

from . import _capi
from ._lib import Error, call

__all__ = ['DEFAULT_FOLDS', 'DEFAULT_FOLD_SEED', 'FoldSpec', 'fold_spec', 'kfold_assignment']

# The library's defaults (smi_search_create, smi_lasso_create), also the CLI's.
DEFAULT_FOLDS = 10
DEFAULT_FOLD_SEED = 0

_INT_P = ctypes.POINTER(ctypes.c_int)
_MASK = (1 << 64) - 1


# -- the generator of doc/api.md ("Random numbers"), for the assignment a seed makes --------

def _splitmix64(state):
    state = (state + 0x9E3779B97F4A7C15) & _MASK
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return state, z ^ (z >> 31)


def _rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & _MASK


class _Xoshiro256:
    """xoshiro256** 1.0, its state four successive outputs of splitmix64 from the seed."""

    def __init__(self, seed):
        state, self.s = seed & _MASK, []
        for _ in range(4):
            state, value = _splitmix64(state)
            self.s.append(value)

    def next(self):
        s = self.s
        result = (_rotl((s[1] * 5) & _MASK, 7) * 9) & _MASK
        t = (s[1] << 17) & _MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = _rotl(s[3], 45)
        return result

    def below(self, bound):
        """A draw in [0, bound): Lemire's multiply-and-reject on 64-bit outputs."""
        m = self.next() * bound
        low = m & _MASK
        if low < bound:
            threshold = ((1 << 64) - bound) % bound
            while low < threshold:
                m = self.next() * bound
                low = m & _MASK
        return m >> 64


def kfold_assignment(n, k, shuffle=True, seed=DEFAULT_FOLD_SEED):
    """The fold of each of n samples under K-fold with these settings: sample i in fold
    perm[i] % k, perm the Fisher-Yates permutation drawn from `seed` (for i = n .. 2, swap
    entries i-1 and a draw in [0, i)) or the identity without shuffling. An int array."""
    perm = list(range(n))
    if shuffle:
        rng = _Xoshiro256(seed)
        for i in range(n, 1, -1):
            j = rng.below(i)
            perm[i - 1], perm[j] = perm[j], perm[i - 1]
    return np.array(perm, dtype=np.intc) % k


# -- what a call asks for ---------------------------------------------------------------

class FoldSpec:
    """The folds of one run, resolved from a call's `folds` and `fold_seed`.

    kind: 'default' (nothing is set: the library's 10 folds shuffled with seed 0),
    'kfold' (k, shuffle, seed) or 'ids' (ids: one C int per sample; column: the name of
    the file's fold column they came from, or None for ids given in the call)."""

    def __init__(self, kind, k=DEFAULT_FOLDS, shuffle=True, seed=DEFAULT_FOLD_SEED, ids=None,
                 column=None):
        self.kind, self.k, self.shuffle, self.seed = kind, k, shuffle, seed
        self.ids, self.column = ids, column

    def apply(self, set_folds, set_fold_ids, handle):
        """Set these folds on a configuration with its setters (smi_search_set_folds and
        smi_search_set_fold_ids, or the smi_lasso ones); the default sets nothing."""
        if self.kind == 'kfold':
            call(set_folds, handle, self.k, 1 if self.shuffle else 0, self.seed)
        elif self.kind == 'ids':
            call(set_fold_ids, handle, self.ids.ctypes.data_as(_INT_P), self.ids.size)

    def assignment(self, n):
        """The fold of each of the n samples (0..K-1) as the library assigns them."""
        if self.kind == 'ids':
            return np.unique(self.ids, return_inverse=True)[1].astype(np.intc)
        return kfold_assignment(n, self.k, self.shuffle, self.seed)

    def as_json(self):
        """{'k', 'seed', 'column'} as `sparsemi es --json` writes the folds of cv."""
        if self.kind == 'ids':
            return {'k': self.k, 'seed': None, 'column': self.column}
        return {'k': self.k, 'seed': self.seed if self.shuffle else None, 'column': None}


def _seed_arg(fold_seed):
    """(shuffle, seed) from fold_seed: None -> shuffled with seed 0; 'none' -> unshuffled;
    an integer in [0, 2**64) -> shuffled with it."""
    if fold_seed is None:
        return True, DEFAULT_FOLD_SEED
    if isinstance(fold_seed, str):
        if fold_seed == 'none':
            return False, 0
        raise ValueError("fold_seed must be an integer in [0, 2**64), None or 'none', not %r"
                         % (fold_seed,))
    try:
        seed = operator.index(fold_seed)
    except TypeError:
        raise TypeError("fold_seed must be an integer, None or 'none', not %r"
                        % (fold_seed,)) from None
    if not 0 <= seed < 2**64:
        raise ValueError('fold_seed must be an integer in [0, 2**64), not %d' % seed)
    return True, seed


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
        if not 2 <= k < 2**63:
            raise Error(_capi.SMI_EINVAL, '%d folds: K-fold cross-validation needs K >= 2' % k)
        shuffle, seed = _seed_arg(fold_seed)
        return FoldSpec('kfold', k=k, shuffle=shuffle, seed=seed)
    if fold_seed is not None:
        raise ValueError('fold_seed applies to folds=K, not to given fold ids')
    ids = _fold_ids(ds, folds)
    return FoldSpec('ids', k=len(np.unique(ids)), ids=ids)
