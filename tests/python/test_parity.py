"""The command-line program and the Python package give the same answers by default (issue
11): the README's example (`sparsemi es ... --criterion cv --folds 10` and
`sparsemi.exhaustive_search(ds, criterion="cv", folds=10)`) picks the identical best
models, and `sparsemi lasso --cv 10` and `sparsemi.lasso_cv` on diabetes make the identical
LASSO-CV choices. Both call one library with its own defaults (folds, threads, ...), so the
numbers are compared exactly, through the CLI's JSON (which writes every double so that it
reads back to the same bits). Skipped where the built program is not found.
"""

import json
import os
import subprocess

import pytest

import sparsemi

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OCTET = os.path.join(ROOT, 'examples', 'data', 'octet_binaries.csv')
DIABETES = os.path.join(ROOT, 'tests', 'data', 'diabetes.csv')


def cli_path():
    """The sparsemi program of the build that made the library under test."""
    lib = os.environ.get('SPARSEMI_LIBRARY') or sparsemi._lib.path
    build = os.path.dirname(os.path.dirname(os.path.abspath(lib)))
    path = os.path.join(build, 'tools', 'sparsemi', 'sparsemi')
    return path if os.access(path, os.X_OK) else None


needs_cli = pytest.mark.skipif(cli_path() is None, reason='no sparsemi program beside the library')


def run_cli(tmp_path, *args):
    out = tmp_path / 'out.json'
    subprocess.run([cli_path(), *args, '--quiet', '--json', str(out)], check=True,
                   stdout=subprocess.DEVNULL, cwd=ROOT)
    return json.loads(out.read_text())


def model_of(m):
    """What a model is, from a Model or the CLI's JSON: its features, criterion, fit."""
    if isinstance(m, dict):
        return (tuple(m['features']), m['criterion'], m['rmse'], m['intercept'],
                m['coefficients'])
    return tuple(m.features), m.criterion, m.rmse, m.intercept, m.coefficients


@needs_cli
def test_readme_example_same_best_models(tmp_path):
    # The README's quick start, as written there (less --plot), and its Python line.
    cli = run_cli(tmp_path, 'es', 'examples/data/octet_binaries.csv', '--target', 'dE_RS_ZB',
                  '--criterion', 'cv', '--folds', '10')
    with sparsemi.Dataset.from_csv(OCTET, target='dE_RS_ZB') as ds, \
            sparsemi.exhaustive_search(ds, criterion='cv', folds=10) as res:
        assert res.n_models == cli['n_models'] == 2**14 - 1
        assert cli['folds'] == {'k': 10, 'seed': 0, 'column': None}
        assert json.loads(res.to_json())['folds'] == cli['folds']
        assert len(res.models) == len(cli['models']) == 100
        assert [model_of(m) for m in res.models] == [model_of(m) for m in cli['models']]
        assert ([model_of(m) for m in res.best_by_size.values()]
                == [model_of(m) for m in cli['best_by_size']])
        assert res.feature_frequency == cli['feature_frequency']


@needs_cli
def test_lasso_cv_on_diabetes_same_choices(tmp_path):
    cli = run_cli(tmp_path, 'lasso', 'tests/data/diabetes.csv', '--target', 'progression',
                  '--cv', '10')
    with sparsemi.Dataset.from_csv(DIABETES, target='progression') as ds, \
            sparsemi.lasso_cv(ds) as cv:
        assert cv.features == cli['features']
        assert cv.lambdas.tolist() == cli['lambdas']
        choice = cli['cv']
        assert (cv.index_min, cv.index_1se) == (choice['index_min'], choice['index_1se'])
        assert (cv.lambda_min, cv.lambda_1se) == (choice['lambda_min'], choice['lambda_1se'])
        # The CLI names each choice's support by its index among the path's supports.
        supports = cli['supports']
        assert list(cv.support_min) == supports[choice['support_min']]['features']
        assert list(cv.support_1se) == supports[choice['support_1se']]['features']
        # The supports along the path, scored by the default criterion (BIC) on both sides.
        mine = cv.supports()
        assert [list(s.features) for s in mine] == [s['features'] for s in supports]
        assert [s.criterion for s in mine] == [s['criterion'] for s in supports]
        assert list(cv.best_support().features) == cli['hybrid_best']['features']
        assert cv.cv_mean.tolist() == choice['mean'] and cv.cv_se.tolist() == choice['se']
        assert cv.coef_min.tolist() == cli['coefficients'][cv.index_min]
        assert cv.coef_1se.tolist() == cli['coefficients'][cv.index_1se]
        # The support at each choice, by name, is what the coefficients say.
        assert set(cv.support_1se) == {n for n in cv.features if cv.coef_1se[n] != 0}
