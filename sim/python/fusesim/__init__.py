"""fusesim from Python: the CLI's commands as functions.

    import fusesim
    report = fusesim.run("configs/experiments/mamba-unfused.yaml",
                         set={"mapping.fusion": "fuse-all", "simulation.layers": "one"})
    report["latency"]["seconds"]
    frame = fusesim.sweep("configs/sweeps/fig9-fusion-schemes.yaml", jobs=2)   # pandas

Every call runs the CLI's code for the command in a child process of its own (SystemC
elaborates once per process) and writes the files the CLI would, where the CLI would
(`traces/<name>/` unless `out=`). run, validate and analyze return the report the command wrote
(report.json, validate.json, analysis.json) as dicts and lists; sweep returns results.csv as a
pandas DataFrame. A configuration mistake raises ConfigError with the CLI's message and its
file, line, column and key.
"""

import importlib.util
import json
import math
import os
import sys

from . import _build


def _reach_build_packages():
    """An interpreter without pandas (pyenv's, a venv's) of the minor version the module was
    built for reaches the packages of the interpreter it was built for (Debian's pandas,
    matplotlib), after its own."""
    if importlib.util.find_spec("pandas") is not None:
        return
    if tuple(sys.version_info[:2]) != tuple(_build.VERSION):
        return
    for folder in _build.SITE_DIRS:
        if os.path.isdir(folder) and folder not in sys.path:
            sys.path.append(folder)


_reach_build_packages()

from . import _native  # noqa: E402  (after the path: the module itself needs nothing from it)

__all__ = ["run", "validate", "analyze", "sweep", "Report", "Error", "ConfigError",
           "ScheduleError", "CommandError"]


