// Databricks notebook source
// MAGIC %md
// MAGIC # Score a table with a PyTorch model
// MAGIC
// MAGIC This notebook adds a model's predictions to a table with **torchscore**. The model is a
// MAGIC TorchScript file, made in Python with `torch.jit.script(model).save("model.pt")` (or
// MAGIC `torch.jit.trace`). torchscore runs it inside Spark, on every executor, in batches, and
// MAGIC appends its output to each row as a new column; every input column is kept.
// MAGIC
// MAGIC **Before you start**, once per cluster:
// MAGIC - the cluster runs in *dedicated* (single user) access mode: torchscore is a JVM library, and
// MAGIC   standard access mode and serverless compute do not run user JVM code;
// MAGIC - the cluster jar `torchscore-<version>-cluster.jar` is installed as a cluster library
// MAGIC   (Compute → your cluster → Libraries → Install new → JAR).
// MAGIC
// MAGIC Nothing else is needed: the notebook makes a sample table and copies a demo model out of the
// MAGIC jar, so it runs as it is. It installs nothing.

// COMMAND ----------

// MAGIC %md
// MAGIC ## 1. Say where the model and the table are
// MAGIC
// MAGIC - `modelPath`: the TorchScript file; any path Spark can read (`dbfs:/`, `s3a://`,
// MAGIC   `abfss://`, a Unity Catalog volume under `/Volumes/...`).
// MAGIC - `inputPath`: the Parquet table to score.
// MAGIC - `featuresColumn`: the column that holds each row's model input, here an array of 10 floats
// MAGIC   (a Spark ML vector column or a binary column of image bytes work too).
// MAGIC
// MAGIC Step 2 writes both paths. If your workspace has the DBFS root turned off, use a folder of a
// MAGIC Unity Catalog volume you can write, such as `/Volumes/main/default/scratch/torchscore-demo`.

// COMMAND ----------

// Parameters
val modelPath = "dbfs:/tmp/torchscore-demo/tutorial_mlp.pt"
val inputPath = "dbfs:/tmp/torchscore-demo/customer_features"
val featuresColumn = "features"

// COMMAND ----------

// MAGIC %md
// MAGIC ## 2. Make the sample table and copy the model
// MAGIC
// MAGIC The table: 5,000 rows, each an `id` and 10 random floats, written as Parquet to `inputPath`.
// MAGIC The model: the tutorial's MLP (Linear(10, 5) → ReLU → Linear(5, 1)), a TorchScript file
// MAGIC packed in the torchscore jar, copied to `modelPath`; it gives each row one float.
// MAGIC
// MAGIC To score your own table with your own model, skip this cell, set `modelPath` to your model,
// MAGIC and in step 3 read your table instead (`spark.table("catalog.schema.table")`).

// COMMAND ----------

import io.torchscore.demo.DemoFiles
import org.apache.spark.sql.functions.{array, col, randn}

DemoFiles.copyTutorialMlp(spark, modelPath)

spark.range(0, 5000, 1, 4)
  .select(col("id"), array((0 until 10).map(i => randn(i).cast("float")): _*).as(featuresColumn))
  .write.mode("overwrite").parquet(inputPath)

// COMMAND ----------

// MAGIC %md
// MAGIC ## 3. Look at the input
// MAGIC
// MAGIC `display` shows a DataFrame as a table. Each row has an `id` and a `features` array.

// COMMAND ----------

val input = spark.read.parquet(inputPath)
display(input.limit(5))

// COMMAND ----------

// MAGIC %md
// MAGIC ## 4. Score it with the builder
// MAGIC
// MAGIC `TorchScorer.builder()` takes the settings one by one. The model path and the features are
// MAGIC required; `predictionCol` names the new column. Any other setting is set by its name with
// MAGIC `.option(name, value)`, using the names of torchscore's settings reference, docs/settings.md (here
// MAGIC `batch.size`, the rows given to the model in one call).
// MAGIC
// MAGIC `transform` checks the model on the driver (it loads it and scores a small sample batch, so a
// MAGIC wrong column or shape fails here, with a message naming the setting) and returns a new
// MAGIC DataFrame. Nothing is scored until something reads it, such as `display`.

// COMMAND ----------

import io.torchscore.spark.TorchScorer

val scored = TorchScorer.builder()
  .modelPath(modelPath)
  .featuresCol(featuresColumn)
  .predictionCol("score")
  .option("batch.size", "1024")
  .build()
  .transform(input)

display(scored.orderBy("id"))

// COMMAND ----------

// MAGIC %md
// MAGIC ## 5. Or take the settings from the session
// MAGIC
// MAGIC The same settings can be Spark conf keys (`spark.torchscore.` + the setting's name), the way
// MAGIC the scheduled job takes them. Set them on the session with `spark.conf.set`, or once in the
// MAGIC cluster's Spark config, and `TorchScorer.fromConf(spark)` reads them.
// MAGIC
// MAGIC `on.error = null` keeps a row the model cannot score (a null or short `features` array) with
// MAGIC a null score and the reason in an `_error` column, instead of stopping.
// MAGIC
// MAGIC `score` returns the scored rows together with counters: rows scored, bad rows and forward
// MAGIC calls, complete once an action (here `display`) has run. Each partition's rows are counted
// MAGIC once, even when an action reads them twice (a sort first samples them) or a later cell scores
// MAGIC them again; the model does run again each time, and `result.persist()` keeps the scores so
// MAGIC that later actions reuse them.

// COMMAND ----------

spark.conf.set("spark.torchscore.model.path", modelPath)
spark.conf.set("spark.torchscore.features", featuresColumn)
spark.conf.set("spark.torchscore.prediction.column", "score")
spark.conf.set("spark.torchscore.on.error", "null")

val result = TorchScorer.fromConf(spark).score(input)
val scoredFromConf = result.scored()
display(scoredFromConf)

// COMMAND ----------

val metrics = result.metrics()
println(s"rows scored: ${metrics.rows()}, bad rows kept: ${metrics.nulled()}, forward calls: ${metrics.batches()}")

// COMMAND ----------

// MAGIC %md
// MAGIC ## 6. Query the scores with SQL
// MAGIC
// MAGIC A temporary view gives the scored DataFrame a name that SQL cells can use, for as long as
// MAGIC this notebook is attached.

// COMMAND ----------

scoredFromConf.createOrReplaceTempView("scored")

// COMMAND ----------

// MAGIC %sql
// MAGIC SELECT id, score
// MAGIC FROM scored
// MAGIC WHERE score IS NOT NULL
// MAGIC ORDER BY score DESC
// MAGIC LIMIT 10

// COMMAND ----------

// MAGIC %md
// MAGIC ## 7. Save the scores
// MAGIC
// MAGIC To keep them, write the DataFrame as a table, e.g.
// MAGIC `scoredFromConf.write.mode("overwrite").saveAsTable("main.default.customer_scores")`.
// MAGIC The settings set with `spark.conf.set` stay on this notebook's session; unset them when
// MAGIC you are done so that they do not leak into later cells.

// COMMAND ----------

Seq("model.path", "features", "prediction.column", "on.error")
  .foreach(name => spark.conf.unset("spark.torchscore." + name))
