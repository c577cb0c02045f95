#!/bin/sh
# The library exports exactly the functions declared in the header, and the version
# script lists exactly those: three lists, compared.
# Usage: check_symbols.sh NM LIBRARY HEADER MAPFILE
set -eu
nm=$1 lib=$2 header=$3 map=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$nm" -D --defined-only "$lib" | awk '$2 == "T" { sub(/@.*/, "", $3); print $3 }' | sort -u > "$tmp/exported"
grep -oE '^SMI_API[^(]*[^A-Za-z0-9_]smi_[A-Za-z0-9_]+\(' "$header" |
    grep -oE 'smi_[A-Za-z0-9_]+\($' | tr -d '(' | sort -u > "$tmp/declared"
grep -oE '^ *smi_[A-Za-z0-9_]+;' "$map" | tr -d ' ;' | sort -u > "$tmp/listed"
status=0
if ! diff -u "$tmp/declared" "$tmp/exported"; then
    echo "exported symbols differ from the header's functions"; status=1
fi
if ! diff -u "$tmp/declared" "$tmp/listed"; then
    echo "lib/libsparsemi.map differs from the header's functions"; status=1
fi
others=$("$nm" -D --defined-only "$lib" | awk '$2 != "A" { sub(/@.*/, "", $3); print $3 }' | grep -v '^smi_' || true)
if [ -n "$others" ]; then
    echo "symbols without the smi_ prefix are exported:"; echo "$others"; status=1
fi
[ $status -eq 0 ] && echo "1 passed, 0 failed: $(wc -l < "$tmp/declared") functions exported, declared and listed"
exit $status
