#!/usr/bin/env python3
"""Tests of `sparsemi vma` (virtual measurement analysis), run as a user runs it.

Usage: test_vma.py SPARSEMI SOURCE_ROOT [unittest options]

The data set (n = 60, p = 6, y = 0.7 + 2 x1 - 1.5 x4 + 0.2 e, written here from a numpy
seed) has a clear model. References, independent of the library:
 * what is certain: at n' = 2 no model with an intercept has a residual degree of freedom,
   so BIC fails on every data set (recovery 0); at n' = 1000 with sizes up to 2 the true
   pair always wins (recovery 1, frequencies 1 and 0), and without a size limit neither
   the search nor the LASSO ever leaves out one of the two strong features;
 * properties: each row of chosen sizes sums to the trials less the failures; the chosen
   features counted by size equal those counted by feature; recovery <= its share of
   successes; the same seed gives the same JSON for 1 and 2 threads, another seed other
   counts;
 * the model when not given: numpy's lstsq on the data (1e-9), and the noise against the
   maximum of the type-II likelihood found by scipy.optimize over (ln alpha, ln beta) on the
   standardised features and centred target (DESIGN.md 4.4), to 1e-6;
 * Wilson's interval by its formula; the picture parsed by xml.etree.
Shares run() and the SPARSEMI_CLI_WRAPPER convention with test_cli.py."""
import json
import math
import os
import pty
import subprocess
import tempfile
import unittest
import xml.etree.ElementTree as ET

import test_cli as base
from test_cli import CliTestCase, run

try:
    import numpy as np
except ImportError:  # every test needs the data numpy writes
    np = None
try:
    from scipy import optimize
except ImportError:
    optimize = None

N, P = 60, 6
MODEL = ["x1", "x4"]
NAMES = ["x%d" % j for j in range(P)]
SVG = "{http://www.w3.org/2000/svg}"
Z95 = 1.959963984540054


def write_data(path, seed=20251126):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(N, P))
    y = 0.7 + 2.0 * X[:, 1] - 1.5 * X[:, 4] + 0.2 * rng.normal(size=N)
    with open(path, "w", encoding="utf-8") as f:
        f.write(",".join(NAMES + ["y"]) + "\n")
        for row, t in zip(X, y):
            f.write(",".join("%.12g" % v for v in list(row) + [t]) + "\n")


def read_data(path):
    data = np.loadtxt(path, delimiter=",", skiprows=1)
    return data[:, :P], data[:, P]


def checked_json(proc, what):
    if proc.returncode != 0:
        raise AssertionError("%s: exit %d\n%s" % (what, proc.returncode, proc.stderr))
    return json.loads(proc.stdout)


def wilson(rate, trials, z=Z95):
    centre = (rate + z * z / (2 * trials)) / (1 + z * z / trials)
    half = z / (1 + z * z / trials) * math.sqrt(rate * (1 - rate) / trials
                                                + z * z / (4 * trials * trials))
    return max(0.0, centre - half), min(1.0, centre + half)


def evidence_noise(X, y):
    """sigma = beta^-1/2 at the minimum of F(alpha, beta) (DESIGN.md 4.2, 4.4) on the
    standardised features (population sd) and the centred target."""
    Z = (X - X.mean(axis=0)) / X.std(axis=0)
    yc = y - y.mean()
    n, k = Z.shape
    G, b, yy = Z.T @ Z, Z.T @ yc, yc @ yc

    def F(v):
        alpha, beta = math.exp(v[0]), math.exp(v[1])
        A = alpha * np.eye(k) + beta * G
        sign, logdet = np.linalg.slogdet(A)
        return (0.5 * n * math.log(2 * math.pi) - 0.5 * n * math.log(beta)
                - 0.5 * k * math.log(alpha) + 0.5 * logdet
                + 0.5 * beta * (yy - beta * b @ np.linalg.solve(A, b)))

    start = [0.0, -math.log(yc.var())]
    best = optimize.minimize(F, start, method="Nelder-Mead",
                             options={"xatol": 1e-12, "fatol": 1e-15, "maxiter": 20000})
    best = optimize.minimize(F, best.x, method="BFGS", options={"gtol": 1e-10})
    return math.exp(-0.5 * best.x[1])


