#!/usr/bin/env python3
"""Tests of the model posterior of `sparsemi es` with the free-energy criteria, run as a
user runs it: the options --ng-prior, --model-prior, --ratio-grid, the JSON keys
log_evidence_total, posterior_inclusion, size_posterior and dos.posterior, the table and
the picture PREFIX-inclusion.svg.

Usage: test_es_posterior.py SPARSEMI SOURCE_ROOT [unittest options]

References are independent of the library: a small data set (n = 30, p = 6) written by the
test from its own pseudo-random generator, and the normal-gamma log evidence of each of
its 63 non-empty subsets S in closed form with numpy. With Z the features of S centred and
divided by their population sd (divisor n), y centred, A = lambda I + Z'Z, b = Z'y,
R = y'y - b'A^-1 b and a_n = a0 + n/2:
  ln p(y|S) = -n/2 ln(2 pi) + k/2 ln lambda - 1/2 ln|A| + a0 ln b0 - lgamma(a0)
              + lgamma(a_n) - a_n ln(b0 + R/2);
the posterior p(S|y) is proportional to p(y|S) p(S), summed by brute force."""
import itertools
import json
import math
import os
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
    from scipy import integrate, optimize
except ImportError:
    integrate = optimize = None

N, P = 30, 6
NAMES = ["x%d" % (j + 1) for j in range(P)]
LAMBDA, A0, B0 = 1.0, 1e-6, 1e-6
REL = 1e-9
SVG = "{http://www.w3.org/2000/svg}"
POSTERIOR_KEYS = ("log_evidence_total", "posterior_inclusion", "size_posterior",
                  "model_average")


def uniforms(seed, count):
    """A 64-bit linear congruential generator (Knuth's MMIX constants): the same numbers
    on every machine and every Python, in [0, 1)."""
    state, out = seed, []
    for _ in range(count):
        state = (6364136223846793005 * state + 1442695040888963407) % 2 ** 64
        out.append((state >> 11) / 2.0 ** 53)
    return out


def make_data():
    """X (n x p) and y: y depends on x1, x3 and x4, with noise; x5 is close to x1."""
    u = uniforms(20240601, N * (P + 1))
    X = [[2.0 * u[i * (P + 1) + j] - 1.0 for j in range(P)] for i in range(N)]
    y = []
    for i, row in enumerate(X):
        row[4] = row[0] + 0.3 * row[4]
        noise = u[i * (P + 1) + P] - 0.5
        y.append(1.5 + 2.0 * row[0] - 1.0 * row[2] + 0.5 * row[3] + 0.8 * noise)
    return X, y


def write_csv(path, X, y):
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(",".join(NAMES + ["y"]) + "\n")
        for row, target in zip(X, y):
            f.write(",".join(repr(v) for v in row + [target]) + "\n")


def log_evidence_ng(Xa, ya, subset, lam=LAMBDA, a0=A0, b0=B0):
    """ln p(y|S) under the normal-gamma prior, closed form."""
    n, k = len(ya), len(subset)
    Xs = Xa[:, list(subset)]
    Z = (Xs - Xs.mean(axis=0)) / Xs.std(axis=0)
    yc = ya - ya.mean()
    A = lam * np.eye(k) + Z.T @ Z
    b = Z.T @ yc
    R = float(yc @ yc - b @ np.linalg.solve(A, b))
    sign, logdet = np.linalg.slogdet(A)
    assert sign > 0
    an = a0 + n / 2.0
    return (-n / 2.0 * math.log(2 * math.pi) + k / 2.0 * math.log(lam) - 0.5 * logdet
            + a0 * math.log(b0) - math.lgamma(a0) + math.lgamma(an)
            - an * math.log(b0 + R / 2.0))


def logsumexp(values):
    m = max(values)
    return m + math.log(sum(math.exp(v - m) for v in values))


