#!/usr/bin/env python3
"""Imports the torchscore module from a folder or a jar and drives it against a recording stand-in
for Py4J's JVM view, printing every JVM call it makes (PySpark itself cannot be installed here).

Usage: module_with_fake_gateway.py PATH   (src/main/python, or the cluster jar)

Prints `module <file>` (where torchscore was imported from), then `call <receiver>.<method>(<args>)`
lines in order, `frame <jdf>` for each DataFrame it returns and `error <message>` for the errors
it raises. The stub `pyspark` package is written to a temporary folder.
"""
import os
import sys
import tempfile

STUB_SQL = '''
class DataFrame:
    def __init__(self, jdf, session):
        self._jdf = jdf
        self.sparkSession = session
'''

STUB_PYSPARK = '''
class SparkContext:
    _active_spark_context = None
'''

# PySpark's JavaTransformer as far as the module relies on it: a uid, and transform() calling
# _transform() (after handing the Python-side params to Java, of which the module has none).
STUB_ML_WRAPPER = '''
class JavaTransformer:
    def __init__(self):
        self.uid = type(self).__name__ + "_0"
        self._java_obj = None

    def _resetUid(self, uid):
        self.uid = uid

    def transform(self, dataset):
        return self._transform(dataset)
'''

STUB_ML_UTIL = '''
class JavaMLWritable:
    pass
'''


class Recorder:
    """A Java object or class seen through Py4J: attribute access names, calls are recorded."""

    log = []

    def __init__(self, name):
        self._name = name

    def __getattr__(self, attribute):
        return Recorder(self._name + "." + attribute if self._name else attribute)

    def __call__(self, *args):
        Recorder.log.append("call %s(%s)" % (self._name, ", ".join(repr(a) for a in args)))
        return Recorder("<%s>" % self._name.rsplit(".", 1)[-1])

    def __repr__(self):
        return self._name


class Context:
    def __init__(self, jvm):
        self._jvm = jvm


class Session:
    """A classic session: a JVM session object and a context with the gateway."""

    def __init__(self):
        self._jsparkSession = Recorder("<jsession>")
        self.sparkContext = Context(Recorder(""))


class ConnectSession:
    """A Spark Connect session: no JVM behind it."""


def write_pyspark_stubs():
    """Writes the stub pyspark package to a new temporary folder and returns the folder."""
    stubs = tempfile.mkdtemp()
    os.makedirs(os.path.join(stubs, "pyspark", "sql"))
    with open(os.path.join(stubs, "pyspark", "__init__.py"), "w") as out:
        out.write(STUB_PYSPARK)
    with open(os.path.join(stubs, "pyspark", "sql", "__init__.py"), "w") as out:
        out.write(STUB_SQL)
    os.makedirs(os.path.join(stubs, "pyspark", "ml"))
    for name, text in (("__init__", ""), ("wrapper", STUB_ML_WRAPPER), ("util", STUB_ML_UTIL)):
        with open(os.path.join(stubs, "pyspark", "ml", name + ".py"), "w") as out:
            out.write(text)
    return stubs


def main():
    sys.path[:0] = [write_pyspark_stubs(), sys.argv[1]]

    import pyspark
    from pyspark.sql import DataFrame
    import torchscore
    from torchscore import TorchScorer

    print("module " + torchscore.__file__)
    spark = Session()
    df = DataFrame(Recorder("<jdf>"), spark)

    scorer = (TorchScorer.builder(batch_size=1024)
              .modelPath("m.pt")
              .featuresCols("age", "income")
              .option("spark.torchscore.on.error", "null")
              .options(input_shape=[2], prediction_column="churn")
              .build(spark))
    scored = scorer.transform(df)
    print("frame %r %s" % (scored._jdf, scored.sparkSession is spark))
    result = TorchScorer.fromConf(spark).score(df)
    print("frame %r" % result.rejects()._jdf)
    result.metrics().rows()

    connect_df = DataFrame(None, ConnectSession())
    for attempt in (lambda: TorchScorer.fromConf(ConnectSession()),
                    lambda: scorer.transform(connect_df),
                    lambda: TorchScorer.builder().modelPath("m.pt").build()):
        try:
            attempt()
        except RuntimeError as e:
            Recorder.log.append("error " + str(e))
    pyspark.SparkContext._active_spark_context = Context(Recorder(""))
    TorchScorer.builder(batch_size="auto").featuresCol("features").build()

    from torchscore import TorchScoreTransformer
    stage = (TorchScoreTransformer(model_path="m.pt", batch_size=256, postprocess="softmax+topk")
             .setFeaturesCol("features"))
    print("frame %r" % stage.transform(df)._jdf)
    stage.scorer()
    # The module checks nothing itself: an invalid value reaches the JVM as its conf text.
    stage.setOption("image.crop", 0)
    loaded = TorchScoreTransformer.load("/saved/stage")
    print("uid %r" % loaded.uid)
    import importlib
    print("pipeline loader finds %s" % importlib.import_module("io.torchscore.spark").TorchScoreTransformer.__name__)
    for line in Recorder.log:
        print(line)


if __name__ == "__main__":
    main()
