"""Loading libsparsemi and calling it: the one place where C status codes become Error.

The library is looked up in this order (DESIGN.md section 6):
  1. the path in the environment variable SPARSEMI_LIBRARY;
  2. a meson build tree: build*/lib/libsparsemi.so* in this package's folder or above,
     nearest first, build/ before other build* folders (a build linked against ASan is
     skipped unless libasan is in LD_PRELOAD: loading it would end the process);
  3. the soname, libsparsemi.so.0, wherever the dynamic loader finds it.
"""

import ctypes
import glob
import os
import re

from . import _capi


class Error(Exception):
    """A libsparsemi call failed.

    Attributes: status (the negative SMI_E* code), name (its short English name from
    smi_strerror). str(error) is the library's message from smi_last_error.
    """

    def __init__(self, status, message=None):
        self.status = status
        self.name = strerror(status)
        super().__init__(message or self.name)


def _links_asan(path):
    with open(path, 'rb') as f:
        return b'libasan.so' in f.read()


def _candidate_order(path):
    """build/ before other build* folders; in each, the soname link first."""
    build_dir = os.path.dirname(os.path.dirname(path))
    return (os.path.basename(build_dir) != 'build', build_dir, not path.endswith('.so.0'))


def _build_tree_candidates():
    folder = os.path.dirname(os.path.abspath(__file__))
    preloaded_asan = 'libasan' in os.environ.get('LD_PRELOAD', '')
    while True:
        found = [path for path in glob.glob(os.path.join(folder, 'build*', 'lib',
                                                         'libsparsemi.so*'))
                 if re.search(r'\.so(\.\d+)*$', path) and os.path.isfile(path)]
        for path in sorted(found, key=_candidate_order):
            if preloaded_asan or not _links_asan(path):
                yield path
        parent = os.path.dirname(folder)
        if parent == folder:
            return
        folder = parent


def _load():
    explicit = os.environ.get('SPARSEMI_LIBRARY')
    if explicit:
        return ctypes.CDLL(explicit)   # an explicit choice that fails is an error
    for path in _build_tree_candidates():
        try:
            return ctypes.CDLL(path)
        except OSError:
            continue
    return ctypes.CDLL('libsparsemi.so.0')


lib = _capi.bind(_load())


def strerror(status):
    return lib.smi_strerror(status).decode('utf-8', 'replace')


def last_error():
    return lib.smi_last_error().decode('utf-8', 'replace')


def call(func, *args):
    """Call a status-returning C function; raise Error for a negative status."""
    status = func(*args)
    if status < 0:
        raise Error(status, last_error())
    return status


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


class Handle:
    """Owner of one C handle: freed by close(), at the end of a `with` block, or when the
    object is collected. Subclasses set _free_name (the C function that frees it) and
    _kind (the name used in messages)."""

    _free_name = None
    _kind = 'object'
    _handle = None

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