class VmaData:
    """A temporary directory holding the data set."""

    def __init__(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="sparsemi-vma-")
        self.dir = self.tmp.name
        self.data = os.path.join(self.dir, "data.csv")
        write_data(self.data)

    def vma(self, *args, model=MODEL):
        return run("vma", self.data, "--target", "y", "--model", ",".join(model), "--quiet",
                   *args)

    def vma_json(self, *args, **kw):
        return checked_json(self.vma(*args, "--json", "-", **kw), "vma %s" % (args,))


class VmaCase(CliTestCase):
    def check_counts(self, r):
        """The invariants every result keeps, against its own numbers."""
        T, S = r["trials"], len(r["sizes"])
        freq = r["selection_frequency"]
        self.assertEqual(list(freq), NAMES)
        for key in ("recovery_rate", "failures", "mean_chosen_size", "chosen_size"):
            self.assertEqual(len(r[key]), S, key)
        for s in range(S):
            row = r["chosen_size"][s]
            self.assertEqual(len(row), P + 1)
            self.assertEqual(sum(row), T - r["failures"][s])
            by_size = sum(k * c for k, c in enumerate(row))
            by_feature = sum(freq[name][s] * T for name in NAMES)
            self.assertAlmostEqual(by_size, by_feature, places=9)
            self.assertLessEqual(r["recovery_rate"][s], (T - r["failures"][s]) / T + 1e-15)
            mean = r["mean_chosen_size"][s]
            if sum(row) == 0:
                self.assertIsNone(mean)
            else:
                self.assertAlmostEqual(mean, by_size / sum(row), places=12)
            lo, hi = wilson(r["recovery_rate"][s], T)
            self.assertAlmostEqual(r["recovery_interval"]["lower"][s], lo, places=12)
            self.assertAlmostEqual(r["recovery_interval"]["upper"][s], hi, places=12)
        self.assertEqual((r["recovery_interval"]["method"], r["recovery_interval"]["confidence"]),
                         ("wilson", 0.95))


