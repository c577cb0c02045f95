#!/usr/bin/env python3
"""Tests of `sparsemi evidence`, the Bayesian model evidence of one model, run as a user
runs it.

Usage: test_evidence.py SPARSEMI SOURCE_ROOT [unittest options]

References are independent of the library: the free energy of fixed alpha, beta as the
dense n x n Gaussian -ln N(y_c; 0, beta^-1 I + alpha^-1 Z Z') with numpy (Z the features
standardised with the population sd, y_c the centred target); the optimum of the
optimised mode checked by a central finite-difference gradient of that function in
(ln alpha, ln beta); the posterior mean m = beta A^-1 Z'y_c, A = alpha I + beta Z'Z,
divided by the features' sd."""
import json
import math
import os
import unittest

import test_cli as base
from test_cli import CliTestCase, OCTET, OCTET_TARGET, run

try:
    import numpy as np
except ImportError:  # the numerical checks skip themselves
    np = None
try:
    from scipy import integrate
except ImportError:
    integrate = None

MODEL = ["r_p_A", "r_d_B", "r_s_B"]
ALPHA, BETA = 0.5, 20.0


def evidence(*args):
    return run("evidence", OCTET, "--target", OCTET_TARGET, "--features", ",".join(MODEL),
               *args)


def load_model(features=MODEL):
    header, columns = base.read_columns(os.path.join(base.ROOT, OCTET))
    X = np.array([[float(v) for v in columns[name]] for name in features]).T
    y = np.array([float(v) for v in columns[OCTET_TARGET]])
    return X, y


def standardised(X, y):
    sd = X.std(axis=0)  # population sd (divisor n)
    return (X - X.mean(axis=0)) / sd, y - y.mean(), sd


def dense_free_energy(Z, yc, alpha, beta):
    """-ln N(yc; 0, C), C = I/beta + Z Z'/alpha, by the n x n Gaussian."""
    n = len(yc)
    C = np.eye(n) / beta + (Z @ Z.T) / alpha
    sign, logdet = np.linalg.slogdet(C)
    assert sign > 0
    quad = float(yc @ np.linalg.solve(C, yc))
    return 0.5 * (n * math.log(2 * math.pi) + logdet + quad)


def posterior(Z, yc, alpha, beta):
    A = alpha * np.eye(Z.shape[1]) + beta * (Z.T @ Z)
    Ainv = np.linalg.inv(A)
    return beta * Ainv @ (Z.T @ yc), Ainv


def close(a, b, rel):
    return abs(a - b) <= rel * max(abs(b), 1e-300)


class EvidenceCase(CliTestCase):
    def json_run(self, *args, code=0):
        path = os.path.join(self.dir, "ev.json")
        proc = evidence(*args, "--json", path)
        self.assertExit(proc, code)
        with open(path, encoding="utf-8") as f:
            return json.load(f), proc


class TestOutputs(EvidenceCase):
    """What needs no numpy: output forms and the exit status of no convergence."""

    def test_json_stdout_and_quiet(self):
        proc = evidence("--hyper", "fixed", "--alpha", "1", "--beta", "1", "--json", "-")
        self.assertExit(proc, 0)
        r = json.loads(proc.stdout)
        self.assertEqual(r["command"], "evidence")
        proc = evidence("--quiet")
        self.assertExit(proc, 0)
        self.assertEqual(proc.stdout, "")

    def test_no_convergence_writes_result_and_exits_1(self):
        r, proc = self.json_run("--max-iter", "1", code=1)
        self.assertFalse(r["converged"])
        self.assertEqual(r["iterations"], 1)
        self.assertTrue(math.isfinite(r["free_energy"]))
        self.assertIn("warning", proc.stderr)
        self.assertIn("converged", proc.stdout)  # the table is printed too
        self.assertNoTempFiles()


