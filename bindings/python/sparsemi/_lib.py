"""Loading libsparsemi and calling it: the one place where C status codes become Error.

The library is looked up in this order (DESIGN.md section 6):
  1. the path in the environment variable SPARSEMI_LIBRARY;
  2. for a package installed by `meson install` (which writes _installed.py beside this
     file): the library installed with it, PREFIX/LIBDIR/libsparsemi.so.0 (found relative
     to this folder, so a relocated or DESTDIR copy finds its own library);
     for the package in a source tree: a meson build tree, build*/lib/libsparsemi.so* in
     this package's folder or above, nearest first, build/ before other build* folders (a
     build linked against ASan is skipped unless libasan is in LD_PRELOAD: loading it
     would end the process);
  3. the soname, libsparsemi.so.0, wherever the dynamic loader finds it.
`path` is the file that was loaded.
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
    Error(status, message) makes the subclass of that status where there is one: an
    invalid argument (SMI_EINVAL) is an InvalidArgument, also a ValueError and a TypeError;
    an unknown name (SMI_ENOTFOUND) a NotFound, also a ValueError.
    """

    def __new__(cls, status=None, message=None):
        if cls is Error:
            cls = _SUBCLASSES.get(status, Error)
        return super().__new__(cls, status, message)

    def __init__(self, status, message=None):
        self.status = status
        self.name = strerror(status)
        super().__init__(message or self.name)

    def __reduce__(self):
        return (Error, (self.status, str(self)))


class InvalidArgument(Error, ValueError, TypeError):
    """SMI_EINVAL: an argument the library (or this layer, before calling it) refuses: a
    value out of range, a setting that does not apply, a result of other data."""


class NotFound(Error, ValueError):
    """SMI_ENOTFOUND: an unknown name (feature, criterion), or what a result does not hold."""


_SUBCLASSES = {_capi.SMI_EINVAL: InvalidArgument, _capi.SMI_ENOTFOUND: NotFound}


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


def _installed_candidates():
    """The library installed beside this package by `meson install` (_installed.py, written
    only into the installed copy, names the two folders relative to the prefix)."""
    try:
        from . import _installed
    except ImportError:
        return None
    prefix = _installed.PREFIX
    if not os.path.isabs(_installed.PYTHON_DIR):
        # PREFIX/PYTHON_DIR/sparsemi is this folder: find PREFIX from it, so that a copy
        # installed with DESTDIR, or moved with its prefix, finds its own library.
        prefix = os.path.dirname(os.path.abspath(__file__))
        for _ in os.path.normpath(os.path.join(_installed.PYTHON_DIR, 'sparsemi')).split(os.sep):
            prefix = os.path.dirname(prefix)
    found = os.path.join(prefix, _installed.LIB_DIR, 'libsparsemi.so.0')
    return [found] if os.path.isfile(found) else []


def _load():
    explicit = os.environ.get('SPARSEMI_LIBRARY')
    if explicit:
        return ctypes.CDLL(explicit)   # an explicit choice that fails is an error
    installed = _installed_candidates()
    # An installed package uses the installed library; a source tree its build tree.
    for path in installed if installed is not None else _build_tree_candidates():
        try:
            return ctypes.CDLL(path)
        except OSError:
            continue
    return ctypes.CDLL('libsparsemi.so.0')


_cdll = _load()
lib = _capi.bind(_cdll)
path = _cdll._name


def strerror(status):
    return lib.smi_strerror(status).decode('utf-8', 'replace')


def last_error():
    return lib.smi_last_error().decode('utf-8', 'replace')
