#!/usr/bin/env python3
"""Tests of `sparsemi es`, run as a user runs it.

Usage: test_es.py SPARSEMI SOURCE_ROOT [unittest options]

References are independent of the library: published RMSEs of the octet binaries
(examples/data/SOURCE.md), and numpy.linalg.lstsq on every subset for the ranking, the
coefficients, the criteria and the DOS. Shares run() and the SPARSEMI_CLI_WRAPPER
convention with test_cli.py."""
import itertools
import json
import math
import os
import pty
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

import test_cli as base
from test_cli import CliTestCase, OCTET, OCTET_TARGET, run

try:
    import numpy as np
except ImportError:  # the numerical checks skip themselves
    np = None

PRIMARIES = ["r_s_A", "r_p_A", "r_d_A", "EA_A", "IP_A", "r_s_B", "r_p_B", "r_d_B", "EA_B",
             "IP_B"]
N = 82
SVG = "{http://www.w3.org/2000/svg}"


def es(*args, **kw):
    return run("es", OCTET, "--target", OCTET_TARGET, *args, **kw)


def es_json(*args):
    """Run es with the JSON on stdout; returns the parsed object."""
    proc = es(*args, "--json", "-")
    if proc.returncode != 0:
        raise AssertionError("es %s: exit %d\n%s" % (args, proc.returncode, proc.stderr))
    return json.loads(proc.stdout)


def load_octet():
    header, columns = base.read_columns(os.path.join(base.ROOT, OCTET))
    X = np.array([[float(v) for v in columns[name]] for name in PRIMARIES]).T
    y = np.array([float(v) for v in columns[OCTET_TARGET]])
    return X, y


def lstsq(X, y, cols, intercept=True):
    """Coefficients (intercept first when fitted) and RSS by numpy's least squares."""
    A = X[:, list(cols)]
    if intercept:
        A = np.column_stack([np.ones(len(y)), A])
    coef = np.linalg.lstsq(A, y, rcond=None)[0]
    return coef, float(np.sum((y - A @ coef) ** 2))


def svg_root(path):
    root = ET.parse(path).getroot()  # raises on malformed XML
    assert root.tag == SVG + "svg", root.tag
    return root


def titled_rects(root):
    """The rectangles that carry a tooltip: DOS bars, coloured weight cells."""
    return [r for r in root.iter(SVG + "rect") if r.find(SVG + "title") is not None]


