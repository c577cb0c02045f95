#!/usr/bin/env python3
"""Tests of the sparsemi program, run as a user runs it.

Usage: test_cli.py SPARSEMI SOURCE_ROOT [unittest options]

Numbers are checked against references computed here, independently of the library:
statistics.fmean/pstdev from the csv module's values, numpy's SVD for the condition
number. SPARSEMI_CLI_WRAPPER (e.g. "valgrind -q --error-exitcode=9 --leak-check=full")
runs every call of the program under that command."""
import csv
import itertools
import json
import os
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import unittest

EXE = ""
ROOT = ""
WRAPPER = shlex.split(os.environ.get("SPARSEMI_CLI_WRAPPER", ""))
OCTET = "examples/data/octet_binaries.csv"
OCTET_TARGET = "dE_RS_ZB"


def run(*args, stdout=subprocess.PIPE):
    """Run the program with args; returns the CompletedProcess (text, UTF-8)."""
    return subprocess.run(WRAPPER + [EXE, *args], stdout=stdout, stderr=subprocess.PIPE,
                          encoding="utf-8", errors="replace", timeout=300)


def header_version():
    with open(os.path.join(ROOT, "include", "sparsemi.h"), encoding="utf-8") as f:
        text = f.read()
    parts = [re.search(r"#define\s+SMI_VERSION_%s\s+(\d+)" % name, text).group(1)
             for name in ("MAJOR", "MINOR", "PATCH")]
    return ".".join(parts)


