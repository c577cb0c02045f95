#!/bin/sh
# Install into a temporary prefix, build examples/c/hello.c (then posterior.c and lasso.c)
# against the installed copy with pkg-config, run them, and check what a packager relies on:
# the header, the soname link, the pkg-config file, the program and its man page. Then the
# Python package installed with them: imported from the install tree (not the sources) by
# PYTHON, with no SPARSEMI_LIBRARY, it must load the installed libsparsemi.so.0 and search.
# Usage: test_install.sh BUILD_DIR SOURCE_DIR [PYTHON]
set -eu
build=$1 src=$2 python=${3:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
meson install -C "$build" --destdir "$tmp/dest" --quiet >/dev/null
# --destdir keeps the configured prefix inside dest: find where things landed.
root=$(find "$tmp/dest" -name sparsemi.h -path '*/include/*' | sed 's#/include/sparsemi.h$##')
[ -n "$root" ] || { echo "sparsemi.h was not installed"; exit 1; }
pc=$(find "$root" -name sparsemi.pc | head -1)
[ -n "$pc" ] || { echo "sparsemi.pc was not installed"; exit 1; }
libdir=$(dirname "$(find "$root" -name 'libsparsemi.so.0' | head -1)")
[ -L "$libdir/libsparsemi.so.0" ] || { echo "soname link libsparsemi.so.0 missing"; exit 1; }
[ -L "$libdir/libsparsemi.so" ] || { echo "development link libsparsemi.so missing"; exit 1; }
soname=$(objdump -p "$libdir/libsparsemi.so.0" | awk '$1 == "SONAME" { print $2 }')
[ "$soname" = "libsparsemi.so.0" ] || { echo "SONAME is '$soname'"; exit 1; }
[ -x "$root/bin/sparsemi" ] || { echo "the sparsemi program was not installed"; exit 1; }
[ -f "$root/share/man/man1/sparsemi.1" ] || { echo "the man page was not installed"; exit 1; }
# The .pc file names the configured prefix; point pkg-config at the relocated copy.
export PKG_CONFIG_PATH=$(dirname "$pc")
flags=$(pkg-config --define-variable=prefix="$root" --cflags --libs sparsemi)
cc -std=c11 -Wall -Wextra -Wpedantic -Werror "$src/examples/c/hello.c" $flags -o "$tmp/hello"
out=$(LD_LIBRARY_PATH="$libdir" "$tmp/hello" "$src/examples/data/octet_binaries.csv" dE_RS_ZB)
echo "$out"
echo "$out" | grep -q "82 samples, 14 features, target 'dE_RS_ZB'" || { echo "unexpected output"; exit 1; }
# The posterior and replica-exchange example, built and run the same way.
cc -std=c11 -Wall -Wextra -Wpedantic -Werror "$src/examples/c/posterior.c" $flags -lm -o "$tmp/posterior"
out=$(LD_LIBRARY_PATH="$libdir" "$tmp/posterior" "$src/examples/data/octet_binaries.csv" dE_RS_ZB 2)
echo "$out"
echo "$out" | grep -q "^105 subsets scored" || { echo "unexpected output"; exit 1; }
echo "$out" | grep -q "largest |ln D - ln D_exact| 0\.0" || { echo "DOS off"; exit 1; }
# The LASSO / LARS / exhaustive-search example, on the repository's diabetes data (not
# installed). The hybrid's support and its rank were checked against sklearn's lars_path and
# a numpy least-squares fit of all 1023 subsets.
cc -std=c11 -Wall -Wextra -Wpedantic -Werror "$src/examples/c/lasso.c" $flags -o "$tmp/lasso"
out=$(LD_LIBRARY_PATH="$libdir" "$tmp/lasso" "$src/tests/data/diabetes.csv" progression)
echo "$out"
echo "$out" | grep -q "^LARS-OLS hybrid .*: sex bmi bp s3 s5$" || { echo "hybrid support off"; exit 1; }
echo "$out" | grep -q "rank 1 of 1023 " || { echo "hybrid rank off"; exit 1; }
LD_LIBRARY_PATH="$libdir" "$root/bin/sparsemi" --version
# The Python package: sparsemi/__init__.py somewhere under the prefix (site-packages).
init=$(find "$root" -path '*/sparsemi/__init__.py' | head -1)
[ -n "$init" ] || { echo "the Python package was not installed"; exit 1; }
[ -f "$(dirname "$init")/_installed.py" ] || { echo "_installed.py missing beside $init"; exit 1; }
if [ -n "$python" ] && "$python" -c 'import numpy' 2>/dev/null; then
    site=$(dirname "$(dirname "$init")")
    cat >"$tmp/search.py" <<'EOF'
import sys
import sparsemi, sparsemi._lib
print('package', sparsemi.__file__)
print('library', sparsemi._lib.path)
ds = sparsemi.Dataset.from_csv(sys.argv[1], target='dE_RS_ZB')
with sparsemi.exhaustive_search(ds, criterion='aic', max_size=2) as res:
    print('%d subsets scored, best %s' % (res.n_models, ' '.join(res.models[0].features)))
EOF
    out=$(cd "$tmp" && env -u SPARSEMI_LIBRARY -u LD_LIBRARY_PATH PYTHONPATH="$site" \
          PYTHONDONTWRITEBYTECODE=1 "$python" "$tmp/search.py" \
          "$src/examples/data/octet_binaries.csv")
    echo "$out"
    echo "$out" | grep -q "^package $root/" || { echo "imported another sparsemi package"; exit 1; }
    echo "$out" | grep -q "^library $libdir/libsparsemi.so.0$" || { echo "loaded another library"; exit 1; }
    echo "$out" | grep -q "^105 subsets scored, best " || { echo "unexpected search output"; exit 1; }
else
    echo "no Python with numpy: the installed package was not imported"
fi
echo "1 passed, 0 failed"
