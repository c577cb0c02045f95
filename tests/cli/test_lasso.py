#!/usr/bin/env python3
"""Tests of `sparsemi lasso` (LASSO, elastic-net and LARS paths), run as a user runs it.

Usage: test_lasso.py SPARSEMI SOURCE_ROOT [unittest options]

References are computed here with numpy, independently of the library:
  - every coordinate-descent solution satisfies the optimality (KKT) conditions of
    (1/2n)|y - b0 - Xw|^2 + lambda sum_j f_j (a|b_j| + (1-a)/2 b_j^2) on the standardised
    features (population sd), b_j = w_j sd_j: the gradient g = Z'r/n is lambda f_j
    (a sign(b_j) + (1-a) b_j) where b_j != 0 and at most lambda f_j a in size where b_j = 0,
    to 1e-6 of the gradient's scale lambda_max = max|Z'(y - mean y)|/n with --tol 1e-14 (the
    stopping rule bounds the objective's decrease, so the gradient's error is absolute,
    about sqrt(tol) sd(y): relative to a small lambda it is larger); the intercept is
    mean(y) - mean(X)'w;
  - every LARS knot of the lasso variant satisfies the same conditions at its alpha, and
    least angle regression keeps the active features at equal correlation;
  - every support's criterion (BIC, AIC, LOO, FE with fixed hyperparameters, K-fold CV) and
    least-squares fit by numpy refits (DESIGN.md 4.2);
  - with --on-dos, every support's rank by brute force over all 2^8 - 1 subsets;
  - the CV choices by the rules (argmin, one standard error) applied to the JSON's curve.
Shares run() and the SPARSEMI_CLI_WRAPPER convention with test_cli.py."""
import itertools
import json
import re
import math
import os
import random
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

import test_cli as base
from test_cli import CliTestCase, run

try:
    import numpy as np
except ImportError:  # the numerical checks skip themselves
    np = None

try:
    from test_es_cv import seeded_permutation
except ImportError:
    seeded_permutation = None

N, P = 40, 8
NAMES = ["x%d" % j for j in range(P)]
SCALES = [1.0, 2.0, 3.0, 0.5, 1.0, 10.0, 1.0, 1.0]  # features in different units
SVG = "{http://www.w3.org/2000/svg}"
KKT_REL = 1e-6


def write_data(path, seed=20251126, folds=False):
    """y = 1.5 x0 - 2 x3 + 0.8 x7 + noise (in the features' units), with x2 correlated with
    x0; optionally a fold column g of ids 0..3."""
    rng = random.Random(seed)
    X = []
    for _ in range(N):
        row = [rng.uniform(-0.5, 0.5) * s for s in SCALES]
        row[2] = 0.6 * row[0] * SCALES[2] + 0.4 * row[2]
        X.append(row)
    y = [1.5 * r[0] - 2.0 * r[3] + 0.8 * r[7] + rng.gauss(0.0, 0.15) for r in X]
    with open(path, "w", encoding="utf-8") as f:
        f.write(",".join(NAMES + ["y"] + (["g"] if folds else [])) + "\n")
        for i, (r, t) in enumerate(zip(X, y)):
            extra = [str((3 * i) % 4)] if folds else []
            f.write(",".join(["%.6f" % v for v in r + [t]] + extra) + "\n")


def read_data(path):
    header, cols = base.read_columns(path)
    X = np.array([[float(v) for v in cols[name]] for name in NAMES]).T
    y = np.array([float(v) for v in cols["y"]])
    return X, y


def checked_json(proc, what):
    if proc.returncode != 0:
        raise AssertionError("%s: exit %d\n%s" % (what, proc.returncode, proc.stderr))
    return json.loads(proc.stdout)


def standardise(X):
    mean, sd = X.mean(axis=0), X.std(axis=0)  # population sd, as glmnet
    return (X - mean) / sd, mean, sd


# ---- Criteria by numpy refits (DESIGN.md 4.2) ---------------------------------------------

def design(X, cols):
    return np.column_stack([np.ones(len(X))] + [X[:, j] for j in cols])


def rss(X, y, cols):
    A = design(X, cols)
    coef = np.linalg.lstsq(A, y, rcond=None)[0]
    r = y - A @ coef
    return float(r @ r), coef


def bic(X, y, cols):
    n = len(y)
    return n * math.log(rss(X, y, cols)[0] / n) + (len(cols) + 1) * math.log(n)


def aic(X, y, cols):
    n = len(y)
    return n * math.log(rss(X, y, cols)[0] / n) + 2 * (len(cols) + 1)


def loo(X, y, cols):
    A = design(X, cols)
    H = A @ np.linalg.pinv(A)
    r = y - H @ y
    return float(np.mean((r / (1 - np.diag(H))) ** 2))


def cv_mse(X, y, cols, folds):
    err = 0.0
    for k in np.unique(folds):
        test, train = folds == k, folds != k
        coef = np.linalg.lstsq(design(X[train], cols), y[train], rcond=None)[0]
        err += float(np.sum((y[test] - design(X[test], cols) @ coef) ** 2))
    return err / len(y)


