"""torchscore for PySpark: scores a TorchScript model over a DataFrame with the torchscore jar.

    from torchscore import TorchScorer

    scored = (TorchScorer.builder()
              .modelPath("dbfs:/models/mlp.pt")
              .featuresCol("features")
              .option("batch.size", 1024)
              .build()
              .transform(df))

The settings are torchscore's own (docs/settings.md): ``option(key, value)`` takes any key, with or
without the ``spark.torchscore.`` prefix, and ``options(batch_size=1024, on_error="null")`` the
same keys with ``_`` for ``.`` (``batch_size="auto"``: each executor times its first batches and
chooses). ``TorchScorer.fromConf(spark)`` reads them from the session,
as set with ``spark.conf.set("spark.torchscore.model.path", ...)``.

The work is done in the JVM by ``io.torchscore.spark.TorchScorer``, reached through the session's
Py4J gateway; this module only forwards to it and wraps what comes back as PySpark objects. It
needs the torchscore jar on the driver's classpath (``--jars``, a cluster library) and a classic
Spark session: Spark Connect (Databricks serverless and standard access mode) has no JVM gateway.

For a PySpark ``Pipeline``, ``TorchScoreTransformer`` is the same scorer as a Spark ML stage
(``io.torchscore.spark.TorchScoreTransformer``), with the same setting names:

    from pyspark.ml import Pipeline
    from pyspark.ml.feature import VectorAssembler
    from torchscore import TorchScoreTransformer

    scorer = TorchScoreTransformer(model_path="dbfs:/models/mlp.pt", features="features")
    model = Pipeline(stages=[VectorAssembler(inputCols=cols, outputCol="features"), scorer]).fit(df)
    model.write().overwrite().save(path)   # PipelineModel.load(path) reads it back

Ship it with ``--py-files torchscore.py``, or ``--py-files torchscore-<version>-cluster.jar``:
the jar holds this file at its root and PySpark puts a ``.jar`` on --py-files on the Python path.
Every Java class and method named here is checked against the jar by a test (PySpark itself is
not run there).
"""

import sys

from pyspark.ml.util import JavaMLWritable
from pyspark.ml.wrapper import JavaTransformer
# DataFrame(jdf, session) wraps a Java Dataset: PySpark 3.3+ takes a session there, and 4.x
# still returns its classic DataFrame from this constructor.
from pyspark.sql import DataFrame

__all__ = ["TorchScorer", "Builder", "ScoreResult", "ScoreMetrics", "TorchScoreTransformer"]

# PySpark's PipelineModel.load finds a stage's Python class by importing the module named like its
# Java class's package: this alias makes io.torchscore.spark.TorchScoreTransformer this module's.
sys.modules.setdefault("io.torchscore.spark", sys.modules[__name__])


def _check_classic(spark):
    """Fails on a Spark Connect session, which has no JVM to call."""
    if getattr(spark, "_jsparkSession", None) is None:
        raise RuntimeError(
            "Cannot use torchscore: this is a Spark Connect session (Databricks serverless or"
            " standard access mode), which has no JVM; use classic (dedicated) compute")


def _java_frame(df):
    """Returns the Java Dataset behind a PySpark DataFrame."""
    _check_classic(df.sparkSession)
    return df._jdf


def _jvm(spark=None):
    """Returns the Py4J view of the driver's JVM, from the given session or the active one."""
    if spark is not None:
        _check_classic(spark)
        return spark.sparkContext._jvm
    from pyspark import SparkContext

    context = SparkContext._active_spark_context
    if context is None:
        raise RuntimeError(
            "Cannot build a TorchScorer: no SparkContext is running; start a SparkSession first"
            " or pass it to build(spark)")
    return context._jvm


def _text(value):
    """Returns a setting's text form, as a Spark conf value would give it."""
    if isinstance(value, (list, tuple)):
        return ",".join(_text(item) for item in value)
    return str(value)