def reference(Xa, ya, log_prior):
    """log_evidence_total, inclusion (p values) and size posterior (p + 1 values) over the
    non-empty subsets, p(S) = exp(log_prior(k)) normalised over them."""
    subsets = [s for k in range(1, P + 1) for s in itertools.combinations(range(P), k)]
    log_norm = logsumexp([log_prior(len(s)) for s in subsets])
    joint = [log_evidence_ng(Xa, ya, s) + log_prior(len(s)) - log_norm for s in subsets]
    total = logsumexp(joint)
    post = [math.exp(v - total) for v in joint]
    inclusion = [sum(w for s, w in zip(subsets, post) if j in s) for j in range(P)]
    size = [sum(w for s, w in zip(subsets, post) if len(s) == k) for k in range(P + 1)]
    return total, inclusion, size


def posterior_mean_ng(Xa, ya, subset, lam=LAMBDA):
    """The posterior mean of the coefficients of S in original units, and the intercept:
    (lambda I + Z'Z)^-1 Z'y divided by the features' sds; ybar - xbar . coef."""
    Xs = Xa[:, list(subset)]
    sd = Xs.std(axis=0)
    Z = (Xs - Xs.mean(axis=0)) / sd
    yc = ya - ya.mean()
    m = np.linalg.solve(lam * np.eye(len(subset)) + Z.T @ Z, Z.T @ yc) / sd
    return m, float(ya.mean() - Xs.mean(axis=0) @ m)


def model_average(Xa, ya):
    """The model-averaged coefficients and intercept, uniform prior, all non-empty subsets."""
    subsets = [s for k in range(1, P + 1) for s in itertools.combinations(range(P), k)]
    logs = [log_evidence_ng(Xa, ya, s) for s in subsets]
    top = logsumexp(logs)
    coef, icpt = np.zeros(P), 0.0
    for s, v in zip(subsets, logs):
        w = math.exp(v - top)
        m, c = posterior_mean_ng(Xa, ya, s)
        coef[list(s)] += w * m
        icpt += w * c
    return coef, icpt


def svg_root(path):
    root = ET.parse(path).getroot()  # raises on malformed XML
    assert root.tag == SVG + "svg", root.tag
    return root


class PosteriorCase(CliTestCase):
    @classmethod
    def setUpClass(cls):
        cls.data_dir = tempfile.TemporaryDirectory(prefix="sparsemi-post-")
        cls.csv = os.path.join(cls.data_dir.name, "post.csv")
        X, y = make_data()
        write_csv(cls.csv, X, y)
        if np is not None:
            cls.X, cls.y = np.array(X), np.array(y)

    @classmethod
    def tearDownClass(cls):
        cls.data_dir.cleanup()

    def es(self, *args):
        return run("es", self.csv, "--target", "y", "--quiet", *args)

    def es_json(self, *args):
        path = os.path.join(self.dir, "out.json")
        proc = self.es(*args, "--json", path)
        self.assertExit(proc, 0)
        with open(path, encoding="utf-8") as f:
            return json.load(f)

    def assertClose(self, got, want, what):
        self.assertTrue(base.close(got, want, REL, scale=1e-300),
                        "%s: got %r, want %r" % (what, got, want))

    def assertPosterior(self, r, total, inclusion, size):
        self.assertClose(r["log_evidence_total"], total, "log_evidence_total")
        self.assertEqual(list(r["posterior_inclusion"]), NAMES)  # all, in data set order
        for j, name in enumerate(NAMES):
            self.assertClose(r["posterior_inclusion"][name], inclusion[j], "inclusion " + name)
        self.assertEqual(len(r["size_posterior"]), P + 1)
        for k in range(P + 1):
            self.assertClose(r["size_posterior"][k], size[k], "size %d" % k)

    def assertPosteriorShape(self, r):
        for key in POSTERIOR_KEYS:
            self.assertIn(key, r)
        self.assertTrue(math.isfinite(r["log_evidence_total"]))
        self.assertEqual(list(r["posterior_inclusion"]), NAMES)
        for v in r["posterior_inclusion"].values():
            self.assertTrue(0.0 <= v <= 1.0 + 1e-12, v)
        self.assertAlmostEqual(sum(r["size_posterior"]), 1.0, places=12)
        dos = r["dos"]
        self.assertEqual(len(dos["posterior"]), len(dos["counts"]))
        self.assertAlmostEqual(sum(dos["posterior"]), 1.0, places=12)
        for mass, count in zip(dos["posterior"], dos["counts"]):
            self.assertTrue(mass >= 0.0 and (count > 0 or mass == 0.0), (mass, count))

    def assertNoPosterior(self, r):
        for key in POSTERIOR_KEYS:
            self.assertNotIn(key, r)
        self.assertNotIn("posterior", r["dos"])

    def assertInclusionSvg(self, path, criterion, inclusion):
        root = svg_root(path)
        self.assertIn(criterion, root.find(SVG + "title").text)
        bars = [rect for rect in root.iter(SVG + "rect") if rect.find(SVG + "title") is not None]
        self.assertEqual(len(bars), P)
        tips = [rect.find(SVG + "title").text for rect in bars]
        shown = [tip.split(":")[0] for tip in tips]
        self.assertEqual(sorted(shown), sorted(NAMES))
        probs = [inclusion[name] for name in shown]
        self.assertEqual(probs, sorted(probs, reverse=True), "bars not sorted")
        widths = [float(rect.get("width")) for rect in bars]
        self.assertEqual(widths, sorted(widths, reverse=True))
        texts = [t.text for t in root.iter(SVG + "text")]
        self.assertIn("0.0", texts)  # the axis runs from 0 to 1
        self.assertIn("1.0", texts)