def free_energy(X, y, cols, alpha, beta):
    """F of DESIGN.md 4.2 on the centred, standardised subset and centred y."""
    n, k = len(y), len(cols)
    Z = standardise(X[:, cols])[0]
    yc = y - y.mean()
    A = alpha * np.eye(k) + beta * Z.T @ Z
    b = Z.T @ yc
    return (n / 2 * math.log(2 * math.pi) - n / 2 * math.log(beta) - k / 2 * math.log(alpha)
            + 0.5 * np.linalg.slogdet(A)[1]
            + beta / 2 * (yc @ yc - beta * b @ np.linalg.solve(A, b)))


def all_subsets(score):
    """Every non-empty subset of the P features with its score."""
    return [(score(list(s)), list(s)) for k in range(1, P + 1)
            for s in itertools.combinations(range(P), k)]


def brute_rank(values, v, rel=1e-9):
    """1 + the subsets with a smaller value, and whether another value is within rel of v
    (a tie that rounding could put on either side)."""
    below = sum(1 for w in values if w < v - rel * abs(v))
    near = sum(1 for w in values if abs(w - v) <= rel * abs(v))
    return 1 + below, near > 1


# ---- The KKT conditions ---------------------------------------------------------------

def gradient_scale(X, y):
    """lambda_max of the LASSO: the largest |gradient| at w = 0."""
    return float(np.max(np.abs(standardise(X)[0].T @ (y - y.mean()))) / len(y))


def kkt_violation(X, y, w, b0, lam, alpha=1.0, factors=None, positive=False):
    """The largest violation of the optimality conditions, relative to the gradient's scale
    (gradient_scale), and the error of the intercept, relative to max(1, |b0|)."""
    Z, mean, sd = standardise(X)
    f = np.ones(X.shape[1]) if factors is None else np.asarray(factors, float)
    f = f * len(f) / f.sum()  # rescaled to sum to p, as glmnet does
    b = w * sd
    r = y - b0 - X @ w
    g = Z.T @ r / len(y)
    worst = 0.0
    for j in range(X.shape[1]):
        if b[j] != 0:
            want = lam * f[j] * (alpha * math.copysign(1.0, b[j]) + (1 - alpha) * b[j])
            worst = max(worst, abs(g[j] - want))
        elif positive:
            worst = max(worst, g[j] - lam * f[j] * alpha)
        else:
            worst = max(worst, abs(g[j]) - lam * f[j] * alpha)
    intercept_error = abs(b0 - (y.mean() - mean @ w)) / max(1.0, abs(b0))
    return worst / gradient_scale(X, y), intercept_error


class LassoData:
    """A temporary directory with the data set, its searches and the runs of lasso."""

    def __init__(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="sparsemi-lasso-")
        self.dir = self.tmp.name
        self.data = os.path.join(self.dir, "data.csv")
        write_data(self.data)
        self.X, self.y = read_data(self.data) if np is not None else (None, None)
        self.es_cache = {}

    def lasso(self, *args, **kw):
        return run("lasso", self.data, "--target", "y", *args, **kw)

    def lasso_json(self, *args):
        return checked_json(self.lasso(*args, "--json", "-"), "lasso %s" % (args,))

    def es(self, *args):
        """es with args, saved and as JSON: (result path, JSON path, parsed JSON)."""
        if args not in self.es_cache:
            stem = os.path.join(self.dir, "es-%d" % len(self.es_cache))
            proc = run("es", self.data, "--target", "y", "--quiet", *args, "--save",
                       stem + ".res", "--json", stem + ".json")
            if proc.returncode != 0:
                raise AssertionError("es: exit %d\n%s" % (proc.returncode, proc.stderr))
            with open(stem + ".json", encoding="utf-8") as f:
                self.es_cache[args] = (stem + ".res", stem + ".json", json.load(f))
        return self.es_cache[args]


