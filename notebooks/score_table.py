# Databricks notebook source
# MAGIC %md
# MAGIC # Score a table with a PyTorch model, from Python
# MAGIC
# MAGIC This notebook adds a model's predictions to a table with **torchscore**, from PySpark. The
# MAGIC model is a TorchScript file, made with `torch.jit.script(model).save("model.pt")` (or
# MAGIC `torch.jit.trace`). torchscore runs it inside Spark's JVM on every executor, in batches, and
# MAGIC appends its output to each row as a new column; every input column is kept. The Python
# MAGIC module `torchscore` only forwards your calls to the JVM and gives back PySpark DataFrames, so
# MAGIC no PyTorch is needed on the cluster.
# MAGIC
# MAGIC **Before you start**, once per cluster:
# MAGIC - the cluster runs in *dedicated* (single user) access mode: torchscore is a JVM library, and
# MAGIC   standard access mode and serverless compute do not run user JVM code;
# MAGIC - the cluster jar `torchscore-<version>-cluster.jar` is installed as a cluster library
# MAGIC   (Compute → your cluster → Libraries → Install new → JAR). The Python module is inside it.
# MAGIC
# MAGIC Nothing else is needed: the notebook makes a sample table, copies a demo model out of the
# MAGIC jar and writes the Python module out of it, so it runs as it is. It installs nothing.

# COMMAND ----------

# MAGIC %md
# MAGIC ## 1. Say where the model and the table are
# MAGIC
# MAGIC - `model_path`: the TorchScript file; any path Spark can read (`dbfs:/`, `s3a://`,
# MAGIC   `abfss://`, a Unity Catalog volume under `/Volumes/...`).
# MAGIC - `input_path`: the Parquet table to score.
# MAGIC - `features_column`: the column that holds each row's model input, here an array of 10
# MAGIC   floats (a Spark ML vector column or a binary column of image bytes work too).
# MAGIC
# MAGIC Step 2 writes both paths. If your workspace has the DBFS root turned off, use a folder of a
# MAGIC Unity Catalog volume you can write, such as `/Volumes/main/default/scratch/torchscore-demo`.

# COMMAND ----------

# Parameters
model_path = "dbfs:/tmp/torchscore-demo/tutorial_mlp.pt"
input_path = "dbfs:/tmp/torchscore-demo/customer_features"
features_column = "features"

# COMMAND ----------

# MAGIC %md
# MAGIC ## 2. Make the sample table and copy the model
# MAGIC
# MAGIC The table: 5,000 rows, each an `id` and 10 random floats, written as Parquet to `input_path`.
# MAGIC The model: the tutorial's MLP (Linear(10, 5) → ReLU → Linear(5, 1)), a TorchScript file
# MAGIC packed in the torchscore jar, copied to `model_path` through the session's JVM; it gives
# MAGIC each row one float.
# MAGIC
# MAGIC To score your own table with your own model, skip this cell, set `model_path` to your
# MAGIC model, and in step 4 read your table instead (`spark.table("catalog.schema.table")`).

# COMMAND ----------

from pyspark.sql import functions as F

spark._jvm.io.torchscore.demo.DemoFiles.copyTutorialMlp(spark._jsparkSession, model_path)

(
    spark.range(0, 5000, 1, 4)
    .select("id", F.array(*[F.randn(seed=i).cast("float") for i in range(10)]).alias(features_column))
    .write.mode("overwrite")
    .parquet(input_path)
)

# COMMAND ----------

# MAGIC %md
# MAGIC ## 3. Import torchscore
# MAGIC
# MAGIC The module `torchscore.py` is packed in the cluster jar. This cell asks the JVM for its text,
# MAGIC writes it to a new folder on the driver and puts that folder on Python's path. The driver
# MAGIC is the only place it is needed: it forwards each call to the JVM, where the scoring runs,
# MAGIC so the executors run no Python for it. (Handing the whole jar to `addPyFile` would work too,
# MAGIC but copies its 128 MB to every executor to import a 12 KB file.)

# COMMAND ----------

import os
import sys
import tempfile

module_folder = tempfile.mkdtemp(prefix="torchscore-")
with open(os.path.join(module_folder, "torchscore.py"), "w") as module:
    module.write(spark._jvm.io.torchscore.spark.PythonModule.source())