@unittest.skipIf(np is None, "numpy is not installed")
class TestFixed(EvidenceCase):
    def setUp(self):
        super().setUp()
        X, y = load_model()
        self.X, self.y = X, y
        self.Z, self.yc, self.sd = standardised(X, y)

    def test_free_energy_is_dense_gaussian(self):
        r, _ = self.json_run("--hyper", "fixed", "--alpha", str(ALPHA), "--beta", str(BETA))
        ref = dense_free_energy(self.Z, self.yc, ALPHA, BETA)
        self.assertTrue(close(r["free_energy"], ref, 1e-10), (r["free_energy"], ref))
        self.assertEqual(r["log_evidence"], -r["free_energy"])
        self.assertTrue(close(r["fit_term"] + r["complexity_term"], r["free_energy"], 1e-12))
        self.assertEqual((r["alpha"], r["beta"]), (ALPHA, BETA))
        self.assertTrue(close(r["noise_sd"], BETA ** -0.5, 1e-14))
        self.assertEqual(r["command"], "evidence")
        self.assertEqual(r["hyper"], "fixed")
        self.assertEqual(r["features"], MODEL)
        self.assertEqual(r["target"], OCTET_TARGET)
        self.assertEqual(r["n_samples"], len(self.y))
        self.assertTrue(r["converged"])

    def test_posterior(self):
        r, _ = self.json_run("--hyper", "fixed", "--alpha", str(ALPHA), "--beta", str(BETA))
        m, Ainv = posterior(self.Z, self.yc, ALPHA, BETA)
        coef = m / self.sd
        for name, c in zip(MODEL, coef):
            self.assertTrue(close(r["coefficients"][name], c, 1e-9), (name, c))
        cov = Ainv / np.outer(self.sd, self.sd)
        got = np.array(r["covariance"])
        self.assertEqual(got.shape, (3, 3))
        self.assertTrue(np.allclose(got, cov, rtol=1e-9, atol=0), (got, cov))
        icpt = self.y.mean() - self.X.mean(axis=0) @ coef
        self.assertTrue(close(r["intercept"], icpt, 1e-9))
        # gamma_eff = sum l / (alpha + l) over the eigenvalues l of beta Z'Z
        lam = np.linalg.eigvalsh(BETA * self.Z.T @ self.Z)
        self.assertTrue(close(r["gamma_eff"], float(np.sum(lam / (ALPHA + lam))), 1e-10))

    def test_raw_units_without_intercept(self):
        r, _ = self.json_run("--hyper", "fixed", "--alpha", str(ALPHA), "--beta", str(BETA),
                             "--no-intercept", "--no-standardize")
        ref = dense_free_energy(self.X, self.y, ALPHA, BETA)
        self.assertTrue(close(r["free_energy"], ref, 1e-10), (r["free_energy"], ref))
        m, _ = posterior(self.X, self.y, ALPHA, BETA)
        for name, c in zip(MODEL, m):
            self.assertTrue(close(r["coefficients"][name], c, 1e-9), (name, c))
        self.assertEqual(r["intercept"], 0)

    def test_table(self):
        proc = evidence("--hyper", "fixed", "--alpha", str(ALPHA), "--beta", str(BETA))
        self.assertExit(proc, 0)
        ref = dense_free_energy(self.Z, self.yc, ALPHA, BETA)
        out = proc.stdout
        for word in ("log evidence", "alpha", "beta", "noise sd", "gamma_eff", "fit term",
                     "complexity term", "iterations", "posterior mean", "posterior sd",
                     "(intercept)", *MODEL):
            self.assertIn(word, out)
        line = [l for l in out.splitlines() if l.startswith("log evidence")][0]
        self.assertTrue(close(float(line.split()[-1]), -ref, 1e-9), line)
        _, Ainv = posterior(self.Z, self.yc, ALPHA, BETA)
        for j, name in enumerate(MODEL):
            row = [l for l in out.splitlines() if l.startswith(name + " ")][0].split()
            self.assertTrue(close(float(row[2]), math.sqrt(Ainv[j, j]) / self.sd[j], 1e-6),
                            row)

@unittest.skipIf(np is None, "numpy is not installed")
class TestOptimize(EvidenceCase):
    def test_gradient_vanishes(self):
        r, _ = self.json_run("--hyper", "optimize")
        self.assertTrue(r["converged"])
        self.assertGreater(r["iterations"], 0)
        X, y = load_model()
        Z, yc, sd = standardised(X, y)
        a, b = r["alpha"], r["beta"]
        F = dense_free_energy(Z, yc, a, b)
        self.assertTrue(close(r["free_energy"], F, 1e-10), (r["free_energy"], F))
        h = 1e-4
        ga = (dense_free_energy(Z, yc, a * math.exp(h), b)
              - dense_free_energy(Z, yc, a * math.exp(-h), b)) / (2 * h)
        gb = (dense_free_energy(Z, yc, a, b * math.exp(h))
              - dense_free_energy(Z, yc, a, b * math.exp(-h))) / (2 * h)
        scale = max(1.0, abs(F))
        self.assertLess(abs(ga), 1e-5 * scale, ga)
        self.assertLess(abs(gb), 1e-5 * scale, gb)
        # a real minimum: F is larger a step away
        self.assertLess(F, dense_free_energy(Z, yc, 2 * a, b))
        self.assertLess(F, dense_free_energy(Z, yc, a, 2 * b))
        m, _ = posterior(Z, yc, a, b)
        for name, c in zip(MODEL, m / sd):
            self.assertTrue(close(r["coefficients"][name], c, 1e-9), (name, c))
        self.assertTrue(close(r["noise_sd"], b ** -0.5, 1e-12))

    def test_start_and_tolerance_options(self):
        r, _ = self.json_run("--alpha", "3", "--beta", "5", "--max-iter", "500", "--tol",
                             "1e-12")
        r0, _ = self.json_run()
        self.assertTrue(close(r["free_energy"], r0["free_energy"], 1e-9))

