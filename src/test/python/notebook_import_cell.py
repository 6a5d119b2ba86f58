#!/usr/bin/env python3
"""Runs a notebook cell that imports torchscore, with a stub pyspark and a `spark` whose JVM view
answers `io.torchscore.spark.PythonModule.source()` with the module's text, as the jar's does
(PySpark and Py4J cannot be installed here).

Usage: notebook_import_cell.py CELL MODULE   (a file holding the cell's code; torchscore.py)

Prints `module <file>` (where torchscore was imported from) and `imported <name>` for each
torchscore class the cell bound to a name.
"""
import sys

from module_with_fake_gateway import write_pyspark_stubs


class ModuleSource:
    """The JVM view as far as the cell uses it: spark._jvm.io.torchscore.spark.PythonModule."""

    def __init__(self, text):
        self._text = text

    def __getattr__(self, name):
        return self

    def source(self):
        return self._text


class Session:
    def __init__(self, text):
        self._jvm = ModuleSource(text)


def main():
    with open(sys.argv[1]) as cell, open(sys.argv[2]) as module:
        code, text = cell.read(), module.read()
    sys.path.insert(0, write_pyspark_stubs())
    names = {"spark": Session(text)}
    exec(compile(code, sys.argv[1], "exec"), names)
    print("module " + sys.modules["torchscore"].__file__)
    for name, value in sorted(names.items()):
        if getattr(value, "__module__", None) == "torchscore":
            print("imported " + name)


if __name__ == "__main__":
    main()