@unittest.skipIf(np is None, "numpy is not installed for %s" % sys.executable)
class TestCoordinateDescent(CliTestCase):
    """The path's shape and every solution's optimality."""

    @classmethod
    def setUpClass(cls):
        cls.d = LassoData()
        cls.r = cls.d.lasso_json("--tol", "1e-14")

    @classmethod
    def tearDownClass(cls):
        cls.d.tmp.cleanup()

    def check_kkt(self, r, alpha=1.0, factors=None, positive=False):
        X, y = self.d.X, self.d.y
        for lam, w, b0 in zip(r["lambdas"], r["coefficients"], r["intercepts"]):
            worst, b0_error = kkt_violation(X, y, np.array(w), b0, lam, alpha, factors, positive)
            self.assertLessEqual(worst, KKT_REL, lam)
            self.assertLessEqual(b0_error, 1e-12, lam)

    def test_shape(self):
        r = self.r
        self.assertEqual((r["command"], r["path"], r["target"]), ("lasso", "cd", "y"))
        self.assertEqual(r["version"], base.header_version())
        self.assertEqual((r["n_samples"], r["n_features"], r["features"]), (N, P, NAMES))
        self.assertEqual((r["alpha"], r["positive"], r["n_lambdas"]), (1, False, 100))
        self.assertEqual((r["tol"], r["max_steps"]), (1e-14, None))
        # Not given: the library's rule (1e-4 for n > p), read off the path's two ends.
        self.assertTrue(base.close(r["lambda_min_ratio"], 1e-4, 1e-12), r["lambda_min_ratio"])
        self.assertIsNone(r["penalty_factors"])
        self.assertIsNone(r["cv"])
        self.assertIsNone(r["on_dos"])
        self.assertEqual(len(r["lambdas"]), 100)
        self.assertEqual(len(r["intercepts"]), 100)
        self.assertEqual([len(row) for row in r["coefficients"]], [P] * 100)
        for key in ("supports", "hybrid_best", "criterion", "elapsed_s", "exhaustive"):
            self.assertIn(key, r)

    def test_lambdas_from_lambda_max(self):
        lam = np.array(self.r["lambdas"])
        Z = standardise(self.d.X)[0]
        lambda_max = np.max(np.abs(Z.T @ (self.d.y - self.d.y.mean()))) / N
        self.assertTrue(base.close(lam[0], lambda_max, 1e-12), (lam[0], lambda_max))
        self.assertTrue(base.close(lam[-1], 1e-4 * lambda_max, 1e-10))
        ratios = lam[1:] / lam[:-1]
        self.assertLessEqual(np.max(np.abs(ratios / ratios[0] - 1)), 1e-10)  # log-spaced
        self.assertTrue(all(c == 0 for c in self.r["coefficients"][0]))  # all zero at the top

    def test_kkt(self):
        self.check_kkt(self.r)

    def test_elastic_net(self):
        r = self.d.lasso_json("--alpha", "0.5", "--tol", "1e-14", "--lambdas", "30")
        self.assertEqual((r["alpha"], len(r["lambdas"])), (0.5, 30))
        # lambda_max of the elastic net: that of the LASSO over a
        self.assertTrue(base.close(r["lambdas"][0], gradient_scale(self.d.X, self.d.y) / 0.5,
                                   1e-12))
        self.check_kkt(r, alpha=0.5)

    def test_positive(self):
        r = self.d.lasso_json("--positive", "--tol", "1e-14", "--lambdas", "30")
        self.assertIs(r["positive"], True)
        self.assertTrue(all(c >= 0 for row in r["coefficients"] for c in row))
        self.assertTrue(all(c == 0 for c in r["coefficients"][-1][3:4]))  # x3 acts negatively
        self.check_kkt(r, positive=True)

    def test_penalty_factors(self):
        r = self.d.lasso_json("--penalty-factors", "x0=0,x5=2.5", "--tol", "1e-14",
                              "--lambdas", "30", "--lambda-min-ratio", "0.01")
        factors = [0, 1, 1, 1, 1, 2.5, 1, 1]
        self.assertEqual(r["penalty_factors"], dict(zip(NAMES, factors)))
        self.assertEqual(r["lambda_min_ratio"], 0.01)
        self.assertTrue(all(row[0] != 0 for row in r["coefficients"]))  # x0 is unpenalised
        self.check_kkt(r, factors=factors)

    def test_table(self):
        proc = self.d.lasso()
        self.assertExit(proc, 0)
        for text in ("path       coordinate descent, LASSO, 100 lambdas", "criterion  bic",
                     "Supports along the path", "x0, x2, x3, x7"):
            self.assertIn(text, proc.stdout)
        self.assertEqual(proc.stderr, "")


@unittest.skipIf(np is None, "numpy is not installed for %s" % sys.executable)
class TestLars(CliTestCase):
    @classmethod
    def setUpClass(cls):
        cls.d = LassoData()

    @classmethod
    def tearDownClass(cls):
        cls.d.tmp.cleanup()

    def test_lasso_knots_satisfy_kkt(self):
        r = self.d.lasso_json("--path", "lasso")
        self.assertEqual((r["path"], r["lars_status"], r["alpha"]), ("lasso", "complete", None))
        alphas = r["lambdas"]
        self.assertTrue(all(a >= b for a, b in zip(alphas, alphas[1:])))
        self.assertTrue(all(c == 0 for c in r["coefficients"][0]))
        for a, w, b0 in zip(alphas[:-1], r["coefficients"][:-1], r["intercepts"][:-1]):
            worst, b0_error = kkt_violation(self.d.X, self.d.y, np.array(w), b0, a)
            self.assertLessEqual(worst, 1e-9, a)
            self.assertLessEqual(b0_error, 1e-12, a)
        # the path ends at alpha 0: the least-squares fit on every feature (n > p)
        self.assertEqual(alphas[-1], 0)
        coef = rss(self.d.X, self.d.y, list(range(P)))[1]
        self.assertTrue(np.allclose(r["coefficients"][-1], coef[1:], rtol=1e-9, atol=1e-12))
        self.assertTrue(base.close(r["intercepts"][-1], coef[0], 1e-9))

    def test_lar_keeps_equal_correlation(self):
        r = self.d.lasso_json("--path", "lars")
        Z = standardise(self.d.X)[0]
        for a, w, b0 in zip(r["lambdas"][:-1], r["coefficients"][:-1], r["intercepts"][:-1]):
            g = Z.T @ (self.d.y - b0 - self.d.X @ np.array(w)) / N
            self.assertTrue(base.close(np.max(np.abs(g)), a, 1e-9))
            for j in range(P):
                if w[j] != 0:
                    self.assertTrue(base.close(abs(g[j]), a, 1e-9), (a, j))

    def test_stop_at_collinear_features(self):
        """A copy of x0 cannot enter after it: the path stops there, with a note on standard
        error unless --quiet."""
        with open(self.d.data, encoding="utf-8") as f:
            lines = f.read().splitlines()
        data = self.write("copy.csv", "\n".join([lines[0] + ",x0copy"] + [
            line + "," + line.split(",")[0] for line in lines[1:]]) + "\n")
        proc = run("lasso", data, "--target", "y", "--path", "lars", "--json", "-")
        self.assertExit(proc, 0)
        r = json.loads(proc.stdout)
        self.assertEqual(r["lars_status"], "singular")
        self.assertIn("collinear", proc.stderr)
        self.assertGreater(r["lambdas"][-1], 0)
        quiet = run("lasso", data, "--target", "y", "--path", "lars", "--quiet")
        self.assertExit(quiet, 0)
        self.assertEqual(quiet.stderr, "")
        self.assertIn("stopped early", quiet.stdout)

    def test_max_steps_and_positive(self):
        r = self.d.lasso_json("--path", "lasso", "--max-steps", "2", "--positive")
        self.assertEqual(len(r["lambdas"]), 3)
        self.assertIs(r["positive"], True)
        self.assertTrue(all(c >= 0 for row in r["coefficients"] for c in row))
        self.assertEqual(r["max_steps"], 2)

    def test_supports_follow_the_knots(self):
        """Each support is the set of nonzero coefficients inside a segment of the path,
        with the penalty of the knot where the segment starts."""
        r = self.d.lasso_json("--path", "lasso")
        alphas, coef = r["lambdas"], r["coefficients"]
        seen = []
        for s in r["supports"]:
            t = alphas.index(s["penalty"])
            inside = {NAMES[j] for j in range(P) if coef[t][j] != 0 or coef[t + 1][j] != 0}
            self.assertEqual(set(s["features"]), inside)
            self.assertNotIn(s["features"], seen)
            seen.append(s["features"])