def _key(name):
    """Returns the conf key of a keyword argument: batch_size -> batch.size."""
    return name.replace("_", ".")


class Builder:
    """Collects settings by key and builds a TorchScorer; the model path and features are required."""

    def __init__(self):
        self._options = []

    def option(self, key, value) -> "Builder":
        """Sets any setting by its key (``batch.size`` or ``spark.torchscore.batch.size``)."""
        self._options.append((key, _text(value)))
        return self

    def options(self, **settings) -> "Builder":
        """Sets settings by keyword: ``batch_size=1024`` is ``option("batch.size", 1024)``."""
        for name, value in settings.items():
            self.option(_key(name), value)
        return self

    def modelPath(self, path) -> "Builder":
        """Sets the TorchScript file: a local path or any Hadoop FS URI (``model.path``)."""
        return self.option("model.path", path)

    def featuresCol(self, column) -> "Builder":
        """Sets one array, vector or binary-image column as the model's only input."""
        return self.option("features", column)

    def featuresCols(self, *columns) -> "Builder":
        """Sets numeric columns assembled, in order, into the model's only input."""
        return self.option("features", list(columns))

    def predictionCol(self, column) -> "Builder":
        """Sets the prediction column's name (``prediction.column``)."""
        return self.option("prediction.column", column)

    def build(self, spark=None) -> "TorchScorer":
        """Builds the scorer in the JVM, which checks every setting (an unknown key included)."""
        java_builder: "io.torchscore.spark.TorchScorer$Builder" = (
            _jvm(spark).io.torchscore.spark.TorchScorer.builder())
        for key, value in self._options:
            java_builder.option(key, value)
        return TorchScorer(java_builder.build())


class TorchScorer:
    """Appends a TorchScript model's predictions to a DataFrame, keeping every input column."""

    def __init__(self, java_scorer):
        self._java: "io.torchscore.spark.TorchScorer" = java_scorer

    @staticmethod
    def builder(**settings) -> "Builder":
        """Returns a builder, optionally with settings by keyword (``batch_size=1024``)."""
        return Builder().options(**settings)

    @staticmethod
    def fromConf(spark) -> "TorchScorer":
        """Returns a scorer from the session's ``spark.torchscore.*`` settings."""
        return TorchScorer(
            _jvm(spark).io.torchscore.spark.TorchScorer.fromConf(spark._jsparkSession))

    def transform(self, df) -> "DataFrame":
        """Returns the rows with the prediction columns appended (lazy)."""
        return DataFrame(self._java.transform(_java_frame(df)), df.sparkSession)

    def score(self, df) -> "ScoreResult":
        """Returns the scored rows, the rejected rows and the counters."""
        return ScoreResult(self._java.score(_java_frame(df)), df.sparkSession)

    def settings(self) -> "str":
        """Returns a summary of the settings in use."""
        return self._java.settings().toString()


class ScoreResult:
    """The scored rows (lazy), the rows ``on.error=skip`` left out, and the scoring's counters."""

    def __init__(self, java_result, spark):
        self._java: "io.torchscore.spark.ScoreResult" = java_result
        self._spark = spark

    def scored(self) -> "DataFrame":
        """Returns the input rows with the prediction columns (bad rows as on.error says)."""
        return DataFrame(self._java.scored(), self._spark)

    def rejects(self) -> "DataFrame":
        """Returns the rows on.error=skip left out, with the error column saying why."""
        return DataFrame(self._java.rejects(), self._spark)

    def persist(self) -> "ScoreResult":
        """Keeps the scoring's result so that scored() and rejects() share one scoring pass."""
        self._java.persist()
        return self

    def unpersist(self) -> "None":
        """Releases what persist() kept."""
        self._java.unpersist()

    def batchRows(self) -> "int":
        """Returns the rows per forward call used."""
        return self._java.batchRows()

    def metrics(self) -> "ScoreMetrics":
        """Returns the counters, complete once an action over the result has run."""
        return ScoreMetrics(self._java.metrics())


