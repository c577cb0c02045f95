"""The Python examples run as a user runs them and print what they promise."""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = os.path.join(HERE, '..', '..', 'examples', 'python')


def run(name):
    proc = subprocess.run([sys.executable, os.path.join(EXAMPLES, name)], capture_output=True,
                          text=True, timeout=300, env=os.environ.copy())
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_info():
    assert 'n = 82 samples, p = 14 features' in run('info.py')


def test_posterior():
    out = run('posterior.py')
    assert out.startswith('1470 subsets; ln p(y) = ')
    last = out.strip().splitlines()[-1]
    error = float(last.split('=')[1].split(';')[0])
    assert error <= 0.1
    assert "best model ['IP_A', 'E_HOMO_A', 'r_s_A']" in last


def test_lasso():
    out = run('lasso.py').splitlines()
    assert out[0].startswith('LASSO-CV: lambda_min ')
    # The hybrid's choice is the best of all 1023 subsets by BIC (lstsq brute force in
    # tests/python/test_lasso.py checks the values; here the example's own consistency).
    hybrid = out[1].split(': ', 1)[1].split('], ')[0] + ']'
    assert out[2] == f'exhaustive search: 1023 subsets, best {hybrid}'
    ranks = [line for line in out if line.startswith('  rank ')]
    assert ranks and any(line.startswith('  rank    1 ') for line in ranks)
    rates = [float(t.split()[1]) for t in out[-1].split(': ', 1)[1].split(', ')]
    assert len(rates) == 3 and all(0 <= r <= 1 for r in rates)
