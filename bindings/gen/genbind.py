#!/usr/bin/python3
"""Generate libsparsemi's Python (ctypes) and Julia (ccall) bindings from its header.

    genbind.py [--header PATH] [--outdir ROOT] [--check]

The header is run through the C preprocessor against pycparser's fake libc headers (so
that size_t, uint64_t ... keep their names) and parsed with pycparser. Integer macros
(SMI_*) are read from the header text, since the preprocessor removes them. Written:

    ROOT/bindings/python/sparsemi/_capi.py   constants, ctypes types, bind(lib)
    ROOT/bindings/julia/src/LibSparseMI.jl   constants, Julia structs, ccall wrappers

In Python every opaque handle (`typedef struct smi_x smi_x;`) becomes a ctypes.Structure
class of its own (listed in HANDLES), and functions take and return ctypes.POINTER(smi_x):
ctypes then refuses, with an ArgumentError, a pointer to another handle where this one
belongs (the hand-written layer makes that a TypeError). Julia keeps Ptr{Cvoid}.

Everything is emitted in header order, so the output depends on the header alone.
--check writes nothing: it prints a diff and exits 1 when a file differs from what would
be written (the meson test `bindings-sync`). Needs Python 3 and pycparser (Debian:
python3-pycparser) and a C compiler (`cc`, or $CC) for preprocessing.
"""

import argparse
import ast
import difflib
import os
import re
import shlex
import subprocess
import sys

from pycparser import c_ast, c_parser

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PY_OUT = os.path.join('bindings', 'python', 'sparsemi', '_capi.py')
JL_OUT = os.path.join('bindings', 'julia', 'src', 'LibSparseMI.jl')
COMMAND = '/usr/bin/python3 bindings/gen/genbind.py'

FAKE_LIBC = [
    '/usr/share/python3-pycparser/fake_libc_include',
    '/usr/share/pycparser/fake_libc_include',
    os.path.join(os.path.dirname(c_parser.__file__), 'utils', 'fake_libc_include'),
]

# C scalar type -> (ctypes name or None for void, Julia name)
BASE = {
    'void': (None, 'Cvoid'),
    '_Bool': ('c_bool', 'Bool'), 'bool': ('c_bool', 'Bool'),
    'char': ('c_char', 'Cchar'),
    'signed char': ('c_byte', 'Int8'), 'unsigned char': ('c_ubyte', 'UInt8'),
    'short': ('c_short', 'Cshort'), 'unsigned short': ('c_ushort', 'Cushort'),
    'int': ('c_int', 'Cint'), 'unsigned int': ('c_uint', 'Cuint'),
    'long': ('c_long', 'Clong'), 'unsigned long': ('c_ulong', 'Culong'),
    'long long': ('c_longlong', 'Clonglong'),
    'unsigned long long': ('c_ulonglong', 'Culonglong'),
    'float': ('c_float', 'Cfloat'), 'double': ('c_double', 'Cdouble'),
    'size_t': ('c_size_t', 'Csize_t'), 'ptrdiff_t': ('c_ssize_t', 'Cptrdiff_t'),
    'int8_t': ('c_int8', 'Int8'), 'uint8_t': ('c_uint8', 'UInt8'),
    'int16_t': ('c_int16', 'Int16'), 'uint16_t': ('c_uint16', 'UInt16'),
    'int32_t': ('c_int32', 'Int32'), 'uint32_t': ('c_uint32', 'UInt32'),
    'int64_t': ('c_int64', 'Int64'), 'uint64_t': ('c_uint64', 'UInt64'),
}
SPELLING = {'signed': 'int', 'unsigned': 'unsigned int', 'signed int': 'int',
            'short int': 'short', 'unsigned short int': 'unsigned short',
            'long int': 'long', 'unsigned long int': 'unsigned long',
            'long long int': 'long long', 'unsigned long long int': 'unsigned long long'}

JULIA_RESERVED = set('''baremodule begin break catch const continue do else elseif end
    export false finally for function global if import in isa let local macro module
    quote return struct true try using where while'''.split())


class Api:
    """What the header declares, in header order.

    Types are tuples: ('name', spelling, const) for scalars and typedef names,
    ('struct', tag, const), ('enum', tag, const), ('ptr', target, const),
    ('array', element, length), ('func', return_type, [(param_name, type), ...]).
    """

    def __init__(self):
        self.constants = []   # (name, value, comment)
        self.typedefs = {}    # name -> type
        self.order = []       # ('typedef', name) or ('struct', tag), as declared
        self.structs = {}     # tag -> [(field, type)] or None when opaque
        self.functions = []   # (name, return type, [(param, type)])