@unittest.skipIf(np is None, "numpy is not installed for %s" % sys.executable)
class TestSupports(CliTestCase):
    """Each support refitted and scored, against numpy."""

    @classmethod
    def setUpClass(cls):
        cls.d = LassoData()

    @classmethod
    def tearDownClass(cls):
        cls.d.tmp.cleanup()

    def check(self, r, score):
        X, y = self.d.X, self.d.y
        self.assertGreater(len(r["supports"]), 3)
        values = []
        for s in r["supports"]:
            cols = [NAMES.index(f) for f in s["features"]]
            self.assertEqual(cols, sorted(cols))
            self.assertEqual(s["size"], len(cols))
            want = score(X, y, cols)
            self.assertTrue(base.close(s["criterion"], want, 1e-9), (s["features"], want))
            coef = rss(X, y, cols)[1]
            self.assertTrue(base.close(s["intercept"], coef[0], 1e-9, 1.0))
            for name, c in zip(s["features"], coef[1:]):
                self.assertTrue(base.close(s["coefficients"][name], c, 1e-9, 1e-9))
            values.append(s["criterion"])
        best = r["hybrid_best"]
        self.assertEqual(best["index"], values.index(min(values)))
        self.assertEqual(best["criterion"], min(values))
        self.assertEqual(best["features"], r["supports"][best["index"]]["features"])

    def test_bic_along_the_cd_path(self):
        r = self.d.lasso_json()
        self.assertEqual(r["criterion"], {"name": "bic", "alpha": None, "beta": None,
                                          "ng_prior": None, "ratio_grid": None, "folds": None})
        self.check(r, bic)
        # the supports in the order they appear, each at the first lambda that has it
        lam, coef, seen = r["lambdas"], r["coefficients"], []
        for s in r["supports"]:
            k = lam.index(s["penalty"])
            self.assertEqual(s["features"], [NAMES[j] for j in range(P) if coef[k][j] != 0])
            for earlier in range(k):
                self.assertNotEqual(s["features"],
                                    [NAMES[j] for j in range(P) if coef[earlier][j] != 0])
            self.assertNotIn(s["features"], seen)
            seen.append(s["features"])

    def test_bic_along_lars(self):
        self.check(self.d.lasso_json("--path", "lars"), bic)

    def test_aic_and_loo(self):
        self.check(self.d.lasso_json("--criterion", "aic"), aic)
        self.check(self.d.lasso_json("--criterion", "loo"), loo)

    def test_free_energy(self):
        r = self.d.lasso_json("--criterion", "fe", "--fe-hyper", "0.5:2")
        self.assertEqual((r["criterion"]["alpha"], r["criterion"]["beta"]), (0.5, 2))
        self.check(r, lambda X, y, cols: free_energy(X, y, cols, 0.5, 2.0))
        r = self.d.lasso_json("--criterion", "fe")  # the library's defaults, as es's
        self.assertEqual(r["criterion"]["alpha"], 1)
        self.assertTrue(base.close(r["criterion"]["beta"], 1.0 / np.var(self.d.y), 1e-12))
        self.check(r, lambda X, y, cols: free_energy(X, y, cols, 1.0, 1.0 / np.var(y)))

    def test_cv_on_a_fold_column(self):
        data = os.path.join(self.dir, "folds.csv")
        write_data(data, folds=True)
        proc = run("lasso", data, "--target", "y", "--fold-column", "g", "--criterion", "cv",
                   "--json", "-")
        r = checked_json(proc, "lasso --fold-column")
        folds = np.array([(3 * i) % 4 for i in range(N)])
        self.assertEqual(r["features"], NAMES)  # the fold column is no feature
        self.assertEqual(r["cv"]["folds"], {"k": 4, "seed": None, "column": "g"})
        self.assertEqual(r["criterion"]["folds"], {"k": 4, "seed": None, "column": "g"})
        self.check(r, lambda X, y, cols: cv_mse(X, y, cols, folds))

    @unittest.skipIf(seeded_permutation is None, "test_es_cv is not importable")
    def test_cv_on_the_lasso_folds(self):
        r = self.d.lasso_json("--cv", "5", "--fold-seed", "3", "--criterion", "cv")
        self.assertEqual(r["criterion"]["folds"], {"k": 5, "seed": 3, "column": None})
        folds = np.array(seeded_permutation(N, 3)) % 5
        self.check(r, lambda X, y, cols: cv_mse(X, y, cols, folds))