@unittest.skipIf(np is None, "numpy is not installed")
class TestRecovery(VmaCase):
    """BIC at n' = 2 and 1000, with the picture and the table."""

    @classmethod
    def setUpClass(cls):
        cls.d = VmaData()
        cls.json_path = os.path.join(cls.d.dir, "vma.json")
        cls.prefix = os.path.join(cls.d.dir, "pic")
        cls.proc = cls.d.vma("--sizes", "2,1000", "--trials", "20", "--criterion", "bic",
                             "--max-size", "2", "--json", cls.json_path, "--plot", cls.prefix)
        cls.r = None
        if cls.proc.returncode == 0:
            with open(cls.json_path, encoding="utf-8") as f:
                cls.r = json.load(f)

    @classmethod
    def tearDownClass(cls):
        cls.d.tmp.cleanup()

    def setUp(self):
        super().setUp()
        self.assertExit(self.proc, 0)

    def test_recovery_at_two_and_a_thousand(self):
        r = self.r
        self.assertEqual((r["command"], r["sizes"], r["trials"]), ("vma", [2, 1000], 20))
        self.assertEqual(r["version"], base.header_version())
        self.assertEqual(r["recovery_rate"], [0, 1])
        self.assertEqual(r["failures"], [20, 0])  # no residual degree of freedom at n' = 2
        self.assertEqual(r["chosen_size"][1], [0, 0, 20, 0, 0, 0, 0])
        for name in NAMES:
            self.assertEqual(r["selection_frequency"][name], [0, 1 if name in MODEL else 0])
        self.check_counts(r)
        self.assertEqual(r["recovery_interval"]["lower"][0], 0)
        self.assertEqual(r["recovery_interval"]["upper"][1], 1)

    def test_request(self):
        q = self.r["request"]
        self.assertEqual((q["file"], q["target"], q["n_samples"], q["n_features"]),
                         (self.d.data, "y", N, P))
        self.assertEqual(q["features"], NAMES)
        self.assertEqual((q["rows"], q["seed"], q["method"], q["criterion"]),
                         ("resample", 0, "es", "bic"))
        self.assertEqual((q["min_size"], q["max_size"], q["keep"], q["fit_intercept"]),
                         (1, 2, [], True))
        self.assertEqual((q["alpha"], q["beta"], q["folds"]), (None, None, None))
        self.assertGreaterEqual(q["threads"], 1)
        self.assertGreaterEqual(self.r["elapsed_s"], 0)

    def test_model_is_least_squares(self):
        m = self.r["model"]
        self.assertEqual(m["features"], MODEL)
        self.assertEqual((m["coefficients_estimated"], m["intercept_estimated"],
                          m["noise_estimated"]), (True, True, True))
        X, y = read_data(self.d.data)
        A = np.column_stack([np.ones(N), X[:, 1], X[:, 4]])
        ref = np.linalg.lstsq(A, y, rcond=None)[0]
        for got, want in zip([m["intercept"]] + m["coefficients"], ref):
            self.assertLessEqual(abs(got - want), 1e-9 * max(1.0, abs(want)), (got, want))

    @unittest.skipIf(optimize is None, "scipy is not installed")
    def test_noise_is_the_evidence_optimum(self):
        X, y = read_data(self.d.data)
        sigma = self.r["model"]["noise_sd"]
        ref = evidence_noise(X[:, [1, 4]], y)
        self.assertLessEqual(abs(sigma - ref), 1e-6 * ref, (sigma, ref))
        rss = float(np.sum((y - np.column_stack([np.ones(N), X[:, [1, 4]]])
                            @ np.linalg.lstsq(np.column_stack([np.ones(N), X[:, [1, 4]]]), y,
                                              rcond=None)[0]) ** 2))
        self.assertTrue(rss / N <= sigma ** 2 <= 2 * rss / (N - 3), (sigma ** 2, rss))

    def test_table(self):
        out = self.proc.stdout
        for text in ("true model 2 features; coefficients by least squares on the data",
                     "(estimated: the evidence optimum", "method     es: the best model by bic, "
                     "sizes 1 to 2", "trials     20 data sets per size, seed 0",
                     "Wilson's 95% interval", "n'=1000"):
            self.assertIn(text, out)
        rows = {line.split()[1]: line for line in out.splitlines() if line.startswith("* ")}
        self.assertEqual(sorted(rows), MODEL)  # the true features are marked
        self.assertIn("1.000", rows["x1"])
        recovery = [line.split() for line in out.splitlines()
                    if line.strip().startswith(("2 ", "1000 "))]
        self.assertEqual([row[:2] for row in recovery], [["2", "0.000"], ["1000", "1.000"]])

    def test_picture(self):
        root = ET.parse(self.prefix + "-recovery.svg").getroot()  # raises on malformed XML
        self.assertEqual(root.tag, SVG + "svg")
        lines = {}
        for line in root.iter(SVG + "polyline"):
            title = line.find(SVG + "title")
            self.assertIsNotNone(title)
            lines[title.text.split(" ")[0]] = line
        self.assertEqual(sorted(lines), sorted(NAMES + ["recovery"]))  # one line per feature
        for name in NAMES:
            dashed = lines[name].get("stroke-dasharray") is not None
            self.assertEqual(dashed, name not in MODEL, name)
            self.assertEqual(len(lines[name].get("points").split()), 2)  # one point per size
        text = " ".join(t.text or "" for t in root.iter(SVG + "text"))
        for word in ("x1", "x4", "log scale", "1000", "Wilson"):
            self.assertIn(word, text)
        # the recovery points carry their numbers; n' = 2, where all failed, is hollow
        points = [c for c in root.iter(SVG + "circle")
                  if (c.findtext(SVG + "title") or "").startswith("n' = ")]
        self.assertEqual(len(points), 2)
        self.assertEqual(points[0].get("fill"), "#ffffff")
        self.assertIn("20 failures", points[0].findtext(SVG + "title"))