# ----------------------------------------------------------------------------------
# Reading the header
# ----------------------------------------------------------------------------------

def preprocess(header):
    fake = next((d for d in FAKE_LIBC if os.path.isdir(d)), None)
    cc = shlex.split(os.environ.get('CC', 'cc'))
    cmd = cc + ['-E', '-std=c11', '-D__attribute__(x)=', '-D__extension__=',
                '-D__restrict=', '-D__inline=', '-D__asm__(x)=']
    if fake:
        cmd += ['-nostdinc', '-I', fake]
    try:
        run = subprocess.run(cmd + [header], capture_output=True, text=True)
    except OSError as e:
        raise SystemExit('genbind: cannot run the preprocessor %s: %s' % (cc[0], e))
    if run.returncode != 0:
        raise SystemExit('genbind: %s failed:\n%s' % (' '.join(cmd), run.stderr))
    return run.stdout


def parse_header(header):
    api = Api()
    text = open(header, encoding='utf-8').read()
    api.constants = read_macros(text)
    known = {name: value for name, value, _ in api.constants}
    ast_root = c_parser.CParser().parse(preprocess(header), header)
    base = os.path.basename(header)
    for node in ast_root.ext:
        if os.path.basename(node.coord.file) != base:
            continue
        if isinstance(node, c_ast.Typedef):
            collect_tags(api, node.type, known, node.name)
            api.typedefs[node.name] = ctype(node.type, known)
            api.order.append(('typedef', node.name))
        elif isinstance(node, c_ast.Decl) and isinstance(node.type, c_ast.FuncDecl):
            func = ctype(node.type, known)
            api.functions.append((node.name, func[1], func[2]))
        elif isinstance(node, c_ast.Decl):
            collect_tags(api, node.type, known, None)
        else:
            raise SystemExit('genbind: unsupported declaration at %s' % node.coord)
    return api


def read_macros(text):
    """Integer object-like macros SMI_*, with their trailing comment."""
    text = text.replace('\\\n', ' ')
    found = {}
    pattern = re.compile(r'^\s*#\s*define\s+(SMI_\w+)(?!\()[ \t]+(.+?)\s*$', re.M)
    for match in pattern.finditer(text):
        name, rest = match.groups()
        comment = ''
        com = re.search(r'/\*(.*?)(?:\*/|$)|//(.*)', rest)   # may go on below
        if com:
            comment = (com.group(1) or com.group(2) or '').strip()
            rest = rest[:com.start()].strip()
        value = int_value(rest, {k: v for k, (v, _) in found.items()})
        if value is None:
            continue
        if name in found and found[name][0] != value:
            raise SystemExit('genbind: %s is defined with two values' % name)
        found.setdefault(name, (value, comment))
    return [(name, value, comment) for name, (value, comment) in found.items()]


def int_value(expr, known):
    """The value of an integer constant expression over `known` names, else None."""
    expr = re.sub(r'\b(0[xX][0-9a-fA-F]+|\d+)[uUlL]*\b', r'\1', expr)
    try:
        tree = ast.parse(expr, mode='eval')
    except SyntaxError:
        return None
    ops = {ast.Add: int.__add__, ast.Sub: int.__sub__, ast.Mult: int.__mul__,
           ast.LShift: int.__lshift__, ast.RShift: int.__rshift__,
           ast.BitOr: int.__or__, ast.BitAnd: int.__and__, ast.BitXor: int.__xor__,
           ast.USub: int.__neg__, ast.UAdd: int.__pos__, ast.Invert: int.__invert__}

    def ev(node):
        if isinstance(node, ast.Constant) and type(node.value) is int:
            return node.value
        if isinstance(node, ast.Name) and node.id in known:
            return known[node.id]
        if isinstance(node, ast.BinOp) and type(node.op) in ops:
            return ops[type(node.op)](ev(node.left), ev(node.right))
        if isinstance(node, ast.UnaryOp) and type(node.op) in ops:
            return ops[type(node.op)](ev(node.operand))
        raise ValueError(expr)

    try:
        return ev(tree.body)
    except (ValueError, TypeError):
        return None


def c_int_value(node, known):
    """Evaluate an integer constant expression given as a pycparser node."""
    value = None
    if isinstance(node, c_ast.Constant):
        value = int_value(node.value, known)
    elif isinstance(node, c_ast.ID):
        value = known.get(node.name)
    elif isinstance(node, c_ast.UnaryOp):
        value = int_value('%s(%d)' % (node.op, c_int_value(node.expr, known)), {})
    elif isinstance(node, c_ast.BinaryOp):
        left, right = c_int_value(node.left, known), c_int_value(node.right, known)
        value = int_value('(%d) %s (%d)' % (left, node.op, right), {})
    if value is None:
        raise SystemExit('genbind: cannot evaluate the constant at %s' % node.coord)
    return value