@unittest.skipIf(np is None, "numpy is not installed for %s" % sys.executable)
class TestCrossValidation(CliTestCase):
    @classmethod
    def setUpClass(cls):
        cls.d = LassoData()
        cls.r = cls.d.lasso_json("--cv", "5")

    @classmethod
    def tearDownClass(cls):
        cls.d.tmp.cleanup()

    def test_curve_and_choices(self):
        cv, lam = self.r["cv"], self.r["lambdas"]
        self.assertEqual(cv["folds"], {"k": 5, "seed": 0, "column": None})
        self.assertEqual((len(cv["mean"]), len(cv["se"])), (len(lam), len(lam)))
        self.assertTrue(all(m > 0 for m in cv["mean"]) and all(s >= 0 for s in cv["se"]))
        mean, se = cv["mean"], cv["se"]
        i_min = min(range(len(mean)), key=lambda k: (mean[k], -lam[k]))  # largest on ties
        self.assertEqual((cv["index_min"], cv["lambda_min"]), (i_min, lam[i_min]))
        threshold = mean[i_min] + se[i_min]
        i_1se = min(k for k in range(len(mean)) if mean[k] <= threshold)  # largest lambda
        self.assertEqual((cv["index_1se"], cv["lambda_1se"]), (i_1se, lam[i_1se]))
        self.assertLessEqual(i_1se, i_min)

    def test_supports_at_the_choices(self):
        cv, coef, supports = self.r["cv"], self.r["coefficients"], self.r["supports"]
        for key, index in (("support_min", "index_min"), ("support_1se", "index_1se")):
            nonzero = [NAMES[j] for j in range(P) if coef[cv[index]][j] != 0]
            if not nonzero:
                self.assertIsNone(cv[key])
            else:
                self.assertEqual(supports[cv[key]]["features"], nonzero)

    def test_threads_and_seed(self):
        one = self.d.lasso_json("--cv", "5", "--threads", "1")
        two = self.d.lasso_json("--cv", "5", "--threads", "2")
        self.assertEqual((one.pop("threads"), two.pop("threads")), (1, 2))
        one.pop("elapsed_s"), two.pop("elapsed_s")
        self.assertEqual(one, two)
        unshuffled = self.d.lasso_json("--cv", "5", "--fold-seed", "none")
        self.assertEqual(unshuffled["cv"]["folds"], {"k": 5, "seed": None, "column": None})
        self.assertNotEqual(unshuffled["cv"]["mean"], one["cv"]["mean"])

    def test_table(self):
        proc = self.d.lasso("--cv", "5")
        self.assertExit(proc, 0)
        for text in ("cv         5 folds, shuffled with seed 0", "lambda_min", "lambda_1se",
                     " min ", "1se"):
            self.assertIn(text, proc.stdout)