@unittest.skipIf(np is None, "numpy is not installed")
class TestMarginalAndNg(EvidenceCase):
    def finite(self, r):
        for key in ("free_energy", "log_evidence", "alpha", "beta", "noise_sd", "gamma_eff",
                    "fit_term", "complexity_term", "intercept"):
            self.assertTrue(math.isfinite(r[key]), (key, r[key]))
        for name in MODEL:
            self.assertTrue(math.isfinite(r["coefficients"][name]))
        self.assertTrue(all(math.isfinite(x) for row in r["covariance"] for x in row))
        self.assertEqual(r["log_evidence"], -r["free_energy"])

    def test_marginal_runs(self):
        for prior in ("inverse", "uniform", "gamma:2:0.5"):
            r, _ = self.json_run("--hyper", "marginal", "--prior", prior,
                                 "--sigma-noise-grid", "0.01:2:15",
                                 "--sigma-coef-grid", "0.05:20:15")
            self.finite(r)
            self.assertEqual(r["hyper"], "marginal")
            self.assertEqual(r["prior"]["name"], prior.split(":")[0])

    def test_marginal_narrow_grid_is_fixed(self):
        X, y = load_model()
        sdy = y.std()
        sn, sc = BETA ** -0.5 / sdy, ALPHA ** -0.5 / sdy  # in units of sd(y)
        eps = 1e-5
        grid = lambda s: "%.17g:%.17g:3" % (s * (1 - eps), s * (1 + eps))
        r, _ = self.json_run("--hyper", "marginal", "--sigma-noise-grid", grid(sn),
                             "--sigma-coef-grid", grid(sc))
        fixed, _ = self.json_run("--hyper", "fixed", "--alpha", str(ALPHA), "--beta",
                                 str(BETA))
        self.assertTrue(close(r["free_energy"], fixed["free_energy"], 1e-4),
                        (r["free_energy"], fixed["free_energy"]))
        self.assertTrue(close(r["alpha"], ALPHA, 1e-3), r["alpha"])
        self.assertTrue(close(r["beta"], BETA, 1e-3), r["beta"])

    def test_ng_runs(self):
        r, _ = self.json_run("--hyper", "ng")
        self.finite(r)
        r2, _ = self.json_run("--hyper", "ng", "--lambda", "2", "--a0", "1", "--b0", "0.5")
        self.finite(r2)
        self.assertNotEqual(r["free_energy"], r2["free_energy"])
        self.assertTrue(close(r2["alpha"], 2 * r2["beta"], 1e-12))  # alpha = lambda beta


DIABETES = "tests/data/diabetes.csv"
DIABETES_TARGET = "progression"


def load_columns(path, target, features):
    header, columns = base.read_columns(os.path.join(base.ROOT, path))
    X = np.array([[float(v) for v in columns[name]] for name in features]).T
    y = np.array([float(v) for v in columns[target]])
    return X, y