@unittest.skipIf(np is None, "numpy is not installed for %s" % sys.executable)
class TestNormalGammaPosterior(PosteriorCase):
    """fe-ng against the brute-force posterior over all 63 subsets."""

    def test_uniform_prior(self):
        r = self.es_json("--criterion", "fe-ng", "--ng-prior", "1:1e-6:1e-6")
        self.assertEqual((r["n_models"], r["n_singular"]), (2 ** P - 1, 0))
        self.assertPosterior(r, *reference(self.X, self.y, lambda k: 0.0))
        self.assertEqual(r["model_prior"], {"kind": "uniform", "q": None})
        self.assertEqual(r["ng_prior"], {"lambda": LAMBDA, "a0": A0, "b0": B0})
        self.assertNotIn("ratio_grid", r)
        self.assertEqual(r["size_posterior"][0], 0.0)  # the empty model is not scored
        coef, icpt = model_average(self.X, self.y)
        avg = r["model_average"]
        self.assertEqual((avg["mass"], avg["exact"]), (1.0, True))
        scale = max(abs(c) for c in coef)
        for j, name in enumerate(NAMES):
            self.assertLessEqual(abs(avg["coefficients"][name] - coef[j]), REL * scale, name)
        self.assertLessEqual(abs(avg["intercept"] - icpt), REL * max(scale, abs(icpt)))

    def test_bernoulli_prior(self):
        q = 0.3
        r = self.es_json("--criterion", "fe-ng", "--ng-prior", "1:1e-6:1e-6",
                         "--model-prior", "bernoulli:0.3")
        prior = lambda k: k * math.log(q) + (P - k) * math.log(1 - q)
        self.assertPosterior(r, *reference(self.X, self.y, prior))
        self.assertEqual(r["model_prior"], {"kind": "bernoulli", "q": q})

    def test_dos_posterior(self):
        """Each bin holds the posterior mass of the subsets whose F = -ln p(y|S) is in it."""
        r = self.es_json("--criterion", "fe-ng", "--ng-prior", "1:1e-6:1e-6")
        subsets = [s for k in range(1, P + 1) for s in itertools.combinations(range(P), k)]
        logs = [log_evidence_ng(self.X, self.y, s) for s in subsets]
        total = logsumexp(logs)
        edges = r["dos"]["edges"]
        mass = [0.0] * (len(edges) - 1)
        for v in logs:
            b = max(i for i in range(len(mass)) if edges[i] <= -v)
            mass[b] += math.exp(v - total)
        for got, want in zip(r["dos"]["posterior"], mass):
            self.assertTrue(abs(got - want) <= 1e-9, (got, want))

    def test_table(self):
        proc = self.es("--criterion", "fe-ng")
        self.assertExit(proc, 0)
        total, inclusion, _ = reference(self.X, self.y, lambda k: 0.0)
        lines = proc.stdout.splitlines()
        evidence = [line for line in lines if line.startswith("log evidence")]
        self.assertEqual(len(evidence), 1, proc.stdout)
        self.assertAlmostEqual(float(evidence[0].split()[2]), total, places=6)
        start = next(i for i, line in enumerate(lines)
                     if line.startswith("Posterior inclusion probability"))
        rows = [line.split() for line in lines[start + 1:start + 1 + P]]
        order = sorted(range(P), key=lambda j: -inclusion[j])
        self.assertEqual([row[1] for row in rows], [NAMES[j] for j in order])
        for row in rows:
            self.assertAlmostEqual(float(row[0]), inclusion[NAMES.index(row[1])], places=3)