def read_columns(path):
    """The CSV's header and its columns as lists of strings, by the csv module."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    return header, {name: [row[j] for row in body] for j, name in enumerate(header)}


def close(a, b, rel, scale=0.0):
    """a and b agree to `rel` relative to max(|b|, scale): scale guards means near 0."""
    return abs(a - b) <= rel * max(abs(b), scale)


class CliTestCase(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="sparsemi-cli-")
        self.dir = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        return path

    def assertExit(self, proc, code):
        self.assertEqual(proc.returncode, code,
                         "exit %d, wanted %d; stderr:\n%s" % (proc.returncode, code, proc.stderr))

    def assertNoTempFiles(self):
        left = [name for name in os.listdir(self.dir) if ".tmp." in name]
        self.assertEqual(left, [], "temporary files left behind")


class TestProgram(CliTestCase):
    def test_version_matches_header(self):
        proc = run("--version")
        self.assertExit(proc, 0)
        self.assertEqual(proc.stdout, "sparsemi %s\n" % header_version())

    def test_help_lists_subcommands(self):
        for flag in ("--help", "-h"):
            proc = run(flag)
            self.assertExit(proc, 0)
            self.assertIn("Usage: sparsemi", proc.stdout)
            self.assertRegex(proc.stdout, r"(?m)^\s+info\s")

    def test_no_arguments_is_usage_error(self):
        proc = run()
        self.assertExit(proc, 2)
        self.assertIn("info", proc.stderr)

    def test_help_subcommand(self):
        for args in (["help", "info"], ["info", "--help"], ["info", "-h"]):
            proc = run(*args)
            self.assertExit(proc, 0)
            self.assertIn("Usage: sparsemi info DATA", proc.stdout)
            for option in ("--target", "--features", "--label-column", "--fold-column",
                           "--delimiter", "--json"):
                self.assertIn(option, proc.stdout)

    def test_unknown_subcommand(self):
        for args in (["frobnicate"], ["help", "frobnicate"]):
            proc = run(*args)
            self.assertExit(proc, 2)
            self.assertIn("'frobnicate'", proc.stderr)
            self.assertEqual(proc.stdout, "")

    def test_unknown_global_option(self):
        proc = run("--frobnicate")
        self.assertExit(proc, 2)
        self.assertIn("--frobnicate", proc.stderr)

    def test_man_page_version(self):
        with open(os.path.join(ROOT, "doc", "sparsemi.1"), encoding="utf-8") as f:
            th = next(line for line in f if line.startswith(".TH"))
        self.assertIn("libsparsemi %s" % header_version(), th)


class TestUsageErrors(CliTestCase):
    """Bad command lines exit 2 with a message naming the option, and touch nothing."""

    def usage_error(self, *args, names):
        proc = run("info", *args)
        self.assertExit(proc, 2)
        self.assertTrue(proc.stderr.startswith("sparsemi info: "), proc.stderr)
        self.assertIn(names, proc.stderr)
        self.assertEqual(proc.stdout, "")

    def test_unknown_option(self):
        self.usage_error(OCTET, "--frobnicate", "3", names="'--frobnicate'")
        self.usage_error(OCTET, "--frobnicate=3", names="'--frobnicate'")
        self.usage_error(OCTET, "-x", names="'-x'")

    def test_missing_value(self):
        self.usage_error(OCTET, "--target", names="'--target'")

    def test_empty_value(self):
        self.usage_error(OCTET, "--target=", names="'--target'")

    def test_empty_list_item(self):
        self.usage_error(OCTET, "--features", "IP_A,,EA_A", names="'--features'")

    def test_bad_delimiter(self):
        self.usage_error(OCTET, "--delimiter", "ab", names="'--delimiter'")

    def test_missing_data(self):
        self.usage_error("--target", "y", names="DATA")

    def test_extra_argument(self):
        self.usage_error(OCTET, "other.csv", names="'other.csv'")

    def test_no_output_written(self):
        out = os.path.join(self.dir, "out.json")
        self.usage_error(OCTET, "--json", out, "--bogus", names="'--bogus'")
        self.assertFalse(os.path.exists(out))


class TestInfoOctet(CliTestCase):
    """info on the published octet binaries against independent references."""

    @classmethod
    def setUpClass(cls):
        cls.path = os.path.join(ROOT, OCTET)
        header, columns = read_columns(cls.path)
        cls.header = header
        cls.values = {name: [float(v) for v in vals]
                      for name, vals in columns.items() if name != "compound"}
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "info.json")
            cls.proc = run("info", cls.path, "--target", OCTET_TARGET, "--json", out)
            if cls.proc.returncode == 0:
                with open(out, encoding="utf-8") as f:
                    cls.report = json.load(f)

    def setUp(self):
        super().setUp()
        self.assertExit(self.proc, 0)

    def test_sizes_and_names(self):
        r = self.report
        self.assertEqual(r["command"], "info")
        self.assertEqual(r["version"], header_version())
        self.assertEqual(r["file"], self.path)
        self.assertEqual(r["n_samples"], 82)
        self.assertEqual(r["n_features"], 14)
        self.assertEqual(r["target"], OCTET_TARGET)
        self.assertEqual(r["label_column"], "compound")
        self.assertIsNone(r["fold_column"])
        self.assertEqual(r["n_folds"], 0)
        self.assertEqual(r["features"],
                         [h for h in self.header if h not in ("compound", OCTET_TARGET)])

    def test_column_statistics(self):
        names = [c["name"] for c in self.report["columns"]]
        self.assertEqual(names, self.report["features"] + [OCTET_TARGET])
        self.assertEqual([c["role"] for c in self.report["columns"]],
                         ["feature"] * 14 + ["target"])
        for c in self.report["columns"]:
            x = self.values[c["name"]]
            scale = max(abs(v) for v in x)
            with self.subTest(column=c["name"]):
                self.assertTrue(close(c["mean"], statistics.fmean(x), 1e-12, scale))
                self.assertTrue(close(c["sd"], statistics.pstdev(x), 1e-12))
                self.assertEqual(c["min"], min(x))
                self.assertEqual(c["max"], max(x))

    def test_no_problems(self):
        self.assertEqual(self.report["problems"], [])
        self.assertIn("no problems", self.proc.stdout)

    def test_condition_number(self):
        try:
            import numpy as np
        except ImportError:
            self.skipTest("numpy is not installed for %s" % sys.executable)
        X = np.array([self.values[name] for name in self.report["features"]]).T
        Z = (X - X.mean(axis=0)) / X.std(axis=0)  # ddof 0, as the library standardises
        expected = np.linalg.cond(Z)
        self.assertTrue(close(self.report["condition_number"], expected, 1e-8),
                        "%r != %r" % (self.report["condition_number"], expected))

    def test_table(self):
        out = self.proc.stdout
        self.assertRegex(out, r"(?m)^samples\s+82$")
        self.assertRegex(out, r"(?m)^features\s+14$")
        self.assertRegex(out, r"(?m)^target\s+dE_RS_ZB$")
        self.assertRegex(out, r"(?m)^labels\s+compound$")
        for name in self.report["features"]:
            self.assertRegex(out, r"(?m)^%s\s+feature\s" % re.escape(name))
        self.assertRegex(out, r"(?m)^dE_RS_ZB\s+target\s")
        self.assertRegex(out, r"condition number of the standardised design: [0-9.e+]+\n")

    def test_json_to_stdout(self):
        proc = run("info", self.path, "--target=" + OCTET_TARGET, "--json", "-")
        self.assertExit(proc, 0)
        self.assertEqual(json.loads(proc.stdout), self.report)

    def test_features_option(self):
        chosen = ["r_p_B", "IP_A", "r_s_A"]
        proc = run("info", self.path, "--target", OCTET_TARGET,
                   "--features=" + ",".join(chosen), "--json", "-")
        self.assertExit(proc, 0)
        r = json.loads(proc.stdout)
        self.assertEqual(r["features"], chosen)
        self.assertEqual(r["n_features"], 3)

    def test_delimiter_option(self):
        with open(self.path, newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        for delimiter, name in ((";", ";"), ("\t", "tab")):
            with self.subTest(delimiter=name):
                path = self.write("octet.txt", "\n".join(delimiter.join(r) for r in rows))
                proc = run("info", path, "--target", OCTET_TARGET, "--delimiter", name,
                           "--json", "-")
                self.assertExit(proc, 0)
                r = json.loads(proc.stdout)
                self.assertEqual(r["columns"], self.report["columns"])

    def test_replaces_existing_file(self):
        out = self.write("info.json", "old contents")
        mask = os.umask(0o022)
        os.umask(mask)
        proc = run("info", self.path, "--target", OCTET_TARGET, "--json", out)
        self.assertExit(proc, 0)
        with open(out, encoding="utf-8") as f:
            self.assertEqual(json.load(f)["columns"], self.report["columns"])
        self.assertEqual(os.stat(out).st_mode & 0o777, 0o666 & ~mask)
        self.assertNoTempFiles()


class TestInfoBadData(CliTestCase):
    """Bad data exits 1 with the library's message, and leaves no output behind."""

    def failing(self, path, *args, contains=()):
        out = os.path.join(self.dir, "out.json")
        proc = run("info", path, *args, "--json", out)
        self.assertExit(proc, 1)
        self.assertTrue(proc.stderr.startswith("sparsemi: "), proc.stderr)
        self.assertEqual(proc.stderr.count("\n"), 1, proc.stderr)
        for text in contains:
            self.assertIn(text, proc.stderr)
        self.assertEqual(proc.stdout, "")
        self.assertFalse(os.path.exists(out), "output written by a failed run")
        self.assertNoTempFiles()
        return proc.stderr

    def test_missing_file(self):
        path = os.path.join(self.dir, "no-such-file.csv")
        self.failing(path, contains=[path])

    def test_ragged_row(self):
        path = self.write("ragged.csv", "name,a,b,y\nA,1,2,3\nB,4,5\nC,7,8,9\n")
        self.failing(path, contains=[path + ":3"])

    def test_not_a_number(self):
        path = self.write("na.csv", "name,a,b,y\nA,1,2,3\nB,4,5,6\nC,7,n/a,9\nD,1,1,2\n")
        message = self.failing(path, "--target", "y", contains=["'b'", "n/a"])
        self.assertRegex(message, re.escape(path) + r":4:\d+")

    def test_non_finite(self):
        for value in ("NaN", "nan", "inf", "-Infinity"):
            with self.subTest(value=value):
                path = self.write("nan.csv", "a,b,y\n1,2,3\n4,%s,6\n7,8,0\n" % value)
                self.failing(path, contains=[path + ":3"])

    def test_unknown_target(self):
        path = self.write("ok.csv", "a,b,y\n1,2,3\n4,5,7\n7,9,8\n")
        self.failing(path, "--target", "nosuchcolumn", contains=["'nosuchcolumn'"])

    def test_unknown_feature(self):
        path = self.write("ok.csv", "a,b,y\n1,2,3\n4,5,7\n7,9,8\n")
        self.failing(path, "--target", "y", "--features", "a,zz", contains=["'zz'"])

    def test_failure_keeps_existing_file(self):
        out = self.write("out.json", "old contents")
        proc = run("info", os.path.join(self.dir, "missing.csv"), "--json", out)
        self.assertExit(proc, 1)
        with open(out, encoding="utf-8") as f:
            self.assertEqual(f.read(), "old contents")
        self.assertNoTempFiles()

    def test_output_in_missing_directory(self):
        out = os.path.join(self.dir, "no-such-dir", "out.json")
        proc = run("info", os.path.join(ROOT, OCTET), "--json", out)
        self.assertExit(proc, 1)
        self.assertIn(out, proc.stderr)

    def test_output_over_directory(self):
        sub = os.path.join(self.dir, "sub")
        os.mkdir(sub)
        proc = run("info", os.path.join(ROOT, OCTET), "--json", sub)
        self.assertExit(proc, 1)
        self.assertIn(sub, proc.stderr)
        self.assertTrue(os.path.isdir(sub))
        self.assertNoTempFiles()

    @unittest.skipUnless(os.path.exists("/dev/full"), "needs /dev/full")
    def test_stdout_write_error(self):
        with open("/dev/full", "w") as full:
            proc = run("info", os.path.join(ROOT, OCTET), stdout=full)
        self.assertExit(proc, 1)
        self.assertIn("standard output", proc.stderr)