sys.path.insert(0, module_folder)

from torchscore import TorchScorer

# COMMAND ----------

# MAGIC %md
# MAGIC ## 4. Look at the input
# MAGIC
# MAGIC `display` shows a DataFrame as a table. Each row has an `id` and a `features` array.

# COMMAND ----------

input_df = spark.read.parquet(input_path)
display(input_df.limit(5))

# COMMAND ----------

# MAGIC %md
# MAGIC ## 5. Score it with the builder
# MAGIC
# MAGIC `TorchScorer.builder()` takes the settings one by one: the model path and the features are
# MAGIC required, `predictionCol` names the new column, and `.option(name, value)` sets any other
# MAGIC setting by the name it has in torchscore's settings reference (here `batch.size`, the rows given to the
# MAGIC model in one call).
# MAGIC
# MAGIC `transform` checks the model on the driver (it loads it and scores a small sample batch, so a
# MAGIC wrong column or shape fails here, with a message naming the setting) and returns a PySpark
# MAGIC DataFrame. Nothing is scored until something reads it, such as `display`.

# COMMAND ----------

scored = (
    TorchScorer.builder()
    .modelPath(model_path)
    .featuresCol(features_column)
    .predictionCol("score")
    .option("batch.size", 1024)
    .build()
    .transform(input_df)
)
display(scored.orderBy("id"))

# COMMAND ----------

# MAGIC %md
# MAGIC The same settings can be given as keywords, with `_` in place of `.` in their names:

# COMMAND ----------

scorer = TorchScorer.builder(
    model_path=model_path, features=features_column, prediction_column="score", batch_size=1024
).build()
print(scorer.settings())

# COMMAND ----------

# MAGIC %md
# MAGIC ## 6. Or take the settings from the session
# MAGIC
# MAGIC The settings are also Spark conf keys (`spark.torchscore.` + the setting's name), the way the
# MAGIC scheduled job takes them. Set them on the session with `spark.conf.set`, or once in the
# MAGIC cluster's Spark config, and `TorchScorer.fromConf(spark)` reads them.
# MAGIC
# MAGIC `on.error = null` keeps a row the model cannot score (a null or short `features` array) with
# MAGIC a null score and the reason in an `_error` column, instead of stopping.
# MAGIC
# MAGIC `score` returns the scored rows together with counters: rows scored, bad rows and forward
# MAGIC calls, complete once an action (here `display`) has run. Each partition's rows are counted
# MAGIC once, even when an action reads them twice (a sort first samples them) or a later cell scores
# MAGIC them again; the model does run again each time, and `result.persist()` keeps the scores so
# MAGIC that later actions reuse them.

# COMMAND ----------

spark.conf.set("spark.torchscore.model.path", model_path)
spark.conf.set("spark.torchscore.features", features_column)
spark.conf.set("spark.torchscore.prediction.column", "score")
spark.conf.set("spark.torchscore.on.error", "null")

result = TorchScorer.fromConf(spark).score(input_df)
scored_from_conf = result.scored()
display(scored_from_conf)

# COMMAND ----------

metrics = result.metrics()
print(metrics.asDict())

# COMMAND ----------

# MAGIC %md
# MAGIC ## 7. Query the scores with SQL
# MAGIC
# MAGIC A temporary view gives the scored DataFrame a name that SQL cells can use, for as long as
# MAGIC this notebook is attached.

# COMMAND ----------

scored_from_conf.createOrReplaceTempView("scored")

# COMMAND ----------

# MAGIC %sql
# MAGIC SELECT id, score
# MAGIC FROM scored
# MAGIC WHERE score IS NOT NULL
# MAGIC ORDER BY score DESC
# MAGIC LIMIT 10

# COMMAND ----------

# MAGIC %md
# MAGIC ## 8. Save the scores
# MAGIC
# MAGIC To keep them, write the DataFrame as a table, e.g.
# MAGIC `scored_from_conf.write.mode("overwrite").saveAsTable("main.default.customer_scores")`.
# MAGIC The settings set with `spark.conf.set` stay on this notebook's session; unset them when
# MAGIC you are done so that they do not leak into later cells.

# COMMAND ----------

for name in ["model.path", "features", "prediction.column", "on.error"]:
    spark.conf.unset("spark.torchscore." + name)
