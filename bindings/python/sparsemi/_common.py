"""What the hand-written modules share: calling the library with its errors translated,
typed handles and configurations, argument checking, feature names and indices, arrays
in and out, the progress callback, and the identity of a result's data.

Errors: a negative status raises sparsemi.Error (InvalidArgument for SMI_EINVAL, also a
ValueError and a TypeError; NotFound for SMI_ENOTFOUND, also a ValueError); an argument of
the wrong ctypes type (a result where a data set belongs) raises TypeError, never reaches
the library.
"""

import collections
import ctypes
import os
import operator
import signal
import threading

import numpy as np

from . import _capi
from ._lib import Error, last_error, lib

DOUBLE_P = ctypes.POINTER(ctypes.c_double)
SIZE_P = ctypes.POINTER(ctypes.c_size_t)
UINT64_P = ctypes.POINTER(ctypes.c_uint64)
INT_P = ctypes.POINTER(ctypes.c_int)


# -- calling ---------------------------------------------------------------------------

_INTEGER_TYPES = (ctypes.c_int, ctypes.c_uint, ctypes.c_long, ctypes.c_ulong,
                  ctypes.c_longlong, ctypes.c_ulonglong, ctypes.c_size_t, ctypes.c_ssize_t,
                  ctypes.c_int32, ctypes.c_uint32, ctypes.c_int64, ctypes.c_uint64)


def _integer_range(ctype):
    """(lowest, highest) of a ctypes integer type."""
    bits = 8 * ctypes.sizeof(ctype)
    if ctype(-1).value < 0:
        return -2**(bits - 1), 2**(bits - 1) - 1
    return 0, 2**bits - 1


_RANGES = {t: _integer_range(t) for t in _INTEGER_TYPES}


def _check_integers(func, args):
    """InvalidArgument for a Python integer outside the range of its C parameter: ctypes
    would silently keep only the low bits (2**64 becomes 0, -1 becomes SIZE_MAX)."""
    for k, (arg, ctype) in enumerate(zip(args, getattr(func, 'argtypes', None) or ())):
        bounds = _RANGES.get(ctype)
        if bounds is None or isinstance(arg, bool) or not isinstance(arg, (int, np.integer)):
            continue
        lo, hi = bounds
        if not lo <= arg <= hi:
            raise invalid('%s: argument %d = %d is too %s for a C %s (%d to %d)'
                          % (getattr(func, '__name__', 'libsparsemi'), k + 1, arg,
                             'large' if arg > hi else 'small', ctype.__name__, lo, hi))


def cvalue(func, *args):
    """func(*args) for a C function that returns a value; TypeError for an argument of the
    wrong type (ctypes.ArgumentError), InvalidArgument for an integer out of its C type's
    range, before the library is called."""
    _check_integers(func, args)
    try:
        return func(*args)
    except ctypes.ArgumentError as exc:
        raise TypeError('%s: %s' % (getattr(func, '__name__', 'libsparsemi'), exc)) from None


def call(func, *args, allowed=()):
    """Call a status-returning C function; raise Error for a negative status that is not
    in `allowed`. Returns the status."""
    status = cvalue(func, *args)
    if status < 0 and status not in allowed:
        raise Error(status, last_error())
    return status


def invalid(message):
    """An InvalidArgument (sparsemi.Error SMI_EINVAL, a ValueError and a TypeError)."""
    return Error(_capi.SMI_EINVAL, message)


def path_arg(path, what='path'):
    """A file path as the C library takes it (bytes): TypeError for what is no path,
    InvalidArgument for a path holding a NUL byte, which C would silently cut there."""
    try:
        raw = os.fsencode(path)
    except TypeError:
        raise TypeError('%s must be a str, bytes or os.PathLike, not %s'
                        % (what, type(path).__name__)) from None
    if b'\0' in raw:
        raise invalid('%s %r holds a NUL byte' % (what, path))
    return raw


def encode(text):
    """str -> NUL-terminated UTF-8 bytes for a `const char *` argument (None stays None)."""
    if text is None:
        return None
    data = str(text).encode('utf-8')
    if b'\0' in data:
        raise ValueError('string contains a NUL character: %r' % text)
    return data


def decode(data):
    return None if data is None else data.decode('utf-8', 'replace')


def string_array(texts):
    """A C array `const char *[len(texts)]` of encoded strings (keep it alive while used)."""
    return (ctypes.c_char_p * len(texts))(*[encode(t) for t in texts])


