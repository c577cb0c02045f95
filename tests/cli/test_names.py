#!/usr/bin/env python3
"""Tests of the command line's names and reports (issue 11), run as a user runs them.

Usage: test_names.py SPARSEMI SOURCE_ROOT [unittest options]

--target is required wherever DATA has more than one numeric column; one concept has one
option name in every command (--prior-precision and --noise-precision for the free
energy's alpha and beta, --l1-ratio for the elastic-net mixing), the old spellings kept
as aliases; the CV error is reported as an RMSE in the target's units beside the MSE
(numpy refits give the reference); es's table shows the fitted equations of its best
models (numpy.linalg.lstsq gives the reference); every file written is named."""
import json
import math
import os
import re
import stat
import sys
import unittest

import test_cli as base
from test_cli import CliTestCase, OCTET, OCTET_TARGET, run
from test_es_cv import cv_mse, design  # numpy refits, one per fold

try:
    import numpy as np
except ImportError:  # the numerical checks skip themselves
    np = None

FEATURES = ["r_s_A", "r_p_A", "EA_A", "IP_A"]


def octet(*names):
    header, columns = base.read_columns(os.path.join(base.ROOT, OCTET))
    X = np.array([[float(v) for v in columns[name]] for name in names]).T
    y = np.array([float(v) for v in columns[OCTET_TARGET]])
    return X, y


def json_of(proc):
    if proc.returncode != 0:
        raise AssertionError("exit %d\n%s" % (proc.returncode, proc.stderr))
    return json.loads(proc.stdout)


class TestTargetRequired(CliTestCase):
    """Without --target the first numeric column used to be regressed silently."""

    def test_every_command_asks_for_it(self):
        data = self.write("d.csv", "a,b,c\n1,2,3\n2,1,5\n3,5,4\n4,3,9\n5,4,7\n6,8,8\n")
        runs = {"es": [], "remc": ["--sweeps", "20"], "lasso": [], "vma": ["--trials", "2", "--model", "a"],
                "evidence": ["--features", "b,c"]}
        for command, extra in runs.items():
            proc = run(command, data, *extra, "--json", os.path.join(self.dir, "out.json"))
            self.assertExit(proc, 2)
            self.assertIn("--target", proc.stderr, command)
            self.assertIn("a, b, c", proc.stderr, command)  # the numeric columns, named
            self.assertFalse(os.path.exists(os.path.join(self.dir, "out.json")), command)

    def test_given_target_runs(self):
        data = self.write("d.csv", "a,b,c\n1,2,3\n2,1,5\n3,5,4\n4,3,9\n5,4,7\n6,8,8\n")
        r = json_of(run("es", data, "--target", "c", "--json", "-", "--quiet"))
        self.assertEqual((r["target"], r["features"]), ("c", ["a", "b"]))

    def test_info_needs_none(self):
        data = self.write("d.csv", "a,b,c\n1,2,3\n2,1,5\n3,5,4\n")
        self.assertExit(run("info", data), 0)


class TestOneNamePerConcept(CliTestCase):
    def es_json(self, *args):
        return json_of(run("es", OCTET, "--target", OCTET_TARGET, "--features",
                           ",".join(FEATURES), "--max-size", "2", "--json", "-", *args))

    def test_free_energy_names_and_aliases(self):
        new = self.es_json("--criterion", "fe", "--prior-precision", "0.5",
                           "--noise-precision", "4")
        old = self.es_json("--criterion", "fe", "--alpha", "0.5", "--beta", "4")
        self.assertEqual((new["alpha"], new["beta"]), (0.5, 4))
        self.assertEqual(new["models"], old["models"])
        for command in ("es", "remc", "evidence", "vma"):
            proc = run("help", command)
            self.assertExit(proc, 0)
            for option in ("--prior-precision", "--noise-precision", "--alpha", "--beta"):
                self.assertIn(option, proc.stdout, (command, option))

    def test_evidence_fixed_shares_es_names(self):
        args = ("--hyper", "fixed", "--features", "r_s_A,r_p_A", "--json", "-")
        new = json_of(run("evidence", OCTET, "--target", OCTET_TARGET, *args,
                          "--prior-precision", "0.5", "--noise-precision", "4"))
        old = json_of(run("evidence", OCTET, "--target", OCTET_TARGET, *args,
                          "--alpha", "0.5", "--beta", "4"))
        self.assertEqual(new, old)

    def test_l1_ratio_and_alias(self):
        args = ("lasso", OCTET, "--target", OCTET_TARGET, "--features", ",".join(FEATURES),
                "--json", "-")
        new = json_of(run(*args, "--l1-ratio", "0.5"))
        old = json_of(run(*args, "--alpha", "0.5"))
        self.assertEqual((new["alpha"], new["l1_ratio"]), (0.5, 0.5))  # old field kept
        self.assertEqual(new["coefficients"], old["coefficients"])
        proc = run("help", "lasso")
        self.assertIn("--l1-ratio", proc.stdout)

    def test_vma_alpha_alias_follows_the_method(self):
        common = ("vma", OCTET, "--target", OCTET_TARGET, "--features", ",".join(FEATURES),
                  "--model", "r_p_A", "--sizes", "30", "--trials", "2", "--json", "-",
                  "--quiet")
        for option in ("--alpha", "--l1-ratio"):
            lasso = json_of(run(*common, "--method", "lasso", option, "0.5"))
            self.assertEqual((lasso["request"]["alpha"], lasso["request"]["l1_ratio"]),
                             (0.5, 0.5))
        es = json_of(run(*common, "--criterion", "fe", "--alpha", "0.5", "--beta", "2"))
        self.assertEqual((es["request"]["alpha"], es["request"]["beta"]), (0.5, 2))