def collect_tags(api, node, known, typedef_name):
    """Record struct definitions and enum values met anywhere inside a declaration."""
    if isinstance(node, (c_ast.TypeDecl, c_ast.PtrDecl, c_ast.ArrayDecl)):
        collect_tags(api, node.type, known, typedef_name)
    elif isinstance(node, c_ast.FuncDecl):
        collect_tags(api, node.type, known, None)
    elif isinstance(node, c_ast.Union):
        raise SystemExit('genbind: unions are not supported (%s)' % node.coord)
    elif isinstance(node, c_ast.Struct):
        if node.name is None:
            node.name = typedef_name
        if node.decls is not None:
            fields = []
            for decl in node.decls:
                collect_tags(api, decl.type, known, None)
                fields.append((decl.name, ctype(decl.type, known)))
            api.structs[node.name] = fields
            api.order.append(('struct', node.name))
        else:
            api.structs.setdefault(node.name, None)
    elif isinstance(node, c_ast.Enum) and node.values is not None:
        value = -1
        for item in node.values.enumerators:
            value = value + 1 if item.value is None else c_int_value(item.value, known)
            known[item.name] = value
            api.constants.append((item.name, value, ''))


def ctype(node, known):
    """The type tuple (see Api) of a pycparser type node; `known`: constants so far."""
    if isinstance(node, c_ast.TypeDecl):
        const = 'const' in node.quals
        inner = node.type
        if isinstance(inner, c_ast.IdentifierType):
            spelling = ' '.join(inner.names)
            return ('name', SPELLING.get(spelling, spelling), const)
        if isinstance(inner, c_ast.Struct):
            return ('struct', inner.name, const)
        if isinstance(inner, c_ast.Enum):
            return ('enum', inner.name, const)
    if isinstance(node, c_ast.PtrDecl):
        return ('ptr', ctype(node.type, known), 'const' in node.quals)
    if isinstance(node, c_ast.ArrayDecl):
        return ('array', ctype(node.type, known), c_int_value(node.dim, known))
    if isinstance(node, c_ast.FuncDecl):
        params = []
        for i, param in enumerate(node.args.params if node.args else []):
            if isinstance(param, c_ast.EllipsisParam):
                raise SystemExit('genbind: variadic functions are not supported (%s)'
                                 % param.coord)
            t = ctype(param.type, known)
            if t[:2] == ('name', 'void'):
                continue
            params.append((param.name or 'arg%d' % (i + 1), t))
        return ('func', ctype(node.type, known), params)
    raise SystemExit('genbind: unsupported type at %s' % node.coord)


# ----------------------------------------------------------------------------------
# Type mapping
# ----------------------------------------------------------------------------------

def resolve(api, t):
    """Follow typedef names down to a scalar, struct, enum, pointer or function."""
    while t[0] == 'name' and t[1] in api.typedefs:
        t = api.typedefs[t[1]]
    return t


def is_opaque(api, t):
    t = resolve(api, t)
    return t[0] == 'struct' and api.structs.get(t[1]) is None


def struct_name(api, tag):
    """A struct's name in the bindings: its typedef name when it has one."""
    for name, t in api.typedefs.items():
        if t[0] == 'struct' and t[1] == tag:
            return name
    return tag


def base(spelling):
    if spelling not in BASE:
        raise SystemExit('genbind: no mapping for C type %r' % spelling)
    return BASE[spelling]


def py_type(api, t):
    kind = t[0]
    if kind == 'name' and t[1] not in api.typedefs:
        ctypes_name = base(t[1])[0]
        return 'ctypes.' + ctypes_name if ctypes_name else 'None'
    if kind == 'name':
        target = resolve(api, t)
        if target[0] == 'struct':
            return py_type(api, target)
        return t[1]   # an alias emitted in the Types section
    if kind == 'struct':
        if api.structs.get(t[1]) is None:
            raise SystemExit('genbind: opaque struct %s used by value' % t[1])
        return struct_name(api, t[1])
    if kind == 'enum':
        return 'ctypes.c_int'
    if kind == 'array':
        return '(%s * %d)' % (py_type(api, t[1]), t[2])
    if kind == 'ptr':
        target = resolve(api, t[1])
        if target[0] == 'name' and target[1] == 'char':
            return 'ctypes.c_char_p'
        if target[:2] == ('name', 'void'):
            return 'ctypes.c_void_p'
        if is_opaque(api, target):   # a handle: its own pointer type (see render_python)
            return 'ctypes.POINTER(%s)' % struct_name(api, target[1])
        if target[0] == 'func':
            return py_functype(api, target)
        return 'ctypes.POINTER(%s)' % py_type(api, t[1])
    raise SystemExit('genbind: no Python mapping for %r' % (t,))