class TestOtherCriteria(PosteriorCase):
    def test_bic_has_no_posterior(self):
        prefix = os.path.join(self.dir, "bic")
        r = self.es_json("--criterion", "bic", "--plot", prefix)
        self.assertNoPosterior(r)
        for key in ("model_prior", "ratio_grid", "ng_prior"):
            self.assertNotIn(key, r)  # no free-energy settings in the request
        self.assertFalse(os.path.exists(prefix + "-inclusion.svg"))
        texts = [t.text for t in svg_root(prefix + "-dos.svg").iter(SVG + "text")]
        self.assertFalse(any("posterior" in (t or "") for t in texts))

    def test_prior_none(self):
        prefix = os.path.join(self.dir, "none")
        r = self.es_json("--criterion", "fe", "--model-prior", "none", "--plot", prefix)
        self.assertNoPosterior(r)
        self.assertEqual(r["model_prior"], {"kind": "none", "q": None})
        self.assertFalse(os.path.exists(prefix + "-inclusion.svg"))
        self.assertTrue(os.path.exists(prefix + "-weights.svg"))

    def check_grid_criterion(self, criterion):
        prefix = os.path.join(self.dir, criterion)
        r = self.es_json("--criterion", criterion, "--ratio-grid", "1e-2:1e2:5",
                         "--plot", prefix)
        self.assertEqual(r["criterion"], criterion)
        self.assertEqual(r["ratio_grid"], {"lo": 0.01, "hi": 100, "n": 5})
        self.assertEqual(r["model_prior"], {"kind": "uniform", "q": None})
        self.assertPosteriorShape(r)
        self.assertInclusionSvg(prefix + "-inclusion.svg", criterion, r["posterior_inclusion"])
        # the DOS picture carries the posterior mass per bin on its own axis
        texts = [t.text for t in svg_root(prefix + "-dos.svg").iter(SVG + "text")]
        self.assertIn("posterior mass per bin", texts)
        return r

    def test_fe_marg(self):
        r = self.check_grid_criterion("fe-marg")
        self.assertEqual(r["ng_prior"], {"lambda": None, "a0": A0, "b0": B0})

    def test_fe_opt(self):
        r = self.check_grid_criterion("fe-opt")
        self.assertNotIn("ng_prior", r)

    def test_fe(self):
        prefix = os.path.join(self.dir, "fe")
        r = self.es_json("--criterion", "fe", "--fe-hyper", "0.5:4", "--plot", prefix)
        self.assertEqual((r["alpha"], r["beta"]), (0.5, 4))
        self.assertPosteriorShape(r)
        self.assertInclusionSvg(prefix + "-inclusion.svg", "fe", r["posterior_inclusion"])


def log_evidence_opt(Xa, ya, subset, lam):
    """ln p(y|S) at ratio lambda with beta at its optimum n / R: fe-opt's profile."""
    n, k = len(ya), len(subset)
    Xs = Xa[:, list(subset)]
    Z = (Xs - Xs.mean(axis=0)) / Xs.std(axis=0)
    yc = ya - ya.mean()
    A = lam * np.eye(k) + Z.T @ Z
    b = Z.T @ yc
    R = float(yc @ yc - b @ np.linalg.solve(A, b))
    logdet = np.linalg.slogdet(A)[1]
    return -(0.5 * n * (math.log(2 * math.pi) + 1 + math.log(R / n)) - 0.5 * k * math.log(lam)
             + 0.5 * logdet)