@unittest.skipIf(np is None, "numpy is not installed for %s" % sys.executable)
class TestCvRmse(CliTestCase):
    """RMSE = sqrt(MSE) in the target's units, against numpy refits on the same folds."""

    def test_es_json_and_table(self):
        args = ("es", OCTET, "--target", OCTET_TARGET, "--features", ",".join(FEATURES),
                "--criterion", "cv", "--folds", "4", "--fold-seed", "none", "--max-size", "2")
        r = json_of(run(*args, "--json", "-"))
        X, y = octet(*FEATURES)
        folds = np.arange(len(y)) % 4
        for m in r["models"]:
            mse = cv_mse(X, y, [FEATURES.index(f) for f in m["features"]], folds)
            self.assertTrue(base.close(m["criterion"], mse, 1e-9))
            self.assertTrue(base.close(m["cv_rmse"], math.sqrt(mse), 1e-9), m)
        proc = run(*args, "--quiet")
        self.assertExit(proc, 0)
        self.assertIn("CV RMSE [%s]" % OCTET_TARGET, proc.stdout)
        self.assertIn("cv [MSE, %s^2]" % OCTET_TARGET, proc.stdout)
        self.assertIn("train RMSE [%s]" % OCTET_TARGET, proc.stdout)
        first = next(line for line in proc.stdout.splitlines()
                     if re.match(r"\s+1\s+\S+\s+\S+\s+\S+\s+\d+\s", line))
        cv, cv_rmse = (float(v) for v in first.split()[1:3])
        self.assertTrue(base.close(cv_rmse, math.sqrt(cv), 1e-5), first)

    def test_no_cv_rmse_for_other_criteria(self):
        r = json_of(run("es", OCTET, "--target", OCTET_TARGET, "--features",
                        ",".join(FEATURES), "--json", "-"))
        self.assertNotIn("cv_rmse", r["models"][0])

    def test_lasso_cv_rmse(self):
        r = json_of(run("lasso", OCTET, "--target", OCTET_TARGET, "--features",
                        ",".join(FEATURES), "--cv", "5", "--json", "-"))
        cv = r["cv"]
        self.assertEqual(len(cv["rmse"]), len(cv["mean"]))
        for mse, rmse in zip(cv["mean"], cv["rmse"]):
            self.assertTrue(base.close(rmse, math.sqrt(mse), 1e-12))
        proc = run("lasso", OCTET, "--target", OCTET_TARGET, "--features", ",".join(FEATURES),
                   "--cv", "5")
        self.assertIn("CV RMSE", proc.stdout)


@unittest.skipIf(np is None, "numpy is not installed for %s" % sys.executable)
class TestBestModelCoefficients(CliTestCase):
    def test_table_shows_the_fitted_equations(self):
        proc = run("es", OCTET, "--target", OCTET_TARGET, "--features", ",".join(FEATURES),
                   "--max-size", "2", "--quiet")
        self.assertExit(proc, 0)
        lines = proc.stdout.splitlines()
        start = next(i for i, line in enumerate(lines) if line.startswith("Coefficients"))
        first = lines[start + 1]
        terms = re.findall(r"([+-]) (\S+) (\S+)", first)
        intercept = float(first.split("=")[1].split()[0])
        X, y = octet(*FEATURES)
        cols = [FEATURES.index(name) for _, _, name in terms]
        coef = np.linalg.lstsq(design(X, cols), y, rcond=None)[0]
        self.assertTrue(base.close(intercept, coef[0], 1e-5), first)
        for (sign, value, _), c in zip(terms, coef[1:]):
            self.assertTrue(base.close(float(value) * (-1 if sign == "-" else 1), c, 1e-5))


class TestFilesNamed(CliTestCase):
    def test_es_names_each_file(self):
        save, out, prefix = (os.path.join(self.dir, n) for n in ("r.res", "r.json", "p"))
        proc = run("es", OCTET, "--target", OCTET_TARGET, "--features", ",".join(FEATURES),
                   "--save", save, "--json", out, "--plot", prefix)
        self.assertExit(proc, 0)
        wrote = sorted(line[len("sparsemi: wrote "):] for line in proc.stderr.splitlines()
                       if line.startswith("sparsemi: wrote "))
        self.assertEqual(wrote, sorted([save, out, prefix + "-dos.svg",
                                        prefix + "-weights.svg"]))
        for path in wrote:
            self.assertTrue(os.path.isfile(path), path)
        quiet = run("es", OCTET, "--target", OCTET_TARGET, "--features", ",".join(FEATURES),
                    "--json", out, "--quiet")
        self.assertNotIn("wrote", quiet.stderr)

    def test_devices_are_written_in_place(self):
        """--json /dev/null writes to the device, never renames a file over it."""
        if not stat.S_ISCHR(os.stat(os.devnull).st_mode):
            self.skipTest("%s is no device here" % os.devnull)
        proc = run("es", OCTET, "--target", OCTET_TARGET, "--features", ",".join(FEATURES),
                   "--json", os.devnull)
        self.assertExit(proc, 0)
        self.assertFalse(os.path.isfile(os.devnull))
        self.assertNotIn("wrote", proc.stderr)


if __name__ == "__main__":
    base.main(__doc__)