def py_functype(api, func):
    types = [py_type(api, func[1])] + [py_type(api, p) for _, p in func[2]]
    return 'ctypes.CFUNCTYPE(%s)' % ', '.join(types)


def jl_type(api, t, defined=None):
    kind = t[0]
    if kind == 'name' and t[1] not in api.typedefs:
        return base(t[1])[1]
    if kind == 'name':
        target = resolve(api, t)
        if target[0] in ('struct', 'name'):
            return jl_type(api, target, defined)
        return t[1]   # an alias emitted in the Types section
    if kind == 'struct':
        name = struct_name(api, t[1])
        if api.structs.get(t[1]) is None or (defined is not None and name not in defined):
            return 'Cvoid'
        return name
    if kind == 'enum':
        return 'Cint'
    if kind == 'array':
        return 'NTuple{%d, %s}' % (t[2], jl_type(api, t[1], defined))
    if kind == 'ptr':
        return 'Ptr{%s}' % jl_type(api, t[1], defined)
    if kind == 'func':
        return 'Cvoid'
    raise SystemExit('genbind: no Julia mapping for %r' % (t,))


def c_decl(t, name=''):
    """C spelling of a type tuple, declaring `name`."""
    kind = t[0]
    if kind == 'ptr':
        inner = '*' + ('const ' if t[2] else '') + name
        if t[1][0] in ('func', 'array'):
            inner = '(' + inner + ')'
        return c_decl(t[1], inner)
    if kind == 'array':
        return c_decl(t[1], '%s[%d]' % (name, t[2]))
    if kind == 'func':
        params = ', '.join(c_decl(p, n) for n, p in t[2]) or 'void'
        return c_decl(t[1], '%s(%s)' % (name, params))
    spelling = {'struct': 'struct ', 'enum': 'enum '}.get(kind, '') + t[1]
    decl = ('const ' if t[2] else '') + spelling
    return decl + ' ' + name if name else decl


# ----------------------------------------------------------------------------------
# Writing the bindings
# ----------------------------------------------------------------------------------

def banner(comment, header_rel):
    return [comment + ' Generated by bindings/gen/genbind.py from %s: do not edit.' % header_rel,
            comment + ' Regenerate with `%s`; `--check` compares.' % COMMAND]


def render_python(api, header_rel):
    out = banner('#', header_rel)
    out += ['"""ctypes declarations of the libsparsemi C API: constants, types, bind(lib)."""',
            '', 'import ctypes', '', '# Constants (integer macros and enum values)']
    for name, value, comment in api.constants:
        out.append('%s = %d' % (name, value) + ('  # ' + comment if comment else ''))
    structs, handles = [], []
    out += ['', '# Types']
    for kind, name in api.order:
        if kind == 'struct':
            structs.append(name)
            out += ['', '', 'class %s(ctypes.Structure):' % struct_name(api, name),
                    '    """C: struct %s."""' % name, '']
            continue
        target = api.typedefs[name]
        res = resolve(api, target)
        if res[0] == 'struct' and is_opaque(api, res) and struct_name(api, res[1]) == name:
            # An opaque handle gets a class of its own, so that ctypes refuses a pointer
            # to another handle where this one belongs (an ArgumentError).
            out += ['', '', 'class %s(ctypes.Structure):' % name,
                    '    """C: struct %s, opaque (used through pointers only)."""' % res[1]]
            handles.append(name)
            continue
        if res[0] == 'struct':
            continue   # a struct with fields: its class is emitted above
        alias = py_functype(api, target) if target[0] == 'func' else py_type(api, target)
        out += ['', '# typedef ' + c_decl(target, name), '%s = %s' % (name, alias)]
    for tag in structs:
        out += ['', '%s._fields_ = [' % struct_name(api, tag)]
        for field, t in api.structs[tag]:
            out.append("    ('%s', %s),  # %s" % (field, py_type(api, t), c_decl(t, field)))
        out.append(']')
    out += ['', '# The opaque handle types, in header order.', 'HANDLES = (']
    out += ['    %s,' % name for name in handles] + [')']
    out += ['', '# Functions: (name, restype, argtypes), in header order.', 'SIGNATURES = (']
    for name, ret, params in api.functions:
        head = "    ('%s', %s, (" % (name, py_type(api, ret))
        if not params:
            out.append(head + ')),  # ' + c_decl(ret, name + '(void)'))
            continue
        out.append(head + '  # ' + c_decl(ret, name + '(...)'))
        for pname, t in params:
            out.append('        %s,  # %s' % (py_type(api, t), c_decl(t, pname)))
        out.append('    )),')
    out += [')', '', 'FUNCTIONS = tuple(sig[0] for sig in SIGNATURES)', '', '',
            'def bind(lib):',
            '    """Set restype and argtypes of every header function on the ctypes library.',
            '',
            '    Returns `lib`; raises AttributeError naming the functions that `lib` lacks.',
            '    """',
            '    missing = [name for name in FUNCTIONS if not hasattr(lib, name)]',
            '    if missing:',
            "        raise AttributeError('libsparsemi lacks: ' + ', '.join(missing))",
            '    for name, restype, argtypes in SIGNATURES:',
            '        func = getattr(lib, name)',
            '        func.restype = restype',
            '        func.argtypes = argtypes',
            '    return lib']
    return '\n'.join(out) + '\n'


