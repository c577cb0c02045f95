"""The LARS path (smi_lars_run; include/sparsemi.h, "LARS")."""

import collections
import ctypes

import numpy as np

from . import _capi
from ._lib import Error, call, last_error, lib
from .search import _dptr, _size_arg

__all__ = ['LarsPath', 'lars_path']

LarsPath = collections.namedtuple('LarsPath', 'alphas coefficients intercepts active status')
LarsPath.__doc__ = """A LARS path: alphas (T knots, non-increasing), coefficients (T x p, original
units, columns in the data set's order), intercepts (T), active (per knot, the active
feature names in the order they entered), status (SMI_OK, or SMI_ESINGULAR when the path
stopped at a rank-deficient active set)."""

_METHODS = {'lar': _capi.SMI_LARS_LAR, 'lasso': _capi.SMI_LARS_LASSO}


def lars_path(ds, method='lasso', positive=False, max_steps=None):
    """Least angle regression of ds's target on its features (centred, standardised by
    their sd, coefficients reported in original units; alphas as scikit-learn's lars_path
    reports them on the standardised data). method: 'lar' or 'lasso'; positive: coefficients
    kept >= 0 ('lasso' only); max_steps: None for the whole path. Returns a LarsPath."""
    if method not in _METHODS:
        raise ValueError("method must be 'lar' or 'lasso', not %r" % (method,))
    steps = 0 if max_steps is None else _size_arg(max_steps, 'max_steps', minimum=1)
    handle = ctypes.c_void_p()
    status = lib.smi_lars_run(ds._h, _METHODS[method], 1 if positive else 0, steps,
                              ctypes.byref(handle))
    if status < 0:
        raise Error(status, last_error())
    try:
        T, p = lib.smi_lars_n_knots(handle), ds.p
        alphas, coef, icpt = np.empty(T), np.empty((T, p)), np.empty(T)
        call(lib.smi_lars_knots, handle, T, _dptr(alphas))
        call(lib.smi_lars_coefficients, handle, T * p, _dptr(coef), _dptr(icpt))
        names, active = ds.names, []
        buf, count = (ctypes.c_size_t * max(p, 1))(), ctypes.c_size_t()
        for t in range(T):
            call(lib.smi_lars_active, handle, t, p, buf, ctypes.byref(count))
            active.append([names[buf[i]] for i in range(count.value)])
        return LarsPath(alphas, coef, icpt, active, lib.smi_lars_status(handle))
    finally:
        lib.smi_lars_free(handle)