@unittest.skipIf(np is None, "numpy is not installed for %s" % sys.executable)
class TestOnDos(CliTestCase):
    """The ranks of the supports among all 255 subsets, by brute force."""

    @classmethod
    def setUpClass(cls):
        cls.d = LassoData()
        cls.bic = all_subsets(lambda cols: bic(cls.d.X, cls.d.y, cols))

    @classmethod
    def tearDownClass(cls):
        cls.d.tmp.cleanup()

    def check_exact(self, r, table):
        values = [v for v, _ in table]
        self.assertEqual(len(r["on_dos"]), len(r["supports"]))
        for entry, s in zip(r["on_dos"], r["supports"]):
            self.assertEqual((entry["lambda"], entry["features"], entry["criterion"]),
                             (s["penalty"], s["features"], s["criterion"]))
            want, tied = brute_rank(values, entry["criterion"])
            self.assertFalse(tied, entry)
            self.assertEqual(entry["rank"], want, entry["features"])
            self.assertEqual((entry["rank_lo"], entry["rank_hi"], entry["exact"]),
                             (want, want, True))
            self.assertTrue(base.close(entry["percentile"], 100.0 * want / 255, 1e-12))
            self.assertIs(entry["in_search"], True)
        best_value, best = min(table)
        x = r["exhaustive"]
        self.assertEqual((x["n_models"], x["best"]["features"]),
                         (255, [NAMES[j] for j in best]))
        self.assertTrue(base.close(x["best"]["criterion"], best_value, 1e-9))
        path_best = r["supports"][r["hybrid_best"]["index"]]
        self.assertEqual(x["path_best"]["support"], r["hybrid_best"]["index"])
        self.assertTrue(base.close(x["path_best"]["gap"],
                                   path_best["criterion"] - best_value, 1e-9, 1.0))
        on_path = [s["features"] for s in r["supports"]]
        self.assertEqual(x["best"]["support"],
                         on_path.index(x["best"]["features"])
                         if x["best"]["features"] in on_path else None)

    def test_result_file_keeping_every_subset(self):
        res, _, _ = self.d.es("--top", "300")
        r = self.d.lasso_json("--on-dos", res)
        self.assertEqual(r["exhaustive"]["format"], "result")
        self.check_exact(r, self.bic)

    def test_result_file_alone_with_lars(self):
        """The result file is all --on-dos reads: no sidecar is written or needed."""
        res, _, _ = self.d.es("--top", "300")
        self.assertFalse(os.path.exists(res + ".meta.json"))
        for args in ((), ("--path", "lars")):
            r = self.d.lasso_json("--on-dos", res, *args)
            self.assertEqual(r["exhaustive"]["format"], "result")
            self.check_exact(r, self.bic)

    def test_es_json_is_refused(self):
        """The JSON report lacks what ranks need; the saved result holds it."""
        _, path, _ = self.d.es("--top", "300")
        proc = self.d.lasso("--on-dos", path)
        self.assertExit(proc, 1)
        self.assertIn("--save", proc.stderr)

    def test_few_kept_models_bound_the_rank(self):
        """With --top 5 most ranks come from the DOS (the library's smi_search_result_rank):
        bounds that hold the brute-force rank, and the estimate between them."""
        res, _, _ = self.d.es("--top", "5", "--bins", "16")
        values = [v for v, _ in self.bic]
        by_result = self.d.lasso_json("--on-dos", res)["on_dos"]
        inexact = 0
        for a in by_result:
            want = brute_rank(values, a["criterion"])[0]
            self.assertLessEqual(a["rank_lo"], want)
            self.assertLessEqual(want, a["rank_hi"])
            self.assertTrue(a["rank_lo"] <= a["rank"] <= a["rank_hi"])
            self.assertTrue(base.close(a["percentile"], 100.0 * a["rank"] / 255, 1e-12))
            inexact += not a["exact"]
        self.assertGreater(inexact, 2)

    def test_criterion_from_the_file(self):
        """No --criterion: the search's, with its settings."""
        res, path, _ = self.d.es("--criterion", "fe", "--fe-hyper", "0.5:2", "--top", "300")
        table = all_subsets(lambda cols: free_energy(self.d.X, self.d.y, cols, 0.5, 2.0))
        for es in (res,):
            r = self.d.lasso_json("--on-dos", es)
            self.assertEqual((r["criterion"]["name"], r["criterion"]["alpha"],
                              r["criterion"]["beta"]), ("fe", 0.5, 2))
            self.check_exact(r, table)
        r = self.d.lasso_json("--on-dos", res, "--criterion", "fe", "--fe-hyper", "0.5:2")
        self.assertEqual(r["criterion"]["name"], "fe")

    def test_cv_with_the_search_folds(self):
        """The search's folds score the supports, whatever the LASSO's CV uses: each
        support's value is the search's value of that subset."""
        res, path, es = self.d.es("--criterion", "cv", "--folds", "5", "--fold-seed", "3",
                                  "--top", "300")
        for search in (res,):  # the folds come from the result's saved configuration
            r = self.d.lasso_json("--on-dos", search, "--cv", "4", "--fold-seed", "9")
            self.check_search_values(r, es, {"k": 5, "seed": 3, "column": None})
            self.assertEqual(r["cv"]["folds"], {"k": 4, "seed": 9, "column": None})

    def check_search_values(self, r, es, folds):
        self.assertEqual(r["criterion"]["folds"], folds)
        by_subset = {tuple(m["features"]): m["criterion"] for m in es["models"]}
        for s in r["supports"]:
            self.assertTrue(base.close(s["criterion"], by_subset[tuple(s["features"])], 1e-9))
        self.check_exact(r, [(m["criterion"], [NAMES.index(f) for f in m["features"]])
                             for m in es["models"]])

    def test_cv_with_the_search_fold_column(self):
        """A search on the folds of a column: the data are read with that column as the
        folds (no feature), for the criterion whatever the LASSO's CV uses."""
        data = os.path.join(self.dir, "folds.csv")
        write_data(data, folds=True)
        stem = os.path.join(self.dir, "es-g")
        proc = run("es", data, "--target", "y", "--criterion", "cv", "--fold-column", "g",
                   "--top", "300", "--quiet", "--save", stem + ".res", "--json", stem + ".json")
        self.assertExit(proc, 0)
        with open(stem + ".json", encoding="utf-8") as f:
            es = json.load(f)
        g = {"k": 4, "seed": None, "column": "g"}
        search = stem + ".res"
        # The saved configuration holds the fold ids, not the column's name: name it again.
        for args in (("--fold-column", "g", "--cv", "3"), ("--fold-column", "g")):
            proc = run("lasso", data, "--target", "y", "--on-dos", search, *args,
                       "--json", "-")
            r = checked_json(proc, "lasso --on-dos %s %s" % (search, args))
            self.assertEqual(r["features"], NAMES)
            self.check_search_values(r, es, g)
        proc = run("lasso", data, "--target", "y", "--on-dos", search)
        self.assertExit(proc, 1)
        self.assertIn("--fold-column", proc.stderr)
        proc = run("lasso", data, "--target", "y", "--on-dos", search, "--fold-column", "x1")
        self.assertExit(proc, 1)  # x1 holds no fold ids

    def test_outside_the_search(self):
        path, _, _ = self.d.es("--max-size", "3", "--keep", "x0")
        r = self.d.lasso_json("--on-dos", path)
        for entry in r["on_dos"]:
            inside = len(entry["features"]) <= 3 and "x0" in entry["features"]
            self.assertIs(entry["in_search"], inside, entry["features"])
        self.assertEqual((r["exhaustive"]["max_size"], r["exhaustive"]["keep"]), (3, ["x0"]))

    def test_table(self):
        res, _, _ = self.d.es("--top", "300")
        proc = self.d.lasso("--on-dos", res)
        self.assertExit(proc, 0)
        for text in ("criterion  bic, as the exhaustive search", "rank", "percentile",
                     "On the DOS of", "255 subsets scored by bic", "exhaustive best",
                     "path's best"):
            self.assertIn(text, proc.stdout)


