"""The generated bindings cover the header: every function, constant and struct layout.

The references are the header text itself (read with regular expressions, not pycparser)
and, for struct layouts, the C compiler.
"""

import ctypes
import os
import re
import runpy
import shutil
import subprocess
import sys
import types

import pytest

from sparsemi import _capi
from sparsemi._lib import lib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HEADER = os.path.join(ROOT, 'include', 'sparsemi.h')
GENBIND = os.path.join(ROOT, 'bindings', 'gen', 'genbind.py')
JULIA = os.path.join(ROOT, 'bindings', 'julia', 'src', 'LibSparseMI.jl')
CAPI = os.path.join(ROOT, 'bindings', 'python', 'sparsemi', '_capi.py')


def header_text():
    with open(HEADER, encoding='utf-8') as f:
        return f.read()


def header_prototypes():
    """[(name, return type text, [parameter texts])] of every SMI_API function."""
    text = header_text()
    found = []
    for match in re.finditer(r'^SMI_API\b([^;(]*?)\b(smi_\w+)\s*\(', text, re.M):
        depth, start = 1, match.end()
        end = start
        while depth:
            depth += {'(': 1, ')': -1}.get(text[end], 0)
            end += 1
        params, depth, piece = [], 0, ''
        for ch in text[start:end - 1]:
            depth += {'(': 1, ')': -1}.get(ch, 0)
            if ch == ',' and depth == 0:
                params.append(piece.strip())
                piece = ''
            else:
                piece += ch
        params.append(piece.strip())
        if params == ['void']:
            params = []
        found.append((match.group(2), ' '.join(match.group(1).split()), params))
    return found


def test_capi_binds_every_header_function_in_order():
    names = [name for name, _, _ in header_prototypes()]
    assert len(names) > 20
    assert list(_capi.FUNCTIONS) == names


def test_argtypes_and_restypes_follow_the_header():
    expected_restype = {'int': ctypes.c_int, 'void': None, 'size_t': ctypes.c_size_t, 'uint64_t': ctypes.c_uint64,
                        'double': ctypes.c_double, 'const char *': ctypes.c_char_p}
    for name, ret, params in header_prototypes():
        func = getattr(lib, name)
        assert len(func.argtypes) == len(params), name
        handle = re.match(r'(?:const )?(smi_\w+) \*$', ret)
        if handle:   # an opaque handle (a configuration, a data identity): its own type
            assert func.restype is ctypes.POINTER(getattr(_capi, handle.group(1))), (name, ret)
        else:
            assert func.restype is expected_restype[ret], (name, ret)
        for param, argtype in zip(params, func.argtypes):
            handle = re.match(r'(?:const )?(smi_\w+) \*(?:const )?(\*)?\w+$', param)
            if handle and handle.group(1) != 'smi_csv_options':
                want = ctypes.POINTER(getattr(_capi, handle.group(1)))
                if handle.group(2):   # an out-parameter or an array of handles
                    want = ctypes.POINTER(want)
                assert argtype is want, (name, param)
            elif re.match(r'(const )?double \*\w+$', param):
                assert argtype is ctypes.POINTER(ctypes.c_double), (name, param)
            elif re.match(r'size_t \w+$', param):
                assert argtype is ctypes.c_size_t, (name, param)
            elif re.match(r'uint64_t \w+$', param):
                assert argtype is ctypes.c_uint64, (name, param)


def test_every_opaque_handle_has_its_own_type():
    names = re.findall(r'^typedef struct (smi_\w+) \1;', header_text(), re.M)
    assert len(names) > 10 and 'smi_dataset' in names and 'smi_search_result' in names
    assert [h.__name__ for h in _capi.HANDLES] == names
    assert len({ctypes.POINTER(h) for h in _capi.HANDLES}) == len(names)


def test_a_handle_of_another_type_is_refused_by_ctypes():
    """A result where a data set belongs never reaches the library: ctypes refuses it,
    and the hand-written layer makes that a TypeError."""
    import sparsemi
    from sparsemi._common import call, cvalue
    X = [[0.0, 1.0], [1.0, 0.5], [2.0, 2.5], [3.0, 2.0]]
    with sparsemi.Dataset(X, [1.0, 2.0, 2.5, 4.5]) as ds:
        res = sparsemi.exhaustive_search(ds, criterion='aic')
        with pytest.raises(ctypes.ArgumentError):
            lib.smi_dataset_n(res._h)
        with pytest.raises(ctypes.ArgumentError):
            lib.smi_search_result_n_models(ds._h)
        with pytest.raises(ctypes.ArgumentError):
            lib.smi_dataset_n(ctypes.c_void_p(12345))
        with pytest.raises(TypeError) as info:
            cvalue(lib.smi_dataset_n, res._h)
        assert 'smi_dataset' in str(info.value)
        with pytest.raises(TypeError):
            call(lib.smi_dataset_get_y, res._h, None, 0)
        for wrong in (res, object(), None):
            with pytest.raises(TypeError):
                sparsemi.exhaustive_search(wrong)
            with pytest.raises(TypeError):
                sparsemi.lasso_cv(wrong)
        assert lib.smi_dataset_n(ds._h) == 4   # the right type still works