@unittest.skipIf(np is None, "numpy is not installed")
class TestRuns(VmaCase):
    """Without a size limit, given models, reproducibility, the other methods, the bar."""

    @classmethod
    def setUpClass(cls):
        cls.d = VmaData()

    @classmethod
    def tearDownClass(cls):
        cls.d.tmp.cleanup()

    def test_strong_features_always_chosen(self):
        r = self.d.vma_json("--sizes", "1000", "--trials", "20")
        self.check_counts(r)
        for name in MODEL:
            self.assertEqual(r["selection_frequency"][name], [1])
        self.assertEqual(r["failures"], [0])
        self.assertEqual(r["request"]["max_size"], P)

    def test_given_model(self):
        r = self.d.vma_json("--coefficients", "2,-1.5", "--intercept", "0.7", "--noise", "0.2",
                            "--sizes", "30", "--trials", "10")
        m = r["model"]
        self.assertEqual((m["coefficients"], m["intercept"], m["noise_sd"]), ([2, -1.5], 0.7, 0.2))
        self.assertEqual((m["coefficients_estimated"], m["intercept_estimated"],
                          m["noise_estimated"]), (False, False, False))
        self.check_counts(r)

    def test_given_coefficients_without_intercept(self):
        """The intercept then puts the model through the data's means."""
        r = self.d.vma_json("--coefficients", "-1.5,2", "--sizes", "30", "--trials", "5")
        self.assertEqual(r["model"]["coefficients"], [-1.5, 2])
        X, y = read_data(self.d.data)
        want = y.mean() + 1.5 * X[:, 1].mean() - 2 * X[:, 4].mean()
        self.assertLessEqual(abs(r["model"]["intercept"] - want), 1e-12 * max(1, abs(want)))
        self.assertEqual((r["model"]["intercept_estimated"], r["model"]["noise_estimated"]),
                         (True, True))

    def test_threads_and_seeds(self):
        """Noisy sizes, where the counts depend on every draw."""
        for rows in ("resample", "gaussian"):
            args = ("--sizes", "4,6,9", "--trials", "40", "--noise", "1.5", "--rows", rows,
                    "--seed", "77")
            one = self.d.vma_json(*args, "--threads", "1")
            two = self.d.vma_json(*args, "--threads", "2")
            self.assertEqual((one["request"].pop("threads"), two["request"].pop("threads")),
                             (1, 2))
            for r in (one, two):
                self.assertGreaterEqual(r.pop("elapsed_s"), 0)
                self.check_counts(r)
            self.assertEqual(one, two)
            self.assertEqual(one["request"]["rows"], rows)
            other = self.d.vma_json(*args[:-1], "78", "--threads", "2")
            self.assertNotEqual(other["chosen_size"], one["chosen_size"])
            self.assertNotEqual(other["selection_frequency"], one["selection_frequency"])

    def test_lasso(self):
        r = self.d.vma_json("--method", "lasso", "--sizes", "1000", "--trials", "10")
        self.check_counts(r)
        for name in MODEL:
            self.assertEqual(r["selection_frequency"][name], [1])
        q = r["request"]
        self.assertEqual((q["method"], q["cv"], q["one_se"], q["alpha"]), ("lasso", 10, False, 1))
        self.assertNotIn("criterion", q)
        r = self.d.vma_json("--method", "lasso", "--cv", "5", "--one-se", "--alpha", "0.5",
                            "--sizes", "200", "--trials", "5")
        self.assertEqual((r["request"]["cv"], r["request"]["one_se"], r["request"]["alpha"]),
                         (5, True, 0.5))
        self.check_counts(r)

    def test_search_settings(self):
        r = self.d.vma_json("--criterion", "cv", "--folds", "5", "--sizes", "40", "--trials", "5")
        self.assertEqual((r["request"]["criterion"], r["request"]["folds"]), ("cv", 5))
        r = self.d.vma_json("--criterion", "cv", "--sizes", "40", "--trials", "5")
        self.assertEqual(r["request"]["folds"], 10)  # as es
        r = self.d.vma_json("--criterion", "fe", "--sizes", "40", "--trials", "5")
        # The library's defaults, as es's: alpha 1, beta 1/var(y) of each synthetic set (null).
        self.assertEqual((r["request"]["alpha"], r["request"]["beta"]), (1, None))
        r = self.d.vma_json("--criterion", "fe-marg", "--ratio-grid", "1e-2:1e2:5", "--sizes",
                            "40", "--trials", "5", "--keep", "x1", "--max-size", "3")
        q = r["request"]
        self.assertEqual(q["ratio_grid"], {"lo": 0.01, "hi": 100, "n": 5})
        self.assertEqual(q["ng_prior"], {"lambda": None, "a0": 1e-6, "b0": 1e-6})
        self.assertEqual((q["keep"], q["min_size"], q["max_size"]), (["x1"], 1, 3))
        self.assertEqual(r["selection_frequency"]["x1"], [1])  # forced into every model
        self.check_counts(r)

    def test_candidates(self):
        """--features selects the candidate columns, as for es; the model is among them."""
        r = self.d.vma_json("--features", "x1,x2,x4", "--sizes", "1000", "--trials", "5")
        self.assertEqual(list(r["selection_frequency"]), ["x1", "x2", "x4"])
        self.assertEqual(r["recovery_rate"], [1])
        self.assertEqual([len(row) for row in r["chosen_size"]], [4])

    def test_json_to_stdout_has_no_table(self):
        proc = self.d.vma("--sizes", "30", "--trials", "3", "--json", "-")
        self.assertExit(proc, 0)
        json.loads(proc.stdout)
        self.assertEqual(proc.stderr, "")

    def test_help(self):
        proc = run("help", "vma")
        self.assertExit(proc, 0)
        for option in ("--target", "--features", "--model", "--coefficients", "--intercept",
                       "--noise", "--rows", "--sizes", "--trials", "--seed", "--threads",
                       "--method", "--criterion", "--min-size", "--max-size", "--keep",
                       "--folds", "--alpha", "--cv", "--one-se", "--json", "--plot", "--quiet"):
            self.assertIn(option, proc.stdout)
        self.assertRegex(run("--help").stdout, r"(?m)^\s+vma\s")

    def test_bar_on_terminal(self):
        master, slave = pty.openpty()
        try:
            proc = subprocess.run(base.WRAPPER + [base.EXE, "vma", self.d.data, "--target", "y",
                                                  "--model", "x1,x4", "--sizes", "20,40",
                                                  "--trials", "200", "--json", os.devnull],
                                  stdout=subprocess.DEVNULL, stderr=slave, timeout=300)
            os.close(slave)
            slave = None
            chunks = []
            while True:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the other end is closed and drained
                    break
                if not chunk:
                    break
                chunks.append(chunk)
        finally:
            if slave is not None:
                os.close(slave)
            os.close(master)
        text = b"".join(chunks).decode("utf-8", "replace")
        self.assertEqual(proc.returncode, 0, text)
        self.assertIn("100%", text)
        self.assertTrue(text.endswith("\r"), repr(text[-80:]))