def null(kind):
    """A NULL handle of C type smi_<kind> *, for an out-parameter (byref) to fill."""
    return ctypes.POINTER(getattr(_capi, 'smi_' + kind))()


# -- objects that own a handle ------------------------------------------------------------

class Handle:
    """Owner of one C handle: freed by close(), at the end of a `with` block, or when the
    object is collected. Subclasses set _free_name (the C function that frees it), _kind
    (the name used in messages) and _made_by (the functions that make one, for the
    TypeError of calling the class)."""

    _free_name = None
    _kind = 'object'
    _made_by = None
    _handle = None

    def __init__(self):
        raise TypeError('%s objects come from %s' % (type(self).__name__, self._made_by))

    def close(self):
        """Free the C object now; the Python object is unusable afterwards. Idempotent."""
        handle, self._handle = getattr(self, '_handle', None), None
        if handle and lib is not None:
            getattr(lib, self._free_name)(handle)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        self.close()

    @property
    def _h(self):
        if not self._handle:
            raise ValueError('the %s is closed' % self._kind)
        return self._handle


class Config:
    """A configuration handle smi_<thing> (search, lasso, lars, evidence, remc, vma):
    Config('search') makes one with the library's defaults (smi_search_create) and frees it
    on close or at the end of a `with` block; Config.view('search', ptr) reads one that a
    result owns. set(field, ...) and get(field, ctype, ...) call smi_<thing>_set_<field> and
    smi_<thing>_get_<field>; get returns the value, or a tuple for several."""

    def __init__(self, thing):
        self.thing, self.owned = thing, True
        handle = null(thing)
        call(getattr(lib, 'smi_%s_create' % thing), ctypes.byref(handle))
        self.handle = handle

    @classmethod
    def view(cls, thing, handle):
        self = cls.__new__(cls)
        self.thing, self.owned, self.handle = thing, False, handle
        return self

    def close(self):
        handle, self.handle = self.handle, None
        if handle and self.owned:
            getattr(lib, 'smi_%s_free' % self.thing)(handle)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        if getattr(self, 'handle', None) is not None and lib is not None:
            self.close()

    def set(self, field, *args):
        call(getattr(lib, 'smi_%s_set_%s' % (self.thing, field)), self.handle, *args)

    def get(self, field, *types):
        outs = [t() for t in types]
        call(getattr(lib, 'smi_%s_get_%s' % (self.thing, field)), self.handle,
             *[ctypes.byref(o) for o in outs])
        values = [o.value for o in outs]
        return values[0] if len(values) == 1 else tuple(values)

    def get_array(self, field, ctype):
        """An array getter's values (capacity in, count out), as a list."""
        func = getattr(lib, 'smi_%s_get_%s' % (self.thing, field))
        count = ctypes.c_size_t()   # SMI_EINVAL when there are values: count is set
        call(func, self.handle, 0, None, ctypes.byref(count), allowed=(_capi.SMI_EINVAL,))
        values = (ctype * max(count.value, 1))()
        call(func, self.handle, count.value, values, ctypes.byref(count))
        return list(values[:count.value])


def default(thing, field, *types):
    """The library's default of a setting: smi_<thing>_get_<field> on a fresh configuration."""
    with Config(thing) as cfg:
        return cfg.get(field, *types)


# -- arguments ---------------------------------------------------------------------------

def dataset_arg(ds, what='ds'):
    """ds itself when it is a sparsemi.Dataset (a Handle of an smi_dataset), else TypeError."""
    if not (isinstance(ds, Handle) and ds._free_name == 'smi_dataset_free'):
        raise TypeError('%s must be a sparsemi.Dataset, not %s' % (what, type(ds).__name__))
    return ds


def size_arg(value, what, minimum=0):
    """A Python integer for a size_t argument: TypeError for a non-integer,
    InvalidArgument (a ValueError) when out of range."""
    try:
        value = operator.index(value)
    except TypeError:
        raise TypeError('%s must be an integer, not %r' % (what, value)) from None
    if value < minimum:
        raise invalid('%s = %d: must be at least %d' % (what, value, minimum))
    if value >= 2**63:
        raise invalid('%s = %d is too large: at most 2**63 - 1 = %d' % (what, value, 2**63 - 1))
    return value


def seed_arg(value, what='seed'):
    """An integer in [0, 2**64) for a uint64_t seed."""
    try:
        value = operator.index(value)
    except TypeError:
        raise TypeError('%s must be an integer, not %r' % (what, value)) from None
    if not 0 <= value < 2**64:
        raise invalid('%s must be an integer in [0, 2**64), not %d' % (what, value))
    return value