class TestPictures(CliTestCase):
    @classmethod
    def setUpClass(cls):
        cls.d = LassoData()

    @classmethod
    def tearDownClass(cls):
        cls.d.tmp.cleanup()

    def svg_root(self, path):
        root = ET.parse(path).getroot()  # raises on malformed XML
        self.assertEqual(root.tag, SVG + "svg")
        return root

    def text_of(self, root):
        return " ".join(t.text or "" for t in root.iter(SVG + "text"))

    def test_cd_with_cv(self):
        prefix = os.path.join(self.dir, "cd")
        proc = self.d.lasso("--cv", "5", "--plot", prefix, "--lambdas", "40")
        self.assertExit(proc, 0)
        path = self.svg_root(prefix + "-path.svg")
        self.assertEqual(len(list(path.iter(SVG + "polyline"))), P)  # a path per feature
        text = self.text_of(path)
        for name in ("x0", "x3", "\u03bb_min", "\u03bb_1se", "LASSO path"):
            self.assertIn(name, text)
        cv = self.svg_root(prefix + "-cv.svg")
        points = [c for c in cv.iter(SVG + "circle") if c.find(SVG + "title") is not None]
        self.assertEqual(len(points), 40)
        self.assertIn("\u03bb_min", self.text_of(cv))

    def test_lars_and_no_cv(self):
        for args, name in ((("--path", "lars"), "lars"), ((), "plain")):
            prefix = os.path.join(self.dir, name)
            proc = self.d.lasso(*args, "--plot", prefix)
            self.assertExit(proc, 0)
            root = self.svg_root(prefix + "-path.svg")
            self.assertEqual(len(list(root.iter(SVG + "polyline"))), P)
            self.assertFalse(os.path.exists(prefix + "-cv.svg"))
        self.assertIn("Least angle regression", self.text_of(self.svg_root(
            os.path.join(self.dir, "lars-path.svg"))))

    def test_help(self):
        proc = run("help", "lasso")
        self.assertExit(proc, 0)
        for option in ("--target", "--features", "--path", "--alpha", "--lambdas",
                       "--lambda-min-ratio", "--positive", "--penalty-factors", "--tol",
                       "--threads", "--cv", "--fold-seed", "--fold-column", "--criterion",
                       "--fe-hyper", "--on-dos", "--json", "--plot", "--quiet"):
            self.assertIn(option, proc.stdout)
        self.assertRegex(run("--help").stdout, r"(?m)^\s+lasso\s")


