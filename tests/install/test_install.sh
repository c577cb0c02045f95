#!/bin/sh
# Install into a temporary prefix, build examples/c/hello.c (then posterior.c and lasso.c)
# against the installed copy with pkg-config, run them, and check what a packager relies on:
# the header, the soname link, the pkg-config file, the program and its man page.
# Usage: test_install.sh BUILD_DIR SOURCE_DIR
set -eu
build=$1 src=$2
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
echo "1 passed, 0 failed"
