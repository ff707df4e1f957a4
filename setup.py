"""Builds accelgym._core with CMake for the interpreter running pip, and puts the data files
the C++ models read (DRAM standards, technology table, network zoo) into the package as
accelgym/data/<the same relative paths>; accelgym/__init__.py points the core at them.
Offline: `pip install --no-build-isolation .` (the Debian packages of scripts/install-deps.sh
provide CMake, the C++ libraries, setuptools and wheel)."""
import os
import pathlib
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.command.build_py import build_py

ROOT = pathlib.Path(__file__).resolve().parent
DATA_DIRS = ["models/dram/data", "models/energy/data", "workloads/data", "sim/env/data"]


class CMakeExtension(Extension):
    def __init__(self, name):
        super().__init__(name, sources=[])


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        # A fixed directory in the tree: CMake and ccache reuse it from one install to the next.
        build_dir = ROOT / "build-pip"
        generator = ["-G", "Ninja"] if shutil.which("ninja") else []
        subprocess.run(["cmake", "-S", str(ROOT), "-B", str(build_dir), *generator,
                        "-DCMAKE_BUILD_TYPE=Release", f"-DACCELGYM_PYTHON={sys.executable}",
                        "-DACCELGYM_BUILD_TESTS=OFF", "-DACCELGYM_BUILD_BENCH=OFF"], check=True)
        subprocess.run(["cmake", "--build", str(build_dir), "--target", "_core", "-j",
                        str(os.cpu_count() or 1)], check=True)
        built = next((build_dir / "python" / "accelgym").glob("_core*.so"))
        target = pathlib.Path(self.get_ext_fullpath(ext.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built, target)


class BuildPyWithData(build_py):
    def run(self):
        super().run()
        data_root = pathlib.Path(self.build_lib) / "accelgym" / "data"
        for relative in DATA_DIRS:
            shutil.copytree(ROOT / relative, data_root / relative, dirs_exist_ok=True)


setup(ext_modules=[CMakeExtension("accelgym._core")],
      cmdclass={"build_ext": CMakeBuild, "build_py": BuildPyWithData},
      # setuptools' own build tree beside CMake's, not inside the project's build/.
      options={"build": {"build_base": "build-pip/setuptools"},
               "egg_info": {"egg_base": "build-pip"}})