@unittest.skipIf(np is None, "numpy is not installed for %s" % sys.executable)
class TestEsOctet(CliTestCase):
    """RSS over the 10 primaries, sizes 1..3, against published numbers and numpy."""

    @classmethod
    def setUpClass(cls):
        cls.tmpdir = tempfile.TemporaryDirectory(prefix="sparsemi-es-")
        d = cls.tmpdir.name
        cls.json_path = os.path.join(d, "es.json")
        cls.prefix = os.path.join(d, "octet")
        cls.proc = es("--features", ",".join(PRIMARIES), "--criterion", "rss",
                      "--max-size", "3", "--json", cls.json_path, "--plot", cls.prefix)
        cls.r = None
        if cls.proc.returncode == 0:
            with open(cls.json_path, encoding="utf-8") as f:
                cls.r = json.load(f)
        cls.X, cls.y = load_octet()
        # Every subset of sizes 1..3 by numpy: (rss, subset), in the library's order.
        cls.all = sorted((lstsq(cls.X, cls.y, s)[1], s) for k in (1, 2, 3)
                         for s in itertools.combinations(range(10), k))

    @classmethod
    def tearDownClass(cls):
        cls.tmpdir.cleanup()

    def setUp(self):
        super().setUp()
        self.assertExit(self.proc, 0)

    def test_published_best_by_size(self):
        published = {1: (0.31334, {"r_p_A"}), 2: (0.29494, {"r_p_A", "r_d_B"}),
                     3: (0.28015, {"r_s_B", "r_p_A", "r_p_B"})}
        best = self.r["best_by_size"]
        self.assertEqual([b["size"] for b in best], [1, 2, 3])
        for b in best:
            rmse, features = published[b["size"]]
            self.assertEqual(set(b["features"]), features)
            self.assertEqual(float("%.5g" % math.sqrt(b["criterion"] / N)), rmse)
            self.assertAlmostEqual(b["rmse"], math.sqrt(b["criterion"] / N), places=12)

    def test_counts_and_request(self):
        r = self.r
        self.assertEqual((r["command"], r["criterion"], r["target"]), ("es", "rss", OCTET_TARGET))
        self.assertEqual(r["version"], base.header_version())
        self.assertEqual((r["n_samples"], r["n_features"]), (N, 10))
        self.assertEqual(r["features"], PRIMARIES)
        self.assertEqual((r["min_size"], r["max_size"], r["keep"]), (1, 3, []))
        self.assertEqual(r["n_models"], math.comb(10, 1) + math.comb(10, 2) + math.comb(10, 3))
        self.assertEqual(r["n_singular"], 0)
        self.assertGreaterEqual(r["elapsed_s"], 0)
        self.assertGreaterEqual(r["threads"], 1)

    def test_ranking_against_numpy(self):
        models = self.r["models"]
        self.assertEqual([m["rank"] for m in models], list(range(1, 101)))
        for m, (rss, subset) in zip(models, self.all):
            self.assertEqual(m["features"], [PRIMARIES[j] for j in subset])
            self.assertTrue(base.close(m["criterion"], rss, 1e-9), (m, rss))
            self.assertEqual(m["size"], len(subset))

    def test_top_model_coefficients(self):
        top = self.r["models"][0]
        cols = [PRIMARIES.index(name) for name in top["features"]]
        coef, rss = lstsq(self.X, self.y, cols)
        self.assertTrue(base.close(top["intercept"], coef[0], 1e-9))
        for name, expected in zip(top["features"], coef[1:]):
            self.assertTrue(base.close(top["coefficients"][name], expected, 1e-9),
                            (name, top["coefficients"][name], expected))
        self.assertTrue(base.close(top["rmse"], math.sqrt(rss / N), 1e-9))

    def test_dos(self):
        dos = self.r["dos"]
        edges, counts = dos["edges"], dos["counts"]
        self.assertEqual(len(edges), len(counts) + 1)
        self.assertTrue(all(a < b for a, b in zip(edges, edges[1:])))
        self.assertEqual(sum(counts) + dos["below"] + dos["above"], self.r["n_models"])
        # Each bin holds the numpy scores inside it; one within rounding of an edge may
        # fall either side.
        scores = [rss for rss, _ in self.all]
        for lo, hi, count in zip(edges, edges[1:], counts):
            tol = 1e-9 * max(abs(lo), abs(hi))
            surely = sum(lo + tol <= s < hi - tol for s in scores)
            maybe = sum(lo - tol <= s < hi + tol for s in scores)
            self.assertTrue(surely <= count <= maybe, (lo, hi, count, surely, maybe))

    def test_feature_frequency(self):
        models = self.r["models"]
        for name, f in self.r["feature_frequency"].items():
            share = sum(name in m["features"] for m in models) / len(models)
            self.assertAlmostEqual(f, share, places=12, msg=name)

    def test_dos_svg(self):
        root = svg_root(self.prefix + "-dos.svg")
        bars = titled_rects(root)
        self.assertEqual(len(bars), sum(c > 0 for c in self.r["dos"]["counts"]))
        texts = " ".join("".join(t.itertext()) for t in root.iter(SVG + "text"))
        self.assertIn("best: r_p_A, r_s_B, r_p_B", texts)
        self.assertIn("log scale", texts)
        self.assertIn("10", texts)  # a power-of-ten tick

    def test_weights_svg(self):
        root = svg_root(self.prefix + "-weights.svg")
        cells = titled_rects(root)
        shown = self.r["models"][:50]
        self.assertEqual(len(cells), sum(m["size"] for m in shown))
        texts = ["".join(t.itertext()) for t in root.iter(SVG + "text")]
        for name in PRIMARIES:
            self.assertIn(name, texts)
        self.assertIn("50", texts)  # the last row's rank label
        self.assertNotIn("51", texts)

    def test_table(self):
        out = self.proc.stdout
        self.assertRegex(out, r"(?m)^subsets\s+175 scored, 0 singular$")
        self.assertRegex(out, r"(?m)^criterion\s+rss$")
        self.assertRegex(out, r"(?m)^time\s+\S+ s with \d+ threads? \(\S+ subsets/s\)$")
        ranks = [int(line.split()[0]) for line in out.split("Top ")[1].split("\n\n")[0]
                 .splitlines()[2:]]
        self.assertEqual(ranks, list(range(1, 21)))
        self.assertRegex(out, r"(?m)^\s+1\s+8\.05\d+\s+0\.3133\d+\s+r_p_A$")
        self.assertNoTempFiles()


