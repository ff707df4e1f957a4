"""`pip install --no-build-isolation .` offline into a fresh `python3 -m venv
--system-site-packages`, as README.md says, then the installed package used from another
directory with no PYTHONPATH and no ACCELGYM_RESOURCE_DIR: its data files come with it."""
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("cmake") is None, reason="needs cmake")
def test_pip_install_into_a_fresh_venv(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)],
                   check=True, timeout=300)
    python = venv / "bin" / "python"
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "ACCELGYM_RESOURCE_DIR", "LD_PRELOAD")}
    env["PIP_NO_INDEX"] = "1"  # offline: nothing may come from a package index
    install = subprocess.run([str(python), "-m", "pip", "install", "--no-build-isolation",
                              "--no-deps", str(ROOT)], capture_output=True, text=True, env=env,
                             timeout=3000)
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
    code = ("import accelgym, os\n"
            "assert 'site-packages' in accelgym.__file__, accelgym.__file__\n"
            "assert os.path.isfile(os.path.join(os.environ['ACCELGYM_RESOURCE_DIR'],"
            " 'models/dram/data/ddr4-2400.json'))\n"
            "env = accelgym.make('accel-v0', workload='alexnet')\n"
            "env.reset(seed=0)\n"
            "print(env.step(env.action_space.sample())[4]['status'])\n")
    used = subprocess.run([str(python), "-c", code], capture_output=True, text=True, env=env,
                          cwd=tmp_path, timeout=600)
    assert used.returncode == 0, used.stderr[-3000:]
    assert used.stdout.strip() in ("OK", "INVALID")