def brute_force_marginal(X, y, noise=(1e-3, 10.0), coef=(1e-2, 1e2), points=2001):
    """-ln of the integral of p(y | alpha, beta) over sigma_noise and sigma_coef (in units of
    sd(y)) with the inverse prior normalised over the ranges, by scipy's Simpson rule on a
    uniform grid in ln sigma over the whole ranges, and (E beta)^-1/2 under that posterior.
    The Gaussian evidence at each point comes from the eigenvalues of Z'Z (closed form)."""
    Z, yc, _ = standardised(X, y)
    n, k = Z.shape
    sdy = y.std()
    lam, V = np.linalg.eigh(Z.T @ Z)
    c = V.T @ (Z.T @ yc)
    yy = float(yc @ yc)
    tn = np.linspace(math.log(noise[0]), math.log(noise[1]), points)
    tc = np.linspace(math.log(coef[0]), math.log(coef[1]), points)
    beta = (1.0 / (sdy * np.exp(tn)) ** 2)[:, None]
    alpha = (1.0 / (sdy * np.exp(tc)) ** 2)[None, :]
    logdet = np.zeros((points, points))
    explained = np.zeros((points, points))
    for li, ci in zip(lam, c):
        d = alpha + beta * li
        logdet += np.log(d)
        explained += ci * ci / d
    log_like = -0.5 * (n * math.log(2 * math.pi) - n * np.log(beta) - k * np.log(alpha)
                       + logdet + beta * yy - beta * beta * explained)
    log_f = log_like - math.log(math.log(noise[1] / noise[0])) \
        - math.log(math.log(coef[1] / coef[0]))
    top = log_f.max()
    f = np.exp(log_f - top)
    total = integrate.simpson(integrate.simpson(f, x=tc, axis=1), x=tn)
    mean_beta = integrate.simpson(integrate.simpson(f * beta, x=tc, axis=1), x=tn) / total
    return -(top + math.log(total)), mean_beta ** -0.5


@unittest.skipIf(np is None or integrate is None, "numpy or scipy is not installed")
class TestMarginalAccuracy(EvidenceCase):
    """The marginal evidence against scipy's Simpson rule on a fine grid (2001 x 2001 points in
    ln sigma over the default ranges; 4001 x 4001 agrees to 1e-12): the default integrates
    accurately; a given grid is used literally and reports its error; a range that cuts the
    posterior is a warning."""

    references = {}

    def reference(self, path, target, features):
        key = (path, target, tuple(features))
        if key not in self.references:
            X, y = load_columns(path, target, features)
            self.references[key] = brute_force_marginal(X, y)
        return self.references[key]

    def marginal(self, path, target, features, *args):
        out = os.path.join(self.dir, "ev.json")
        proc = run("evidence", path, "--target", target, "--features", ",".join(features),
                   "--hyper", "marginal", *args, "--json", out)
        self.assertExit(proc, 0)
        with open(out, encoding="utf-8") as f:
            return json.load(f), proc

    def cases(self):
        header, _ = base.read_columns(os.path.join(base.ROOT, DIABETES))
        yield DIABETES, DIABETES_TARGET, [h for h in header if h != DIABETES_TARGET]
        yield OCTET, OCTET_TARGET, MODEL

    def test_default_is_the_integral(self):
        for path, target, features in self.cases():
            F, noise_sd = self.reference(path, target, features)
            r, proc = self.marginal(path, target, features)
            self.assertLess(abs(r["free_energy"] - F), 1e-6, (path, r["free_energy"], F))
            self.assertTrue(close(r["noise_sd"], noise_sd, 1e-6), (path, r["noise_sd"], noise_sd))
            self.assertLess(r["quadrature_error"], 1e-6)
            self.assertFalse(r["grid_given"])
            self.assertEqual(r["caveat"], "")
            self.assertNotIn("warning", proc.stderr)

    def test_coarse_grid_reports_its_error(self):
        for path, target, features in self.cases():
            F, _ = self.reference(path, target, features)
            r, proc = self.marginal(path, target, features, "--sigma-noise-grid", "1e-3:10:20",
                                    "--sigma-coef-grid", "1e-2:1e2:20")
            truth = abs(r["free_energy"] - F)
            self.assertGreater(truth, 0.01)  # the old default grid was this far off
            self.assertGreaterEqual(r["quadrature_error"], truth - 1e-6)
            self.assertLess(r["quadrature_error"], truth + 1e-5)
            self.assertTrue(r["grid_given"])
            self.assertIn("quadrature error", r["caveat"])
            self.assertIn("warning", proc.stderr)

    def test_cut_range_warns(self):
        X, y = load_model()
        r, _ = self.marginal(OCTET, OCTET_TARGET, MODEL)
        cut = 0.5 * r["noise_sd"] / y.std()
        r, proc = self.marginal(OCTET, OCTET_TARGET, MODEL, "--sigma-noise-grid",
                                "1e-3:%.17g:200" % cut)
        self.assertIn("upper end of the sigma_noise range", r["caveat"])
        self.assertIn("upper end of the sigma_noise range", proc.stderr)


