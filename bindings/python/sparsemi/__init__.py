"""sparsemi: Python bindings of libsparsemi, sparse modeling for materials science.

A thin numpy layer over the C library (include/sparsemi.h), which is found through the
environment variable SPARSEMI_LIBRARY, then the library installed with the package (or,
in a source tree, a meson build tree), then its soname. Every failure of a C call raises
sparsemi.Error carrying the status and the library's message: InvalidArgument (also a
ValueError and a TypeError) for SMI_EINVAL, NotFound (also a ValueError) for
SMI_ENOTFOUND; an argument of the wrong type (a result where a data set belongs) raises
TypeError before the library is called. Every setting left None is the library's default.
The status codes are module constants: sparsemi.SMI_OK, sparsemi.SMI_EINVAL, ...
"""

from . import _capi
from ._common import DataId, NamedArray
from ._lib import Error, InvalidArgument, NotFound, lib
from .dataset import Dataset, Problem
from .evidence import Evidence, EvidenceWarning, evidence
from .lasso import (LarsPath, LassoCV, LassoPath, Support, SupportRank, lars_path, lasso_cv,
                    lasso_path)
from .remc import RemcResult, remc
from .search import (DOS, Model, ModelAverage, Rank, SearchResult, exhaustive_search,
                     load_result, merge_results, score_subset)
from .vma import VmaModel, VmaResult, vma

__version__ = lib.smi_version_string().decode('ascii')

if lib.smi_version_number() // 10000 != _capi.SMI_VERSION_MAJOR:
    raise ImportError('libsparsemi %s loaded, but these bindings were generated for '
                      'major version %d' % (__version__, _capi.SMI_VERSION_MAJOR))

# The C constants (SMI_OK, SMI_E*, SMI_VERSION_*) as module attributes.
globals().update({k: v for k, v in vars(_capi).items() if k.startswith('SMI_')})

__all__ = ['DOS', 'DataId', 'Dataset', 'Error', 'Evidence', 'EvidenceWarning',
           'InvalidArgument', 'LarsPath', 'LassoCV', 'LassoPath', 'Model', 'ModelAverage',
           'NamedArray', 'NotFound', 'Problem', 'Rank', 'RemcResult',
           'SearchResult', 'Support', 'SupportRank', 'VmaModel', 'VmaResult', '__version__',
           'evidence', 'exhaustive_search', 'lars_path', 'lasso_cv', 'lasso_path',
           'load_result', 'merge_results', 'remc', 'score_subset', 'vma']
__all__ += sorted(k for k in vars(_capi) if k.startswith('SMI_'))
