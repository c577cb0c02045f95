"""Make `import sparsemi` work when pytest runs outside meson (meson sets PYTHONPATH)."""

import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINDINGS = os.path.join(ROOT, 'bindings', 'python')
if BINDINGS not in sys.path:
    sys.path.insert(0, BINDINGS)