@unittest.skipIf(np is None, "numpy is not installed for %s" % sys.executable)
class TestEsOptions(CliTestCase):
    FEATURES = ("--features", ",".join(PRIMARIES))

    def test_information_criteria(self):
        X, y = load_octet()
        for name in ("aic", "bic"):
            with self.subTest(criterion=name):
                r = es_json(*self.FEATURES, "--criterion", name, "--max-size", "4", "--top", "3")
                for m in r["models"]:
                    k = m["size"]
                    rss = lstsq(X, y, [PRIMARIES.index(f) for f in m["features"]])[1]
                    penalty = 2 * (k + 1) if name == "aic" else (k + 1) * math.log(N)
                    self.assertTrue(base.close(m["criterion"], N * math.log(rss / N) + penalty,
                                               1e-9))

    def test_keep_and_sizes(self):
        r = es_json(*self.FEATURES, "--keep", "r_d_B", "--max-size", "3")
        self.assertEqual(r["keep"], ["r_d_B"])
        self.assertEqual(r["n_models"], 1 + 9 + math.comb(9, 2))
        self.assertTrue(all("r_d_B" in m["features"] for m in r["models"]))
        r = es_json(*self.FEATURES, "--min-size", "2", "--max-size", "2", "--criterion", "rss")
        self.assertEqual(r["n_models"], 45)
        self.assertEqual([b["size"] for b in r["best_by_size"]], [2])

    def test_top_and_bins(self):
        proc = es(*self.FEATURES, "--top", "5", "--bins", "8")
        self.assertExit(proc, 0)
        self.assertIn("Top 5 of 5 models kept", proc.stdout)
        r = es_json(*self.FEATURES, "--top", "5", "--bins", "8")
        self.assertEqual(len(r["models"]), 5)
        self.assertLessEqual(len(r["dos"]["counts"]), 8)

    def test_no_intercept(self):
        X, y = load_octet()
        r = es_json(*self.FEATURES, "--no-intercept", "--criterion", "rss", "--max-size", "2")
        self.assertFalse(r["fit_intercept"])
        top = r["models"][0]
        self.assertIsNone(top["intercept"])
        cols = [PRIMARIES.index(f) for f in top["features"]]
        coef, rss = lstsq(X, y, cols, intercept=False)
        for name, expected in zip(top["features"], coef):
            self.assertTrue(base.close(top["coefficients"][name], expected, 1e-9))
        self.assertTrue(base.close(top["criterion"], rss, 1e-9))

    def test_threads_do_not_change_the_result(self):
        def strip(r):
            return {k: v for k, v in r.items() if k not in ("elapsed_s", "threads")}
        one = es_json("--threads", "1", "--max-size", "6")
        self.assertEqual(one["threads"], 1)
        self.assertEqual(strip(es_json("--threads", "3", "--max-size", "6")), strip(one))

    def test_fe(self):
        r = es_json(*self.FEATURES, "--criterion", "fe", "--alpha", "0.5", "--beta", "4",
                    "--max-size", "2")
        self.assertEqual((r["criterion"], r["alpha"], r["beta"]), ("fe", 0.5, 4))
        self.assertTrue(all(math.isfinite(m["criterion"]) for m in r["models"]))

    def test_help(self):
        for args in (["help", "es"], ["es", "--help"]):
            proc = run(*args)
            self.assertExit(proc, 0)
            self.assertIn("Usage: sparsemi es DATA", proc.stdout)
            for option in ("--target", "--features", "--criterion", "--min-size", "--max-size",
                           "--keep", "--top", "--bins", "--alpha", "--beta", "--threads",
                           "--no-intercept", "--json", "--plot", "--quiet"):
                self.assertIn(option, proc.stdout)
        self.assertRegex(run("--help").stdout, r"(?m)^\s+es\s")


