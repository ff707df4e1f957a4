"""bench/random_baseline.py: random search's median from the share of designs meeting targets."""
import math
import pathlib
import subprocess
import sys

import pytest

BENCH = pathlib.Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

from bench_stats import wilson_interval  # noqa: E402
from random_baseline import geometric_median  # noqa: E402


def test_geometric_median_by_hand():
    # The least n with 1 - (1 - p)^n >= 1/2.
    assert geometric_median(0.5) == 1
    assert geometric_median(0.03) == 23  # ln 2 / -ln 0.97 = 22.76
    assert geometric_median(0.0249) == 28  # 27.49
    assert geometric_median(0.2) == 4  # 1 - 0.8^3 = 0.488, 1 - 0.8^4 = 0.590
    assert geometric_median(1.0) == 1
    assert geometric_median(0.0) == math.inf
    for p in (0.01, 0.037, 0.25):
        n = geometric_median(p)
        assert 1 - (1 - p) ** n >= 0.5 > 1 - (1 - p) ** (n - 1)


def test_wilson_interval_by_hand():
    # 30 of 1 000: p = 3 %, centre 3.18 %, half-width 1.07 %.
    low, high = wilson_interval(30, 1000)
    assert low == pytest.approx(0.02110, abs=5e-5)
    assert high == pytest.approx(0.04250, abs=5e-5)
    assert wilson_interval(0, 10)[0] == 0.0
    assert wilson_interval(10, 10)[1] == pytest.approx(1.0)


def run_script(*args):
    return subprocess.run([sys.executable, str(BENCH / "random_baseline.py"), *args],
                          capture_output=True, text=True, timeout=120)


def test_small_sample_prints_the_median():
    proc = run_script("--env", "systolic-v0", "--designs", "200")
    assert proc.returncode == 0, proc.stderr
    assert "of 200 random designs meet them (200 valid)" in proc.stdout
    assert "random search's median evaluations to the targets:" in proc.stdout


def test_declared_constraints_give_a_second_median():
    # hetero-v0 declares PE and bandwidth budgets; 41 % of its designs break one.
    proc = run_script("--env", "hetero-v0", "--designs", "20")
    assert proc.returncode == 0, proc.stderr
    assert "break a declared constraint; over the" in proc.stdout
    assert "break a declared constraint" not in run_script(
        "--env", "systolic-v0", "--designs", "20").stdout


@pytest.mark.parametrize("args, message", [
    (["--env", "systolic-v0", "--designs", "0"], "--designs: 0, expected a count of at least 1"),
    (["--env", "systolic-v0", "--env-option", "workload"],
     "--env-option: 'workload', expected KEY=VALUE"),
    (["--env", "no-such-env"], "unknown env 'no-such-env'"),
    (["--env", "systolic-v0", "--env-option", "bogus=1"], "unknown option 'bogus'"),
])
def test_bad_input_is_refused_by_name(args, message):
    proc = run_script(*args)
    assert proc.returncode == 2
    assert message in proc.stderr