@unittest.skipIf(np is None, "numpy is not installed")
class TestErrors(CliTestCase):
    """Bad calls exit 2, bad input 1, with a message naming the culprit; neither leaves an
    output file behind."""

    @classmethod
    def setUpClass(cls):
        cls.d = VmaData()

    @classmethod
    def tearDownClass(cls):
        cls.d.tmp.cleanup()

    def failing(self, code, *args, contains=(), model="x1,x4"):
        out = os.path.join(self.dir, "out.json")
        prefix = os.path.join(self.dir, "plot")
        head = ("--model", model) if model else ()
        proc = run("vma", self.d.data, "--target", "y", *head, "--trials", "3", *args,
                   "--json", out, "--plot", prefix)
        self.assertExit(proc, code)
        self.assertTrue(proc.stderr.startswith("sparsemi"), proc.stderr)
        for text in contains:
            self.assertIn(text, proc.stderr)
        self.assertEqual(proc.stdout, "")
        self.assertEqual(os.listdir(self.dir), [], "output left by a failed run")

    def test_usage(self):
        self.failing(2, model=None, contains=["--model", "required", "--features"])
        self.failing(2, "--coefficients", "1,2,3", contains=["--coefficients", "3 values",
                                                              "2 features"])
        self.failing(2, "--coefficients", "1,zz", contains=["--coefficients", "'zz'"])
        self.failing(2, "--intercept", "1", contains=["--intercept", "--coefficients"])
        self.failing(2, "--noise", "-0.5", contains=["--noise", "negative"])
        self.failing(2, "--sizes", "0,20", contains=["--sizes", "0"])
        self.failing(2, "--sizes", "20,junk", contains=["--sizes", "'junk'"])
        self.failing(2, "--sizes", "20,,40", contains=["--sizes", "empty"])
        self.failing(2, "--sizes", "3000000000", contains=["--sizes", "3000000000"])
        self.failing(2, "--trials", "0", contains=["--trials", "0"])
        self.failing(2, "--method", "foo", contains=["--method", "'foo'"])
        self.failing(2, "--rows", "foo", contains=["--rows", "'foo'"])
        self.failing(2, "--seed", "-1", contains=["--seed", "'-1'"])
        self.failing(2, "--threads", "5000", contains=["--threads", "1024"])
        self.failing(2, "--criterion", "xyz", contains=["--criterion", "'xyz'"])
        self.failing(2, "--folds", "5", contains=["--folds", "--criterion cv"])
        self.failing(2, "--criterion", "cv", "--folds", "1", contains=["--folds", "at least 2"])
        self.failing(2, "--alpha", "1", "--beta", "1", contains=["--criterion fe"])
        self.failing(2, "--min-size", "3", "--max-size", "2", contains=["--min-size"])
        self.failing(2, "--cv", "5", contains=["--cv", "--method lasso"])
        self.failing(2, "--one-se", contains=["--one-se", "--method lasso"])
        self.failing(2, "--method", "lasso", "--criterion", "aic",
                     contains=["--criterion", "--method es"])
        self.failing(2, "--method", "lasso", "--folds", "5", contains=["--folds", "--cv"])
        self.failing(2, "--method", "lasso", "--alpha", "2", contains=["--l1-ratio", "2"])
        self.failing(2, "--method", "lasso", "--l1-ratio", "2", contains=["--l1-ratio", "2"])
        self.failing(2, "--l1-ratio", "0.5", contains=["--l1-ratio", "--method lasso"])
        self.failing(2, "--method", "lasso", "--prior-precision", "1",
                     contains=["--prior-precision", "--method es"])
        self.failing(2, "--method", "lasso", "--cv", "1", contains=["--cv", "at least 2"])
        self.failing(2, model="x1,x1", contains=["--model", "'x1'", "twice"])

    def test_bad_input(self):
        self.failing(1, model="x1,nosuch", contains=["--model", "'nosuch'"])
        self.failing(1, model="x1,y", contains=["--model", "'y'", "target"])
        self.failing(1, "--features", "x0,x1", contains=["--model", "'x4'"])
        self.failing(1, "--keep", "nosuch", contains=["--keep", "'nosuch'"])
        self.failing(1, "--max-size", "9", contains=["9"])
        missing = os.path.join(self.d.dir, "nosuch.csv")
        proc = run("vma", missing, "--target", "y", "--model", "x1")
        self.assertExit(proc, 1)
        self.assertIn("nosuch.csv", proc.stderr)

    def test_gaussian_needs_more_rows_than_features(self):
        path = self.write("small.csv", "a,b,c,y\n1,2,4,1\n2,1,3,2\n4,4,1,3\n")
        out = os.path.join(self.dir, "never.json")
        proc = run("vma", path, "--target", "y", "--model", "a", "--rows", "gaussian",
                   "--noise", "1", "--json", out)
        self.assertExit(proc, 1)
        self.assertTrue(proc.stderr.startswith("sparsemi: "), proc.stderr)
        self.assertFalse(os.path.exists(out))

    def test_failure_keeps_existing_file(self):
        out = self.write("out.json", "old contents")
        proc = run("vma", self.d.data, "--target", "y", "--model", "x1,nosuch", "--json", out)
        self.assertExit(proc, 1)
        with open(out, encoding="utf-8") as f:
            self.assertEqual(f.read(), "old contents")
        self.assertNoTempFiles()


if __name__ == "__main__":
    base.main(__doc__)