class TestErrors(CliTestCase):
    """Bad calls exit 2, bad input 1, with a message naming the problem; neither leaves an
    output file behind."""

    @classmethod
    def setUpClass(cls):
        cls.d = LassoData()
        cls.es_aic, cls.es_aic_json, _ = cls.d.es("--criterion", "aic")
        cls.es_fe, _, _ = cls.d.es("--criterion", "fe", "--fe-hyper", "0.5:2")
        cls.es_noint, cls.es_noint_json, _ = cls.d.es("--no-intercept")
        cls.es_shard, _, _ = cls.d.es("--shard", "0/2")

    @classmethod
    def tearDownClass(cls):
        cls.d.tmp.cleanup()

    def failing(self, code, *args, contains=(), data=None):
        out = os.path.join(self.dir, "out.json")
        prefix = os.path.join(self.dir, "plot")
        proc = run("lasso", data or self.d.data, "--target", "y", *args, "--json", out,
                   "--plot", prefix)
        self.assertExit(proc, code)
        self.assertTrue(proc.stderr.startswith("sparsemi"), proc.stderr)
        for text in contains:
            self.assertIn(text, proc.stderr)
        self.assertEqual(proc.stdout, "")
        left = [f for f in os.listdir(self.dir) if f.startswith(("out", "plot")) or ".tmp." in f]
        self.assertEqual(left, [], "output left by a failed run")
        return proc.stderr

    def test_usage(self):
        self.failing(2, "--path", "xyz", contains=["--path", "'xyz'"])
        self.failing(2, "--cv", "5", "--path", "lars", contains=["--cv", "--path cd"])
        self.failing(2, "--positive", "--path", "lars", contains=["--positive", "lars"])
        self.failing(2, "--alpha", "0.5", "--path", "lasso", contains=["--l1-ratio", "--path cd"])
        self.failing(2, "--l1-ratio", "0.5", "--path", "lasso", contains=["--l1-ratio"])
        self.failing(2, "--max-steps", "3", contains=["--max-steps"])
        self.failing(2, "--alpha", "0", contains=["--l1-ratio"])  # --alpha: its alias
        self.failing(2, "--l1-ratio", "1.5", contains=["--l1-ratio"])
        self.failing(2, "--lambdas", "0", contains=["--lambdas"])
        self.failing(2, "--lambda-min-ratio", "1", contains=["--lambda-min-ratio"])
        self.failing(2, "--tol", "0", contains=["--tol"])
        self.failing(2, "--cv", "1", contains=["--cv", "at least 2"])
        self.failing(2, "--fold-seed", "3", contains=["--fold-seed", "--cv"])
        self.failing(2, "--cv", "3", "--fold-seed", "-1", contains=["--fold-seed", "'-1'"])
        self.failing(2, "--cv", "3", "--fold-column", "x0", contains=["--fold-column", "--cv"])
        self.failing(2, "--penalty-factors", "x0", contains=["--penalty-factors", "'x0'"])
        self.failing(2, "--penalty-factors", "x0=-1", contains=["--penalty-factors", "x0=-1"])
        self.failing(2, "--penalty-factors", "x0=1,x0=2", contains=["'x0'", "twice"])
        self.failing(2, "--criterion", "xyz", contains=["--criterion", "'xyz'"])
        self.failing(2, "--fe-hyper", "1:1", contains=["--fe-hyper", "--criterion fe"])
        self.failing(2, "--criterion", "cv", contains=["--criterion cv", "--cv K"])
        self.failing(2, "--on-dos", "-", contains=["--on-dos"])

    def test_bad_input(self):
        self.failing(1, "--penalty-factors", "nosuch=2", contains=["--penalty-factors",
                                                                   "'nosuch'"])
        self.failing(2, "--penalty-factors", ",".join("%s=0" % n for n in NAMES),
                     contains=["--penalty-factors", "every factor is 0"])
        self.failing(1, "--cv", "41", contains=["41"])
        missing = os.path.join(self.dir, "nosuch.csv")
        self.failing(1, data=missing, contains=[missing])
        ragged = self.write("ragged.csv", "a,b,y\n1,2,3\n4,5\n7,8,9\n")
        self.failing(1, data=ragged, contains=[ragged + ":3"])

    def test_on_dos_of_another_search(self):
        self.failing(1, "--on-dos", self.es_aic, "--criterion", "bic",
                     contains=["'aic'", "'bic'", "criterion"])
        self.failing(1, "--on-dos", self.es_aic_json, contains=["JSON", "--save"])
        self.failing(1, "--on-dos", self.es_fe, "--fe-hyper", "1:2",
                     contains=["--fe-hyper", "alpha 0.5"])
        self.failing(1, "--on-dos", self.es_aic, "--fe-hyper", "1:2",
                     contains=["--fe-hyper", "'aic'"])
        self.failing(1, "--on-dos", self.es_noint, contains=["intercept"])
        self.failing(1, "--on-dos", self.es_shard, contains=["shards", "merge"])
        self.failing(1, "--on-dos", self.es_aic, "--features", "x0,x1,x2",
                     contains=["features"])
        self.failing(1, "--on-dos", os.path.join(self.dir, "nosuch.res"), contains=["nosuch"])
        self.failing(1, "--on-dos", self.d.data, contains=["not a result"])

    def test_on_dos_of_other_data(self):
        other = os.path.join(self.d.dir, "other.csv")
        with open(self.d.data, encoding="utf-8") as f:
            lines = f.read().splitlines()
        lines[5] = lines[5].replace("0", "1", 1)
        with open(other, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        proc = run("es", other, "--target", "y", "--save", other + ".res", "--quiet")
        self.assertExit(proc, 0)
        err = self.failing(1, "--on-dos", other + ".res", contains=["other data", "fingerprint",
                                                                    other + ".res"])
        self.assertEqual(len(set(re.findall(r"\b[0-9a-f]{16}\b", err))), 2, err)

    def test_result_file_moved_alone(self):
        """A result copied elsewhere, alone, is all --on-dos needs."""
        res, _, _ = self.d.es("--top", "50")
        lonely = os.path.join(self.dir, "lonely.res")
        with open(res, encoding="utf-8") as f, open(lonely, "w", encoding="utf-8") as g:
            g.write(f.read())
        proc = run("lasso", self.d.data, "--target", "y", "--on-dos", lonely, "--json", "-")
        self.assertExit(proc, 0)
        self.assertEqual(json.loads(proc.stdout)["exhaustive"]["n_models"], 255)

    def test_failure_keeps_existing_file(self):
        out = self.write("out.json", "old contents")
        proc = run("lasso", self.d.data, "--target", "y", "--on-dos", self.es_aic,
                   "--criterion", "bic", "--json", out)
        self.assertExit(proc, 1)
        with open(out, encoding="utf-8") as f:
            self.assertEqual(f.read(), "old contents")
        self.assertNoTempFiles()


if __name__ == "__main__":
    base.main(__doc__)