def exact_fe_marg(Xa, ya, subset, lo, hi):
    """-ln of (1 / ln(hi/lo)) times the integral of the normal-gamma evidence over ln lambda
    on [ln lo, ln hi], by scipy's adaptive quadrature (scaled by the largest value)."""
    grid = np.linspace(math.log(lo), math.log(hi), 401)
    top = max(log_evidence_ng(Xa, ya, subset, math.exp(t)) for t in grid)
    total, _ = integrate.quad(lambda t: math.exp(log_evidence_ng(Xa, ya, subset, math.exp(t))
                                                 - top), math.log(lo), math.log(hi),
                              epsabs=0, epsrel=1e-12, limit=400, points=list(grid[1:-1:40]))
    return -(top + math.log(total / math.log(hi / lo)))


def exact_fe_opt(Xa, ya, subset, lo, hi):
    """The minimum over lambda in [lo, hi] of fe-opt's profile, by scipy's bounded scalar
    minimiser started in the best of 401 points."""
    grid = np.linspace(math.log(lo), math.log(hi), 401)
    values = [-log_evidence_opt(Xa, ya, subset, math.exp(t)) for t in grid]
    i = int(np.argmin(values))
    a, b = grid[max(i - 1, 0)], grid[min(i + 1, len(grid) - 1)]
    res = optimize.minimize_scalar(lambda t: -log_evidence_opt(Xa, ya, subset, math.exp(t)),
                                   bounds=(a, b), method="bounded",
                                   options={"xatol": 1e-12})
    return min(res.fun, min(values))


@unittest.skipIf(np is None or integrate is None, "numpy or scipy is not installed")
class TestGridAccuracy(PosteriorCase):
    """fe-marg and fe-opt report the ratio grid's error: the largest, over the top models,
    of the distance of each top model's value from the exact integral (scipy's quad) or the
    exact minimum over [lo, hi] (scipy's bounded minimiser); above 0.01 in F it is a
    warning and the JSON's caveat, as is a top model at an end of the grid."""

    def check(self, criterion, grid, exact, data=None):
        lo, hi, count = (float(v) for v in grid.split(":"))
        csv, target, names, X, y = data or (self.csv, "y", NAMES, self.X, self.y)
        path = os.path.join(self.dir, "out.json")
        proc = run("es", csv, "--target", target, "--criterion", criterion,
                   "--ratio-grid", grid, "--top", "8", "--json", path)
        self.assertExit(proc, 0)
        with open(path, encoding="utf-8") as f:
            r = json.load(f)
        errors = []
        for m in r["models"]:
            subset = [names.index(name) for name in m["features"]]
            errors.append(abs(m["criterion"] - exact(X, y, subset, lo, hi)))
        # the reported error is the true one: the largest over the top models
        self.assertAlmostEqual(r["quadrature_error"], max(errors), delta=1e-8,
                               msg=(criterion, grid, errors))
        if r["quadrature_error"] > 0.01 or r["grid_edge_models"] > 0:
            self.assertNotEqual(r["caveat"], "")
            self.assertIn("warning: " + r["caveat"], proc.stderr)
        else:
            self.assertEqual(r["caveat"], "")
            self.assertNotIn("warning", proc.stderr)
        return r, max(errors)

    def test_fe_marg(self):
        self.check("fe-marg", "1e-4:1e4:20", exact_fe_marg)
        r, truth = self.check("fe-marg", "1e-4:1e4:41", exact_fe_marg)
        self.assertLess(r["quadrature_error"], 0.01)
        r, truth = self.check("fe-marg", "1e-4:1e4:6", exact_fe_marg)
        self.assertGreater(truth, 0.01)
        self.assertIn("quadrature error", r["caveat"])
        r, truth = self.check("fe-marg", "1e-4:1e-2:9", exact_fe_marg)  # cut: mass at hi
        self.assertGreater(r["grid_edge_models"], 0)
        self.assertIn("end of the", r["caveat"])

    def test_fe_opt(self):
        r, truth = self.check("fe-opt", "1e-4:1e4:20", exact_fe_opt)
        r, truth = self.check("fe-opt", "1e-4:1e4:200", exact_fe_opt)
        self.assertLess(r["quadrature_error"], 0.01)
        r, truth = self.check("fe-opt", "1e-4:1e-2:9", exact_fe_opt)  # the optimum beyond hi
        self.assertGreater(r["grid_edge_models"], 0)
        self.assertIn("end of the", r["caveat"])

    def test_published_data_default_grid(self):
        """The default grid (20 ratios over 1e-4..1e4) on the octet binaries and diabetes:
        the true error reported, below 0.01 and no warning; 5 ratios warn."""
        for path, target in ((base.OCTET, base.OCTET_TARGET),
                             ("tests/data/diabetes.csv", "progression")):
            header, columns = base.read_columns(os.path.join(base.ROOT, path))
            names = [h for h in header if h not in ("compound", target)]
            X = np.array([[float(v) for v in columns[name]] for name in names]).T
            y = np.array([float(v) for v in columns[target]])
            data = (os.path.join(base.ROOT, path), target, names, X, y)
            for criterion, exact in (("fe-opt", exact_fe_opt), ("fe-marg", exact_fe_marg)):
                # the spline rule keeps the default grid's true error below the warning's
                # 0.01 (the parabola's and the trapezoid's reached 0.15 and 0.024)
                r, truth = self.check(criterion, "1e-4:1e4:20", exact, data)
                self.assertLess(truth, 0.01, (path, criterion))
                self.assertEqual(r["caveat"], "")
                r, truth = self.check(criterion, "1e-4:1e4:5", exact, data)
                self.assertGreater(truth, 0.01)
                self.assertIn("quadrature error", r["caveat"])

    def test_saved_result_keeps_it(self):
        saved = os.path.join(self.dir, "r.smi")
        proc = run("es", self.csv, "--target", "y", "--criterion", "fe-marg", "--ratio-grid",
                   "1e-4:1e4:6", "--save", saved, "--json", os.path.join(self.dir, "a.json"))
        self.assertExit(proc, 0)
        with open(os.path.join(self.dir, "a.json"), encoding="utf-8") as f:
            before = json.load(f)
        proc = run("merge", os.path.join(self.dir, "b.json"), saved)
        self.assertExit(proc, 0)
        with open(os.path.join(self.dir, "b.json"), encoding="utf-8") as f:
            after = json.load(f)
        for key in ("quadrature_error", "grid_edge_models", "caveat"):
            self.assertEqual(after[key], before[key])


