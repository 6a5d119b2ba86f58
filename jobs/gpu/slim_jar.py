#!/usr/bin/env python3
"""Cuts the classes a traced run loaded out of their jars into one jar (jobs/gpu/make-kit.sh).

  slim_jar.py --trace class-load.txt --jar a.jar --jar b.jar ... --out slim.jar

The trace is `java -Xlog:class+load:file=class-load.txt` output. The slim jar holds every class
the run loaded from the given jars and their other resources (properties, error texts, ICU's
top-level data and its collation data, which Spark's collation setup reads), but none of ICU's
other locale data (break iterators, time zones, units, currencies, ...): the kit must stay small.
"""
import argparse
import re
import zipfile

ICU_DATA = "com/ibm/icu/impl/data/icudata/"
LOADED = re.compile(r"\] (\S+) source: (?:jar:)?file:(\S+?\.jar)")


def keep_resource(name):
    if name.endswith("/") or name.endswith(".class") or name.startswith("META-INF/"):
        return False
    if name.startswith(ICU_DATA):
        rest = name[len(ICU_DATA):]
        return "/" not in rest or rest.startswith("coll/")
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trace", required=True)
    parser.add_argument("--jar", action="append", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    loaded = {}
    with open(args.trace, encoding="utf-8") as trace:
        for line in trace:
            match = LOADED.search(line)
            if match:
                loaded.setdefault(match.group(2), set()).add(match.group(1).replace(".", "/") + ".class")
    classes = 0
    with zipfile.ZipFile(args.out, "w", zipfile.ZIP_DEFLATED) as out:
        written = set()
        for jar in args.jar:
            wanted = loaded.get(jar, set())
            with zipfile.ZipFile(jar) as source:
                for name in source.namelist():
                    if name in written or not (name in wanted or keep_resource(name)):
                        continue
                    out.writestr(name, source.read(name))
                    written.add(name)
                    classes += name in wanted
    print(f"{args.out}: {classes} classes from {len(args.jar)} jars")


if __name__ == "__main__":
    main()