class TestInfoProblems(CliTestCase):
    def test_constant_and_duplicate(self):
        path = self.write("problems.csv",
                          "name,x1,x2,x3,x4,y\n"
                          "A,1,5,1,0.5,1.0\nB,2,5,2,0.1,2.5\nC,4,5,4,0.7,2.0\nD,3,5,3,0.2,4.0\n")
        out = os.path.join(self.dir, "problems.json")
        proc = run("info", path, "--target", "y", "--json", out)
        self.assertExit(proc, 0)
        with open(out, encoding="utf-8") as f:
            r = json.load(f)
        got = [(p["kind"], p["column"], p["other"]) for p in r["problems"]]
        self.assertEqual(got, [("constant column", "x2", None),
                               ("duplicate column", "x3", "x1")])
        self.assertEqual([p["message"] for p in r["problems"]],
                         ["constant column 'x2'", "duplicate column 'x3' equals 'x1'"])
        self.assertIsNone(r["condition_number"])  # infinite: JSON has no infinity
        self.assertIn("constant column 'x2'", proc.stdout)
        self.assertIn("duplicate column 'x3' equals 'x1'", proc.stdout)
        self.assertIn("condition number of the standardised design: inf", proc.stdout)
        self.assertNotIn("no problems", proc.stdout)

    def test_fold_column(self):
        path = self.write("folds.csv", "a,b,fold,y\n1,2,7,3\n2,1,3,5\n4,3,7,1\n3,5,5,2\n"
                                       "5,4,3,4\n6,2,5,6\n")
        proc = run("info", path, "--target", "y", "--fold-column", "fold", "--json", "-")
        self.assertExit(proc, 0)
        r = json.loads(proc.stdout)
        self.assertEqual(r["features"], ["a", "b"])
        self.assertEqual((r["fold_column"], r["n_folds"]), ("fold", 3))
        proc = run("info", path, "--target", "y", "--fold-column", "fold")
        self.assertRegex(proc.stdout, r"(?m)^folds\s+3 \(column fold\)$")

    def test_names_escaped_in_json(self):
        names = ['q"uote', "back\\slash", "tab\there", "caf\u00e9 \u03b1\u2082"]
        quoted = ",".join('"%s"' % n.replace('"', '""') for n in names)
        path = self.write("names.csv", quoted + ",y\n1,2,3,4,5\n2,1,5,3,4\n3,3,1,1,9\n")
        proc = run("info", path, "--delimiter", ",", "--target", "y", "--json", "-")
        self.assertExit(proc, 0)
        self.assertEqual(json.loads(proc.stdout)["features"], names)
        self.assertIn("caf\u00e9 \u03b1\u2082", proc.stdout)  # UTF-8 passes through