class TestEsProgress(CliTestCase):
    """The bar appears on a terminal only, and not with --quiet."""

    def stderr_on_terminal(self, *args):
        master, slave = pty.openpty()
        try:
            proc = subprocess.run(base.WRAPPER + [base.EXE, "es", OCTET, "--target", OCTET_TARGET,
                                                  "--json", os.devnull, *args],
                                  stdout=subprocess.DEVNULL, stderr=slave, timeout=300)
            os.close(slave)
            slave = None
            chunks = []
            while True:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the terminal's other end is closed and drained
                    break
                if not chunk:
                    break
                chunks.append(chunk)
            return proc.returncode, b"".join(chunks).decode("utf-8", "replace")
        finally:
            if slave is not None:
                os.close(slave)
            os.close(master)

    def test_bar_on_terminal(self):
        code, text = self.stderr_on_terminal()
        self.assertEqual(code, 0, text)
        self.assertIn("100%", text)
        self.assertIn("/s", text)
        self.assertTrue(text.endswith("\r"), repr(text[-80:]))  # the line is cleared

    def test_quiet(self):
        code, text = self.stderr_on_terminal("--quiet")
        self.assertEqual(code, 0, text)
        self.assertNotIn("%", text)

    def test_no_bar_in_a_pipe(self):
        proc = es("--json", os.devnull)
        self.assertExit(proc, 0)
        self.assertEqual(proc.stderr, "")


class TestEsMagnitudes(CliTestCase):
    """A target scaled by 1e200 or 1e-300 and features near 1e300 (issue 12): BIC shifts by
    2 n ln c from numpy's least squares on the unscaled data, the ranking is unchanged, the
    DOS edges are finite numbers; criteria a double cannot hold are refused naming 'y'."""

    def data(self, name, xscale, yscale):
        rows = ["a,b,c,y"]
        for i in range(20):
            x = [math.sin(1.3 * (i + 1) * (j + 1)) + 0.1 * j for j in range(3)]
            y = x[0] - 2.0 * x[1] + 0.3 * math.sin(7.0 * i + 1.0)
            rows.append(",".join(repr(v * s) for v, s in zip(x + [y], xscale + [yscale])))
        return self.write(name, "\n".join(rows) + "\n")

    @unittest.skipIf(np is None, "numpy is not installed")
    def test_scaled_target_bic(self):
        for c, xs in ((1e200, [1e300, 1.0, 1e160]), (1e-300, [1e-300, 1.0, 1e-160])):
            path = self.data("scaled.csv", xs, c)
            proc = run("es", path, "--target", "y", "--json", "-")
            self.assertExit(proc, 0)
            out = json.loads(proc.stdout)
            self.assertEqual(out["n_models"], 7)
            self.assertEqual(out["n_singular"] + out["n_nonfinite"], 0)
            self.assertTrue(all(isinstance(e, (int, float)) and math.isfinite(e)
                                for e in out["dos"]["edges"]), out["dos"]["edges"])
            _, cols = base.read_columns(path)
            X = np.array([[float(v) for v in cols[k]] for k in "abc"]).T
            y = np.array([float(v) for v in cols["y"]])
            Xu, yu = X / np.array(xs), y / c  # the unscaled data
            for m in out["models"]:
                idx = ["abc".index(f) for f in m["features"]]
                _, rss = lstsq(Xu, yu, idx)
                want = 20 * math.log(rss / 20) + (len(idx) + 1) * math.log(20)
                self.assertLess(abs(m["criterion"] - 40 * math.log(c) - want),
                                1e-9 * 40 * abs(math.log(c)), m)

    def test_out_of_range_refused(self):
        path = self.data("big.csv", [1.0, 1.0, 1.0], 1e200)
        for crit in ("rss", "cv", "fe", "fe-ng", "fe-marg"):
            proc = run("es", path, "--target", "y", "--criterion", crit)
            self.assertExit(proc, 1)
            self.assertIn("'y'", proc.stderr)
        proc = run("evidence", path, "--target", "y", "--features", "a,b")
        self.assertExit(proc, 1)
        self.assertIn("'y'", proc.stderr)
        # y near 1e200 on a feature near 1e-300: a coefficient near 1e500
        path = self.data("apart.csv", [1.0, 1e-300, 1.0], 1e200)
        proc = run("es", path, "--target", "y")
        self.assertExit(proc, 1)
        self.assertIn("feature 'b'", proc.stderr)