class TestBadValues(PosteriorCase):
    """Usage errors (exit 2) that name the option and its value, and leave no file."""

    def failing(self, criterion, option, value):
        out = os.path.join(self.dir, "out.json")
        proc = self.es("--criterion", criterion, option, value, "--json", out,
                       "--plot", os.path.join(self.dir, "plot"))
        self.assertExit(proc, 2)
        self.assertIn(option, proc.stderr)
        self.assertIn(value, proc.stderr)
        self.assertEqual(proc.stdout, "")
        self.assertEqual(os.listdir(self.dir), [], "output left by a failed run")

    def test_values(self):
        self.failing("fe-marg", "--ratio-grid", "1:0:5")
        self.failing("fe-opt", "--ratio-grid", "1:2:1")
        self.failing("fe-opt", "--ratio-grid", "1:2")
        self.failing("fe-ng", "--model-prior", "bernoulli:1.5")
        self.failing("fe-ng", "--model-prior", "beta")
        self.failing("fe-ng", "--ng-prior", "-1:1:1")
        self.failing("fe-ng", "--ng-prior", "1:1")
        self.failing("fe", "--fe-hyper", "0:1")

    def test_option_needs_criterion(self):
        for criterion, option, value in (("bic", "--model-prior", "uniform"),
                                         ("fe-ng", "--ratio-grid", "1:2:3"),
                                         ("fe-opt", "--ng-prior", "1:1:1"),
                                         ("fe-ng", "--fe-hyper", "1:1")):
            proc = self.es("--criterion", criterion, option, value)
            self.assertExit(proc, 2)
            self.assertIn(option, proc.stderr)
            self.assertEqual(proc.stdout, "")


if __name__ == "__main__":
    base.main(__doc__)