def tuple_arg(value, length, what, form):
    """A sequence of `length` values, or ValueError naming the expected form."""
    try:
        values = tuple(value)
    except TypeError:
        raise ValueError('%s must be %s, not %r' % (what, form, value)) from None
    if len(values) != length:
        raise ValueError('%s must be %s, not %r' % (what, form, value))
    return values


def size_array(values):
    """A C size_t array holding `values` (at least one element, so never NULL)."""
    return (ctypes.c_size_t * max(len(values), 1))(*values)


def double_array(values, what, ndim=1):
    """A C-contiguous float64 copy of values with `ndim` dimensions, else ValueError."""
    out = np.ascontiguousarray(values, dtype=np.float64)
    if out.ndim != ndim:
        raise ValueError('%s must be a %d-d array' % (what, ndim))
    return out


def dptr(array):
    return array.ctypes.data_as(DOUBLE_P)


def read_doubles(func, handle, count, *more):
    """A float64 array of `count` values from func(handle, *more, capacity, out)."""
    out = np.empty(max(count, 0))
    call(func, handle, *more, count, dptr(out))
    return out


def feature_indices(ds, features, what):
    """Feature names or indices (or one of them) -> a list of indices into ds."""
    if features is None:
        return []
    if isinstance(features, (str, bytes)) or np.ndim(features) == 0:
        features = [features]
    out = []
    for f in features:
        if isinstance(f, bytes):
            f = f.decode('utf-8')
        if isinstance(f, str):
            out.append(ds.index(f))
        else:
            out.append(size_arg(f, what))
    return out


# -- criteria ------------------------------------------------------------------------------

def criterion_code(criterion):
    """A criterion name ('rss', 'aic', 'bic', 'fe', 'cv', 'loo', 'fe-ng', 'fe-opt',
    'fe-marg') or SMI_CRIT_* value -> the value (NotFound for an unknown one)."""
    if isinstance(criterion, str):
        code = ctypes.c_int()
        call(lib.smi_criterion_from_name, encode(criterion), ctypes.byref(code))
        return code.value
    try:
        code = operator.index(criterion)
    except TypeError:
        raise TypeError('criterion must be a name or an SMI_CRIT_* value, not %r'
                        % (criterion,)) from None
    if lib.smi_criterion_name(code) is None:
        raise Error(_capi.SMI_ENOTFOUND, 'unknown criterion %d' % code)
    return code


def criterion_name(code):
    return decode(lib.smi_criterion_name(code))


def criterion_label(code):
    """What the criterion's values are (smi_criterion_label), e.g. 'CV mean squared error'."""
    return decode(lib.smi_criterion_label(code))


def criterion_uses(code, flag):
    """Whether criterion `code` has the SMI_CRITERION_* property `flag`."""
    return bool(lib.smi_criterion_flags(code) & flag)


# -- results with feature names -------------------------------------------------------------

class NamedArray(np.ndarray):
    """A numpy array whose last axis runs over named features.

    features: the names (a tuple, None once an operation changes the last axis);
    a['name']: the value (or column) of that feature; keys(), items(), as_dict() as for a
    mapping name -> value. Everything else is numpy's."""

    def __new__(cls, values, features):
        obj = np.asarray(values).view(cls)
        obj._features = tuple(features)
        return obj

    def __array_finalize__(self, obj):
        self._features = getattr(obj, '_features', None)

    def __array_wrap__(self, arr, context=None, *args):
        arr = np.ndarray.__array_wrap__(self, arr, context, *args)
        return arr[()] if arr.ndim == 0 else arr

    @property
    def features(self):
        names = self._features
        if names is None or self.ndim == 0 or self.shape[-1] != len(names):
            return None
        return names

    def _column(self, name):
        names = self.features
        if names is None or name not in names:
            raise KeyError(name)
        return names.index(name)

    def __getitem__(self, key):
        if isinstance(key, str):
            return np.asarray(self)[..., self._column(key)]
        return super().__getitem__(key)

    def keys(self):
        return list(self.features or ())

    def items(self):
        return [(name, self[name]) for name in self.keys()]

    def as_dict(self):
        """dict name -> float (1-d) or name -> column array (2-d)."""
        return {name: (float(v) if np.ndim(v) == 0 else np.array(v)) for name, v in self.items()}


