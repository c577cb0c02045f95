#!/bin/sh
# Every function of the header follows the one naming scheme written at the top of
# include/sparsemi.h (and doc/api.md, "Conventions"):
#   run parts:   smi_<thing>_create/copy/free/run, smi_<thing>_set_<f> with a matching
#                smi_<thing>_get_<f>, and smi_<thing>_result_<field> accessors, among them
#                _free, _status, _caveat, _config and _data;
#   other handles and helpers: the fixed list below.
# Usage: check_naming.sh HEADER
set -eu
header=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
grep -oE '^SMI_API[^(]*[^A-Za-z0-9_]smi_[A-Za-z0-9_]+\(' "$header" |
    grep -oE 'smi_[A-Za-z0-9_]+\($' | tr -d '(' | sort -u > "$tmp/declared"

parts="search evidence remc lasso lars vma"
status=0
fail() { echo "$1"; status=1; }

# Names outside the run parts: the library, errors, criteria, CSV options, data sets,
# data identities, the supports of a sparse path, and one subset scored as a search would.
other='^smi_(version_string|version_number|strerror|last_error|criterion_name|criterion_from_name|criterion_label|criterion_flags|thread_count|csv_options_init|search_score_subset|dataset_[A-Za-z0-9_]+|data_id_[a-z0-9_]+|path_supports_(from_lars|from_lasso|free|count|get|best))$'
part_re=$(echo "$parts" | tr ' ' '|')
scheme="^smi_($part_re)_(create|copy|free|run|set_[a-z0-9_]+|get_[a-z0-9_]+|result_[a-z0-9_]+)$"
while read -r f; do
    echo "$f" | grep -qE "$other|$scheme" || fail "$f: outside the naming scheme"
done < "$tmp/declared"

has() { grep -qx "$1" "$tmp/declared"; }
for t in $parts; do
    for suffix in create copy free run result_free result_status result_caveat result_config result_data; do
        has "smi_${t}_$suffix" || fail "smi_${t}_$suffix is missing"
    done
    grep -E "^smi_${t}_set_" "$tmp/declared" | sed "s/^smi_${t}_set_//" | while read -r field; do
        has "smi_${t}_get_$field" || echo "smi_${t}_set_$field has no smi_${t}_get_$field"
    done > "$tmp/unpaired"
    if [ -s "$tmp/unpaired" ]; then cat "$tmp/unpaired"; status=1; fi
done
n=$(wc -l < "$tmp/declared")
[ $status -eq 0 ] && echo "1 passed, 0 failed: $n functions follow the naming scheme"
exit $status
