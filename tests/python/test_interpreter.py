"""An interpreter without pandas, of the minor version the module is built for, reaches the
packages of the interpreter it was built for (pyenv's python3 and Debian's pandas)."""

import os
import subprocess
import sys

from fusesim import _build


def test_an_interpreter_without_pandas_reaches_the_build_interpreters():
    # -S: no site packages at start, as in an interpreter that has no pandas of its own.
    probe = ("import sys; assert 'pandas' not in sys.modules; import fusesim, pandas; "
             "print(pandas.__file__)")
    p = subprocess.run([sys.executable, "-S", "-c", probe], capture_output=True, text=True,
                       env=dict(os.environ), timeout=120)
    assert p.returncode == 0, p.stderr
    pandas_file = p.stdout.strip()
    assert any(pandas_file.startswith(d + os.sep) for d in _build.SITE_DIRS), pandas_file
    assert tuple(_build.VERSION) == tuple(sys.version_info[:2])