def named(values, features):
    """A read-only NamedArray."""
    out = NamedArray(values, features)
    out.flags.writeable = False
    return out


DataId = collections.namedtuple('DataId', 'n p features target fingerprint')
DataId.__doc__ = """The identity of the data a result was computed on (smi_<thing>_result_data,
smi_dataset_id): n samples, p features, the feature names (a tuple), the target's name,
and the library's 64-bit fingerprint of the values and names."""


def data_id(ptr):
    """A DataId from a `const smi_data_id *` (None for NULL)."""
    if not ptr:
        return None
    p = lib.smi_data_id_p(ptr)
    return DataId(n=lib.smi_data_id_n(ptr), p=p,
                  features=tuple(decode(lib.smi_data_id_feature_name(ptr, j))
                                 for j in range(p)),
                  target=decode(lib.smi_data_id_target_name(ptr)),
                  fingerprint=lib.smi_data_id_fingerprint(ptr))


def same_data(ident, ds):
    """Whether the DataId `ident` is ds's identity (same n, p and fingerprint, as
    smi_data_id_matches decides)."""
    dataset_arg(ds)
    own = lib.smi_dataset_id(ds._h)
    return (ident is not None and ident.n == lib.smi_data_id_n(own)
            and ident.p == lib.smi_data_id_p(own)
            and ident.fingerprint == lib.smi_data_id_fingerprint(own))


class DataResult:
    """What every result shares: `data` (its DataId, set by the subclass) and matches(ds)."""

    __slots__ = ()

    def matches(self, ds):
        """Whether ds is the data set this result was computed on (same n, p and
        fingerprint: smi_data_id_matches)."""
        return same_data(self.data, ds)

    def _require(self, ds, what):
        """InvalidArgument unless ds is this result's data."""
        if not self.matches(ds):
            raise invalid('%s: the %s was computed on other data (n=%d, p=%d) than this '
                          'data set (n=%d, p=%d)' % (what, type(self).__name__, self.data.n,
                                                     self.data.p, ds.n, ds.p))


# -- the progress callback ----------------------------------------------------------------------

class Progress:
    """The C progress callback: calls `progress(fraction)` and cancels the run (returns 1)
    when it raises, or when SIGINT arrives; `raise_pending()` then raises that exception.

    While the run lasts (in the main thread, with Python's default SIGINT handler), SIGINT
    is caught by a handler that only records it: Python runs signal handlers when the main
    thread next executes Python code, which during a search is this callback's first line,
    where an exception could not be caught and ctypes would print and drop it."""

    def __init__(self, progress):
        if progress is not None and not callable(progress):
            raise TypeError('progress must be a callable(fraction) or None')
        self.progress = progress
        self.error = None
        self.interrupted = False
        self.saved_handler = None
        # Keep this object alive for as long as the C library may call it.
        self.c_func = _capi.smi_progress_fn(self._call)

    def _call(self, user, fraction):
        if self.error is not None or self.interrupted:
            return 1
        try:
            if self.progress is not None:
                self.progress(fraction)
        except BaseException as exc:  # KeyboardInterrupt, SystemExit included
            self.error = exc
        return 1 if self.error is not None or self.interrupted else 0

    def _on_sigint(self, signum, frame):
        self.interrupted = True

    def __enter__(self):
        if (threading.current_thread() is threading.main_thread()
                and signal.getsignal(signal.SIGINT) is signal.default_int_handler):
            self.saved_handler = signal.signal(signal.SIGINT, self._on_sigint)
        return self

    def __exit__(self, *exc):
        if self.saved_handler is not None:
            signal.signal(signal.SIGINT, self.saved_handler)
            self.saved_handler = None

    def raise_pending(self):
        error, self.error = self.error, None
        if error is not None:
            try:
                raise error
            finally:
                error = None   # no reference cycle through the traceback
        if self.interrupted:
            raise KeyboardInterrupt

    def run(self, func, *args, free=None):
        """status = func(*args) under this callback; then the callback's exception (it
        caused SMI_ECANCELED) or the Error of a negative status. free: called with the
        last argument (the out-parameter's object) when the run does not return."""
        try:
            status = cvalue(func, *args)
            message = last_error() if status < 0 else None
        finally:
            self.__exit__()
        try:
            self.raise_pending()
            if status < 0:
                raise Error(status, message)
        except BaseException:
            out = args[-1]._obj if hasattr(args[-1], '_obj') else None
            if free is not None and out:
                free(out)
            raise
        return status