def jl_name(name):
    return name + '_' if name in JULIA_RESERVED else name


def render_julia(api, header_rel):
    out = banner('#', header_rel)
    out += ['# The body of module SparseMI (src/SparseMI.jl), which defines `libsparsemi`,',
            '# the path or soname of the library.', '',
            '# Constants (integer macros and enum values)']
    for name, value, comment in api.constants:
        out.append('const %s = %d' % (name, value) + ('  # ' + comment if comment else ''))
    out += ['', '# Types']
    defined = set()
    for kind, name in api.order:
        if kind == 'struct':
            jname = struct_name(api, name)
            out += ['', '# C: struct %s' % name, 'struct %s' % jname]
            for field, t in api.structs[name]:
                out.append('    %s::%s  # %s' % (jl_name(field), jl_type(api, t, defined),
                                                  c_decl(t, field)))
            out.append('end')
            defined.add(jname)
            continue
        target = api.typedefs[name]
        res = resolve(api, target)
        if res[0] == 'struct':
            continue
        out += ['', '# typedef ' + c_decl(target, name),
                'const %s = %s' % (name, jl_type(api, target, defined))]
        defined.add(name)
    out += ['', '# Functions, in header order: one ccall wrapper each.']
    for name, ret, params in api.functions:
        names = [jl_name(p) for p, _ in params]
        types = ''.join(jl_type(api, t) + ', ' for _, t in params).rstrip(' ')
        head = '    ccall((:%s, libsparsemi), %s' % (name, jl_type(api, ret))
        if names:
            body = [head + ',', '          (%s),' % types, '          %s)' % ', '.join(names)]
        else:
            body = [head + ', ())']
        out += ['', '# ' + c_decl(('func', ret, params), name),
                'function %s(%s)' % (name, ', '.join(names))] + body + ['end']
    return '\n'.join(out) + '\n'


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--header', default=os.path.join(ROOT, 'include', 'sparsemi.h'))
    ap.add_argument('--outdir', default=ROOT, help='repository root to write under')
    ap.add_argument('--check', action='store_true',
                    help='write nothing; exit 1 when a generated file is out of date')
    args = ap.parse_args(argv)

    header = os.path.abspath(args.header)
    rel = os.path.relpath(header, ROOT)
    header_rel = rel if not rel.startswith('..') else os.path.basename(header)
    api = parse_header(header)
    outputs = [(PY_OUT, render_python(api, header_rel)),
               (JL_OUT, render_julia(api, header_rel))]

    stale = 0
    for rel_path, text in outputs:
        path = os.path.join(args.outdir, rel_path)
        old = open(path, encoding='utf-8').read() if os.path.exists(path) else ''
        if old == text:
            print('genbind: %s is up to date' % rel_path)
        elif args.check:
            stale += 1
            diff = list(difflib.unified_diff(old.splitlines(), text.splitlines(),
                                             'committed/' + rel_path,
                                             'generated/' + rel_path, lineterm=''))
            print('\n'.join(diff[:60]))
            if len(diff) > 60:
                print('... (%d more diff lines)' % (len(diff) - 60))
            print('genbind: %s is out of date; run %s' % (rel_path, COMMAND))
        else:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, 'w', encoding='utf-8', newline='\n') as f:
                f.write(text)
            print('genbind: wrote %s' % rel_path)
    return 1 if stale else 0


if __name__ == '__main__':
    sys.exit(main())