class Error(Exception):
    """A failed command; str() is the message the CLI prints after 'error: '."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class ConfigError(Error, ValueError):
    """A configuration or usage mistake (the CLI's exit 2). `file`, `line`, `column` (1-based;
    0 when unknown) and `key` (dotted) say where; the message says what was expected and what was
    found. `file` is "--set" for a value given in set=, "fusesim.sweep()" for one given in axes=,
    and "" for a usage mistake with no file behind it."""

    def __init__(self, message, file="", line=0, column=0, key=""):
        super().__init__(message)
        self.file = file
        self.line = line
        self.column = column
        self.key = key


class ScheduleError(Error):
    """The mapping's tiles cannot be scheduled on the hardware (the CLI's exit 2)."""


class CommandError(Error):
    """Any other failure of a command (the CLI's exit 1), or its process died."""


class Report(dict):
    """A command's JSON report as a dict; `folder` is the folder it was written to."""

    def __init__(self, data, folder):
        super().__init__(data)
        self.folder = folder


def _yaml_text(value):
    """A Python value as the YAML text of a --set value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("fusesim: %r is not a value a configuration can hold" % value)
        return repr(value)
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(_node(value))
    raise TypeError("fusesim: cannot use a %s as a configuration value" % type(value).__name__)


def _node(value):
    """A Python value as a tree of maps, lists and scalar texts (what a YAML file would hold)."""
    if isinstance(value, dict):
        return {str(k): _node(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_node(v) for v in value]
    return _yaml_text(value)


def _overrides(set):
    if set is None:
        return []
    if not isinstance(set, dict):
        raise TypeError("fusesim: set= takes a dict of dotted key -> value")
    out = []
    for key, value in set.items():
        if not isinstance(key, str) or "=" in key:
            raise ConfigError("set=: a key must be a dotted name without '=', got %r" % (key,))
        out.append(key + "=" + _yaml_text(value))
    return out


def _path(p, what):
    if not isinstance(p, (str, os.PathLike)):
        raise TypeError("fusesim: %s must be a path, got a %s" % (what, type(p).__name__))
    return os.fspath(p)


def _execute(request):
    """Runs one command in a child process; the reply (a dict) or the error raised."""
    sys.stdout.flush()
    sys.stderr.flush()
    reply = json.loads(_native.execute(json.dumps(request)))
    status = reply["status"]
    if status == "ok":
        return reply
    message = reply["message"]
    if status == "config":
        raise ConfigError(message, reply["file"], reply["line"], reply["column"], reply["key"])
    if status == "schedule":
        raise ScheduleError(message)
    raise CommandError(message)


def _report(command, experiment, set, out, quiet, max_memory, name):
    request = {"command": command, "experiment": _path(experiment, "experiment"),
               "set": _overrides(set), "output": "" if out is None else _path(out, "out"),
               "quiet": bool(quiet), "max_memory": "" if max_memory is None else str(max_memory)}
    reply = _execute(request)
    folder = os.path.abspath(reply["folder"])
    with open(os.path.join(folder, name), encoding="utf-8") as f:
        return Report(json.load(f), folder)


def run(experiment, set=None, out=None, quiet=True, max_memory=None):
    """`fusesim run`: the timing simulation of `experiment` (a YAML path). `set`: overrides
    {dotted key: value}, applied after the experiment's own, as --set; `out`: the output folder
    (default: the experiment's, traces/<name>/); `quiet=False` prints the CLI's summary;
    `max_memory`: as --max-memory ("8GiB"). Returns report.json as a Report."""
    return _report("run", experiment, set, out, quiet, max_memory, "report.json")


def validate(experiment, set=None, out=None, quiet=True, max_memory=None):
    """`fusesim validate`: the analytical model against the timing simulation on one plan.
    Returns validate.json (default folder traces/<name>-validate/)."""
    return _report("validate", experiment, set, out, quiet, max_memory, "validate.json")


def analyze(experiment, set=None, out=None, quiet=True):
    """`fusesim analyze`: the roofline analysis, layer by layer. Returns analysis.json."""
    return _report("analyze", experiment, set, out, quiet, None, "analysis.json")


def sweep(spec, axes=None, jobs=2, out=None, set=None, combine="product", name=None,
          max_memory=None, quiet=True):
    """`fusesim sweep`: one child process per design point, `jobs` at a time, results appended
    to <folder>/results.csv as points finish (a second call resumes; the CLI's lock and resume
    rules hold). Returns results.csv as a pandas DataFrame (one row per point: a column per axis,
    then status and the result columns), with attrs "folder" and "exit" (the CLI's exit status:
    0 when every point has a result, 1 when a point failed; see the status column).

    `spec` is a sweep spec file; or, with `axes` ({dotted key: list of values, a single value, or
    {"from", "to", "step"}}), an experiment file swept over the grid the axes make (`combine`:
    "product" or "zip"; `name`: the sweep's name and default folder traces/<name>/, default
    "<experiment file's stem>-grid"). `set`: overrides for every point, as --set."""
    request = {"command": "sweep", "set": _overrides(set), "jobs": jobs,
               "output": "" if out is None else _path(out, "out"), "quiet": bool(quiet),
               "max_memory": "" if max_memory is None else str(max_memory)}
    if not isinstance(jobs, int) or isinstance(jobs, bool):
        raise TypeError("fusesim: jobs must be an integer")
    if axes is None:
        if name is not None or combine != "product":
            raise TypeError("fusesim: name= and combine= go with axes= (a spec file has its own)")
        request["experiment"] = _path(spec, "spec")
    else:
        if not isinstance(axes, dict):
            raise TypeError("fusesim: axes= takes a dict of dotted key -> values")
        experiment = _path(spec, "experiment")
        if name is None:
            name = os.path.splitext(os.path.basename(experiment))[0] + "-grid"
        request["grid"] = {"name": str(name), "experiment": experiment, "axes": _node(axes),
                           "combine": str(combine)}
    import pandas  # after _reach_build_packages(); only sweeps need it

    reply = _execute(request)
    folder = os.path.abspath(reply["folder"])
    frame = pandas.read_csv(os.path.join(folder, "results.csv"))
    frame.attrs["folder"] = folder
    frame.attrs["exit"] = reply["exit"]
    return frame