class ScoreMetrics:
    """Counters the executors add to while scoring; read them after an action."""

    def __init__(self, java_metrics):
        self._java: "io.torchscore.spark.ScoreMetrics" = java_metrics

    def rows(self) -> "int":
        """Returns the rows scored: those with a prediction."""
        return self._java.rows()

    def nulled(self) -> "int":
        """Returns the bad rows kept with null predictions (on.error=null)."""
        return self._java.nulled()

    def skipped(self) -> "int":
        """Returns the bad rows left out of the output (on.error=skip)."""
        return self._java.skipped()

    def batches(self) -> "int":
        """Returns the forward calls made."""
        return self._java.batches()

    def modelLoads(self) -> "int":
        """Returns how many times the model was loaded (driver check and executors)."""
        return self._java.modelLoads()

    def badRowsByReason(self) -> "dict":
        """Returns the bad rows per reason code, every reason listed."""
        return dict(self._java.badRowsByReason())

    def asDict(self) -> "dict":
        """Returns every counter by name."""
        return {
            "rows": self.rows(),
            "nulled": self.nulled(),
            "skipped": self.skipped(),
            "batches": self.batches(),
            "modelLoads": self.modelLoads(),
            "badRowsByReason": self.badRowsByReason(),
        }


class TorchScoreTransformer(JavaTransformer, JavaMLWritable):
    """torchscore as a Spark ML stage for a PySpark ``Pipeline`` (after a ``VectorAssembler``, say).

    Settings are given by keyword with ``_`` for ``.`` (``model_path=..., batch_size=1024``) or with
    ``setOption("batch.size", 1024)``; they live in the Java stage
    (``io.torchscore.spark.TorchScoreTransformer``), which saves and loads them with the pipeline.
    Needs an active classic SparkSession.
    """

    def __init__(self, **settings):
        super().__init__()
        self._java_obj: "io.torchscore.spark.TorchScoreTransformer" = (
            _jvm().io.torchscore.spark.TorchScoreTransformer(self.uid))
        self.options(**settings)

    def setOption(self, key, value) -> "TorchScoreTransformer":
        """Sets any scoring setting by its key (``batch.size`` or ``spark.torchscore.batch.size``)."""
        self._java_obj.setOption(key, _text(value))
        return self

    def options(self, **settings) -> "TorchScoreTransformer":
        """Sets settings by keyword: ``batch_size=1024`` is ``setOption("batch.size", 1024)``."""
        for name, value in settings.items():
            self.setOption(_key(name), value)
        return self

    def setModelPath(self, path) -> "TorchScoreTransformer":
        """Sets the TorchScript file: a local path or any Hadoop FS URI (``model.path``)."""
        return self.setOption("model.path", path)

    def setFeaturesCol(self, column) -> "TorchScoreTransformer":
        """Sets the model's input column(s) (``features``)."""
        return self.setOption("features", column)

    def setPredictionCol(self, column) -> "TorchScoreTransformer":
        """Sets the prediction column's name (``prediction.column``)."""
        return self.setOption("prediction.column", column)

    def scorer(self) -> "TorchScorer":
        """Returns the TorchScorer this stage's settings make."""
        return TorchScorer(self._java_obj.scorer())

    def _transform(self, dataset):
        return DataFrame(self._java_obj.transform(_java_frame(dataset)), dataset.sparkSession)

    @classmethod
    def load(cls, path) -> "TorchScoreTransformer":
        """Loads a stage saved with ``write().save(path)``."""
        java_stage: "io.torchscore.spark.TorchScoreTransformer" = (
            _jvm().io.torchscore.spark.TorchScoreTransformer.load(path))
        stage = cls()
        stage._java_obj = java_stage
        stage._resetUid(java_stage.uid())
        return stage
