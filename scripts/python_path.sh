#!/usr/bin/env bash
# Makes `import fusesim` work in the given Python interpreters: writes fusesim.pth, naming the
# build's package folder, into each interpreter's site-packages (or, if that is not writable,
# its user site-packages). Idempotent; a fusesim.pth this script did not write is left alone.
# An interpreter of another minor version than the module's is skipped (it cannot load it).
# Usage: scripts/python_path.sh <build>/python python3 [/usr/bin/python3 ...]
set -euo pipefail
[[ $# -ge 2 ]] || { echo "usage: $0 <build>/python <interpreter> ..." >&2; exit 2; }
package_dir=$(realpath "$1")
shift
seen=()
for py in "$@"; do
  exe=$(command -v "$py" || true)
  if [[ -z $exe ]]; then
    echo "python_path: no $py on PATH: skipped" >&2
    continue
  fi
  # The same interpreter under two names (a symlink, a shim) is set up once.
  real=$("$exe" -c 'import sys; print(sys.executable)')
  for s in "${seen[@]+"${seen[@]}"}"; do [[ $s == "$real" ]] && continue 2; done
  seen+=("$real")
  "$exe" - "$package_dir" <<'PY'
import ast, os, site, sys, sysconfig, tempfile

package_dir = sys.argv[1]
marker = "# written by fusesim scripts/setup.sh: the build's Python package (delete to undo)"
with open(os.path.join(package_dir, "fusesim", "_build.py"), encoding="utf-8") as f:
    build = {node.targets[0].id: ast.literal_eval(node.value)
             for node in ast.parse(f.read()).body if isinstance(node, ast.Assign)}
name = "%s (Python %d.%d)" % ((sys.executable,) + tuple(sys.version_info[:2]))
if tuple(sys.version_info[:2]) != tuple(build["VERSION"]):
    print("python_path: %s: skipped, fusesim._native is built for Python %d.%d" %
          ((name,) + tuple(build["VERSION"])), file=sys.stderr)
    sys.exit(0)
folder = sysconfig.get_path("purelib")
if not (os.path.isdir(folder) and os.access(folder, os.W_OK)):
    if not site.ENABLE_USER_SITE:
        print("python_path: %s: %s is not writable and the user site is disabled: set "
              "PYTHONPATH=%s" % (name, folder, package_dir), file=sys.stderr)
        sys.exit(0)
    folder = site.getusersitepackages()
    os.makedirs(folder, exist_ok=True)
path = os.path.join(folder, "fusesim.pth")
content = marker + "\n" + package_dir + "\n"
if os.path.lexists(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        old = f.read()
    if old == content:
        print("python_path: %s: %s is up to date" % (name, path), file=sys.stderr)
        sys.exit(0)
    if not old.startswith(marker + "\n") or os.path.islink(path):
        print("python_path: %s: %s was not written by fusesim: left alone (set PYTHONPATH=%s)"
              % (name, path, package_dir), file=sys.stderr)
        sys.exit(0)
fd, tmp = tempfile.mkstemp(prefix=".fusesim.pth.", dir=folder)
with os.fdopen(fd, "w", encoding="utf-8") as f:
    f.write(content)
os.chmod(tmp, 0o644)
os.replace(tmp, path)
print("python_path: %s: wrote %s" % (name, path), file=sys.stderr)
PY
  # Checked from the root folder, so that it is the .pth that finds the package.
  (cd / && "$exe" -c 'import fusesim, pandas') ||
    echo "python_path: $exe cannot import fusesim and pandas" >&2
done