def test_constants_match_the_header():
    macros = re.findall(r'^#define (SMI_\w+) \(?(-?\d+)\)?', header_text(), re.M)
    assert len(macros) > 15
    for name, value in macros:
        assert getattr(_capi, name) == int(value), name
    assert _capi.SMI_VERSION_NUMBER == (_capi.SMI_VERSION_MAJOR * 10000
                                        + _capi.SMI_VERSION_MINOR * 100
                                        + _capi.SMI_VERSION_PATCH)


@pytest.mark.skipif(not shutil.which('cc'), reason='no C compiler')
def test_csv_options_layout_matches_the_c_compiler(tmp_path):
    fields = [name for name, _ in _capi.smi_csv_options._fields_]
    prog = tmp_path / 'layout.c'
    prog.write_text('#include <stdio.h>\n#include <stddef.h>\n#include "sparsemi.h"\n'
                    'int main(void) {\n'
                    '    printf("%zu\\n", sizeof(smi_csv_options));\n'
                    + ''.join('    printf("%%zu\\n", offsetof(smi_csv_options, %s));\n' % f
                              for f in fields)
                    + '    return 0;\n}\n')
    exe = str(tmp_path / 'layout')
    subprocess.run(['cc', '-std=c11', '-I', os.path.join(ROOT, 'include'), str(prog),
                    '-o', exe], check=True)
    numbers = [int(v) for v in subprocess.run([exe], check=True, capture_output=True,
                                               text=True).stdout.split()]
    assert numbers[0] == ctypes.sizeof(_capi.smi_csv_options)
    assert numbers[1:] == [getattr(_capi.smi_csv_options, f).offset for f in fields]


def test_bind_names_missing_functions():
    fake = types.SimpleNamespace(**{name: types.SimpleNamespace()
                                    for name in _capi.FUNCTIONS[1:]})
    with pytest.raises(AttributeError, match=_capi.FUNCTIONS[0]):
        _capi.bind(fake)
    setattr(fake, _capi.FUNCTIONS[0], types.SimpleNamespace())
    assert _capi.bind(fake) is fake


def test_julia_wraps_every_function():
    with open(JULIA, encoding='utf-8') as f:
        text = f.read()
    for name, _, params in header_prototypes():
        assert 'ccall((:%s, libsparsemi)' % name in text, name
        assert re.search(r'^function %s\(([^)]*)\)$' % name, text, re.M), name
    for name in re.findall(r'^#define (SMI_\w+) \(?-?\d+\)?', header_text(), re.M):
        assert re.search(r'^const %s = ' % name, text, re.M), name


def test_generator_is_deterministic_and_committed_files_are_current(tmp_path):
    outputs = []
    for run in ('a', 'b'):
        subprocess.run([sys.executable, GENBIND, '--outdir', str(tmp_path / run)],
                       check=True, capture_output=True)
        outputs.append([(tmp_path / run / rel).read_bytes()
                        for rel in (os.path.relpath(CAPI, ROOT), os.path.relpath(JULIA, ROOT))])
    assert outputs[0] == outputs[1]
    committed = [open(path, 'rb').read() for path in (CAPI, JULIA)]
    assert outputs[0] == committed


def test_generator_handles_enums_arrays_and_callbacks(tmp_path):
    header = tmp_path / 'demo.h'
    header.write_text('''#include <stddef.h>
#include <stdint.h>
#define SMI_API
#define SMI_LIMIT (1 << 4) /* a limit */
typedef enum smi_kind { SMI_KIND_A, SMI_KIND_B = 5, SMI_KIND_C } smi_kind;
typedef struct smi_h smi_h;
typedef struct { size_t struct_size; double w[SMI_LIMIT]; smi_kind kind; } smi_opts;
typedef int (*smi_cb)(void *user, double fraction);
SMI_API int smi_run(smi_h *h, const smi_opts *opt, smi_cb cb, void *user, uint32_t *out);
SMI_API smi_kind smi_first(void);
''')
    subprocess.run([sys.executable, GENBIND, '--header', str(header),
                    '--outdir', str(tmp_path)], check=True, capture_output=True)
    capi = runpy.run_path(str(tmp_path / os.path.relpath(CAPI, ROOT)))
    assert (capi['SMI_LIMIT'], capi['SMI_KIND_A'], capi['SMI_KIND_B'],
            capi['SMI_KIND_C']) == (16, 0, 5, 6)
    opts = capi['smi_opts']
    assert ctypes.sizeof(opts) == 8 + 16 * 8 + 8
    run = dict((name, args) for name, _, args in capi['SIGNATURES'])['smi_run']
    assert capi['HANDLES'] == (capi['smi_h'],)
    assert run[0] is ctypes.POINTER(capi['smi_h']) and run[2] is capi['smi_cb']
    assert run[3] is ctypes.c_void_p
    assert run[4] is ctypes.POINTER(ctypes.c_uint32)
    julia = (tmp_path / os.path.relpath(JULIA, ROOT)).read_text()
    assert 'w::NTuple{16, Cdouble}' in julia and 'const smi_kind = Cint' in julia