class TestEsErrors(CliTestCase):
    """Bad calls exit 2, bad input 1; neither leaves an output file behind."""

    def failing(self, code, *args, contains=()):
        out = os.path.join(self.dir, "out.json")
        prefix = os.path.join(self.dir, "plot")
        proc = es(*args, "--json", out, "--plot", prefix)
        self.assertExit(proc, code)
        self.assertTrue(proc.stderr.startswith("sparsemi"), proc.stderr)
        for text in contains:
            self.assertIn(text, proc.stderr)
        self.assertEqual(proc.stdout, "")
        self.assertEqual(os.listdir(self.dir), [], "output left by a failed run")

    def test_usage(self):
        self.failing(2, "--criterion", "xyz", contains=["'xyz'", "--criterion"])
        self.failing(2, "--max-size", "0", contains=["--max-size"])
        self.failing(2, "--min-size", "3", "--max-size", "2", contains=["--min-size"])
        self.failing(2, "--top", "0", contains=["--top"])
        self.failing(2, "--bins", "0", contains=["--bins"])
        self.failing(2, "--alpha", "1", contains=["--beta"])
        self.failing(2, "--alpha", "1", "--beta", "1", contains=["fe"])
        self.failing(2, "--criterion", "fe", "--alpha", "-1", "--beta", "1",
                     contains=["--prior-precision"])  # --alpha is its alias
        self.failing(2, "--max-size", "two", contains=["--max-size", "'two'"])

    def test_bad_input(self):
        self.failing(1, "--keep", "nosuch", contains=["'nosuch'"])
        self.failing(1, "--features", "r_p_A,r_d_B", "--max-size", "3", contains=["3"])
        self.failing(1, "--features", "r_p_A,zz", contains=["'zz'"])

    def test_unknown_target(self):
        proc = run("es", OCTET, "--target", "nosuch")
        self.assertExit(proc, 1)
        self.assertIn("'nosuch'", proc.stderr)

    def test_failure_keeps_existing_file(self):
        out = self.write("out.json", "old contents")
        proc = es("--keep", "nosuch", "--json", out)
        self.assertExit(proc, 1)
        with open(out, encoding="utf-8") as f:
            self.assertEqual(f.read(), "old contents")
        self.assertNoTempFiles()

    def test_all_singular(self):
        path = self.write("flat.csv", "a,b,y\n1,5,1\n2,5,3\n3,5,2\n4,5,5\n")
        proc = run("es", path, "--target", "y", "--features", "b", "--json", "-",
                   "--plot", os.path.join(self.dir, "flat"))
        self.assertExit(proc, 0)
        r = json.loads(proc.stdout)
        self.assertEqual((r["n_models"], r["n_singular"], r["models"]), (0, 1, []))
        for name in ("flat-dos.svg", "flat-weights.svg"):
            svg_root(os.path.join(self.dir, name))


if __name__ == "__main__":
    base.main(__doc__)