class TestMessagesNameTheCause(CliTestCase):
    """Inputs once refused with a message about something else, or accepted silently: the
    message now names the cause, and where it is."""

    def fails(self, *args, status=1):
        proc = run(*args)
        self.assertExit(proc, status)
        self.assertEqual(proc.stdout, "")
        return proc.stderr

    def test_text_target(self):
        path = self.write("text_y.csv", "y,a,b\nx1,1,2\nx2,2,3\nx3,3,5\nx4,5,1\n")
        message = self.fails("es", path, "--target", "y")
        self.assertIn(path + ":2:1: the target 'y' is a text column", message)
        self.assertNotIn("label column", message)

    def test_mostly_missing_column_is_not_the_label_column(self):
        path = self.write("gaps.csv",
                          "y,a,b,c\n1,n/a,2,1\n2,n/a,3,4\n3,n/a,5,2\n4,7,1,5\n5,8,3,3\n")
        message = self.fails("es", path, "--target", "y")
        self.assertIn(path + ":2:3: 'n/a' is not a number in column 'a': a missing value "
                      "(3 of 5 rows in this column)", message)
        proc = run("info", path, "--target", "y", "--features", "b,c", "--json", "-")
        self.assertExit(proc, 0)
        self.assertEqual(json.loads(proc.stdout)["features"], ["b", "c"])

    def test_constant_target(self):
        path = self.write("const_y.csv", "y,a,b\n1,1,2\n1,2,3\n1,3,5\n1,5,1\n")
        message = self.fails("es", path, "--target", "y")
        self.assertIn("target 'y' is constant (1 in every row)", message)
        self.assertNotIn("singular", message)

    def test_fold_id_out_of_range(self):
        path = self.write("folds.csv",
                          "y,a,b,f\n1,1,2,0\n2,2,3,3e9\n3,3,5,0\n4,5,1,1\n5,4,4,1\n6,3,3,0\n")
        message = self.fails("es", path, "--target", "y", "--criterion", "cv",
                             "--fold-column", "f")
        self.assertIn(path + ":3:7: fold id '3e9' is out of range", message)
        self.assertNotIn("not an integer", message)

    def test_cr_line_ends(self):
        text = "y,a,b\n1,1,2\n2,2,3\n3,3,5\n4,5,1\n5,4,4\n"
        outs = []
        for name, data in (("lf.csv", text), ("cr.csv", text.replace("\n", "\r"))):
            proc = run("es", self.write(name, data), "--target", "y", "--json", "-")
            self.assertExit(proc, 0)
            r = json.loads(proc.stdout)
            outs.append((r["n_samples"], r["features"], r["n_models"], r["models"]))
        self.assertEqual(outs[0], outs[1])
        self.assertEqual(outs[1][0], 5)

    def test_quote_and_hash_delimiters_say_why(self):
        path = self.write("d.csv", "y,a,b\n1,1,2\n2,2,3\n3,3,5\n")
        for command in ("es", "info", "lasso"):
            for delimiter, why in (('"', "quoted field"), ("#", "comment line")):
                message = self.fails(command, path, "--target", "y", "--delimiter", delimiter,
                                     status=2)
                self.assertIn("cannot separate fields: it opens a " + why, message)

    def test_es_names_constant_and_duplicate_features(self):
        # c is constant, d equals a: every subset holding c, or both a and d, is singular
        path = self.write("unusable.csv", "y,a,b,c,d\n1,1,2,7,1\n2,2,3,7,2\n3,3,5,7,3\n"
                                          "4,5,1,7,5\n5,4,4,7,4\n6,3,3,7,3\n")
        proc = run("es", path, "--target", "y", "--json", "-", "--quiet")
        self.assertExit(proc, 0)
        warnings = ["feature 'c' is constant (7): every subset holding it is singular",
                    "feature 'd' duplicates feature 'a': every subset holding both is singular"]
        lines = [line for line in proc.stderr.splitlines() if "warning" in line]
        self.assertEqual(lines, ["sparsemi: warning: " + "; ".join(warnings)])
        r = json.loads(proc.stdout)
        self.assertEqual(r["warnings"], warnings)
        names = ["a", "b", "c", "d"]
        spoiled = sum(1 for k in range(1, 5) for s in itertools.combinations(names, k)
                      if "c" in s or {"a", "d"} <= set(s))
        self.assertEqual((r["n_singular"], r["n_models"]), (spoiled, 15 - spoiled))
        # the warning comes before the search: on stderr ahead of the table
        proc = run("es", path, "--target", "y")
        self.assertExit(proc, 0)
        self.assertIn("feature 'c' is constant", proc.stderr)
        # without an intercept a constant feature is a regressor like any other
        proc = run("es", path, "--target", "y", "--no-intercept", "--json", "-", "--quiet")
        self.assertExit(proc, 0)
        self.assertEqual(json.loads(proc.stdout)["warnings"], warnings[1:])

    def test_remc_names_constant_and_duplicate_features(self):
        path = self.write("unusable.csv", "y,a,b,c,d\n1,1,2,7,1\n2,2,3,7,2\n3,3,5,7,3\n"
                                          "4,5,1,7,5\n5,4,4,7,4\n6,3,3,7,3\n")
        proc = run("remc", path, "--target", "y", "--sweeps", "20", "--quiet")
        self.assertExit(proc, 0)
        lines = [line for line in proc.stderr.splitlines() if "warning" in line]
        self.assertEqual(lines, ["sparsemi: warning: feature 'c' is constant (7): every subset "
                                 "holding it is singular; feature 'd' duplicates feature 'a': "
                                 "every subset holding both is singular"])

    def test_clean_data_has_no_warnings(self):
        proc = run("es", OCTET, "--target", OCTET_TARGET, "--features",
                   "IP_A,EA_A,r_s_A,r_p_A", "--json", "-", "--quiet")
        self.assertExit(proc, 0)
        self.assertNotIn("warnings", json.loads(proc.stdout))
        self.assertNotIn("warning", proc.stderr)


def main(usage=__doc__):
    """Run the tests of the calling script (unittest's __main__) with EXE and ROOT from
    the command line: SPARSEMI_EXE SOURCE_ROOT [unittest arguments]."""
    global EXE, ROOT
    if len(sys.argv) < 3:
        sys.exit(usage)
    EXE, ROOT = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    os.chdir(ROOT)  # relative paths such as OCTET are relative to the source tree
    unittest.main(argv=[sys.argv[0]] + sys.argv[3:], verbosity=2)


if __name__ == "__main__":
    main()