class TestEvidenceErrors(CliTestCase):
    """Bad calls exit 2 and bad input 1, with a message, leaving no file behind."""

    def failing(self, code, *args, contains=(), features=MODEL):
        out = os.path.join(self.dir, "out.json")
        argv = ["evidence", OCTET, "--target", OCTET_TARGET]
        if features:
            argv += ["--features", ",".join(features)]
        proc = run(*argv, *args, "--json", out)
        self.assertExit(proc, code)
        self.assertTrue(proc.stderr.startswith("sparsemi"), proc.stderr)
        for text in contains:
            self.assertIn(text, proc.stderr)
        self.assertEqual(proc.stdout, "")
        self.assertEqual(os.listdir(self.dir), [], "output left by a failed run")

    def test_usage(self):
        self.failing(2, "--hyper", "bogus", contains=["--hyper", "'bogus'"])
        self.failing(2, "--prior", "gauss", "--hyper", "marginal", contains=["--prior"])
        self.failing(2, "--prior", "gamma:1", "--hyper", "marginal", contains=["--prior"])
        self.failing(2, "--prior", "gamma:0:1", "--hyper", "marginal", contains=["--prior"])
        self.failing(2, "--prior", "gamma:1:x", "--hyper", "marginal", contains=["--prior"])
        for bad in ("1:2", "1:2:3:4", "a:2:3", "1:2:x", "2:1:5", "0:1:5", "1:2:1", "1:2:-3",
                    "-1:2:3", "1:2:"):
            self.failing(2, "--hyper", "marginal", "--sigma-noise-grid", bad,
                         contains=["--sigma-noise-grid"])
        self.failing(2, "--hyper", "marginal", "--sigma-coef-grid", "1:1:4",
                     contains=["--sigma-coef-grid"])
        self.failing(2, "--alpha", "1", contains=["--alpha", "--beta"])
        self.failing(2, "--hyper", "fixed", "--beta", "1", contains=["--alpha", "--beta"])
        self.failing(2, "--hyper", "fixed", "--alpha", "0", "--beta", "1",
                     contains=["--alpha", "--prior-precision"])
        self.failing(2, "--hyper", "fixed", "--lambda", "1", contains=["--lambda", "fixed"])
        self.failing(2, "--hyper", "fixed", "--max-iter", "5", contains=["--max-iter"])
        self.failing(2, "--hyper", "optimize", "--sigma-noise-grid", "0.1:1:3",
                     contains=["--sigma-noise-grid", "optimize"])
        self.failing(2, "--prior", "uniform", contains=["--prior"])
        self.failing(2, "--hyper", "marginal", "--alpha", "1", "--beta", "1",
                     contains=["--prior-precision", "marginal"])
        self.failing(2, "--hyper", "ng", "--tol", "1e-6", contains=["--tol", "ng"])
        self.failing(2, "--hyper", "ng", "--a0", "-1", contains=["--a0"])
        self.failing(2, "--max-iter", "0", contains=["--max-iter"])
        self.failing(2, "--tol", "0", contains=["--tol"])
        self.failing(2, "--alpha", "nan", "--beta", "1", contains=["--alpha"])
        self.failing(2, "--prior-precision", "1", contains=["--prior-precision",
                                                             "--noise-precision"])
        self.failing(2, "--bogus", contains=["--bogus"])
        self.failing(2, features=None, contains=["--features"])

    def test_input(self):
        self.failing(1, features=["r_p_A", "nosuch"], contains=["'nosuch'"])
        out = os.path.join(self.dir, "out.json")
        proc = run("evidence", os.path.join(self.dir, "missing.csv"), "--features", "a",
                   "--json", out)
        self.assertExit(proc, 1)
        self.assertEqual(os.listdir(self.dir), [])

    def test_small_and_singular_data(self):
        tiny = self.write("tiny.csv", "y,a,b\n1,2,3\n2,5,1\n4,1,1\n")
        const = self.write("const.csv", "y,a,b\n1,2,3\n2,5,3\n4,1,3\n5,2,3\n7,1,3\n")
        out = os.path.join(self.dir, "out.json")
        for path in (tiny, const):
            proc = run("evidence", path, "--target", "y", "--features", "a,b", "--json", out)
            self.assertExit(proc, 1)
            self.assertTrue(proc.stderr.startswith("sparsemi"), proc.stderr)
            self.assertFalse(os.path.exists(out))
            self.assertNoTempFiles()

    def test_help(self):
        proc = run("evidence", "--help")
        self.assertExit(proc, 0)
        for option in ("--hyper", "--alpha", "--beta", "--sigma-noise-grid",
                       "--sigma-coef-grid", "--prior", "--lambda", "--a0", "--b0",
                       "--max-iter", "--tol", "--no-intercept", "--no-standardize", "--json",
                       "--quiet"):
            self.assertIn(option, proc.stdout)
        self.assertIn("evidence", run("--help").stdout)


if __name__ == "__main__":
    base.main(__doc__)
