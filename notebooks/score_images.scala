// Databricks notebook source
// MAGIC %md
// MAGIC # Label a folder of images with an image classifier
// MAGIC
// MAGIC This notebook reads every image in a folder, runs an image classifier over them with
// MAGIC **torchscore**, and shows each image's five most likely labels with their scores.
// MAGIC
// MAGIC It brings its own images and classifier, packed in the torchscore jar: four small pictures,
// MAGIC one damaged file, and a tiny classifier over 10 made-up classes. The classifier was never
// MAGIC trained, so its guesses mean nothing; they show how the labels come out. For your own, the
// MAGIC classifier is a TorchScript file; for an ImageNet model from torchvision, for example:
// MAGIC
// MAGIC ```python
// MAGIC import torch, torchvision
// MAGIC model = torchvision.models.resnet18(weights="IMAGENET1K_V1").eval()
// MAGIC torch.jit.trace(model, torch.rand(1, 3, 224, 224)).save("resnet18.pt")
// MAGIC ```
// MAGIC
// MAGIC plus a text file of its class names, one per line, in the order of the model's outputs.
// MAGIC
// MAGIC **Before you start**: the cluster runs in *dedicated* (single user) access mode and has the
// MAGIC cluster jar `torchscore-<version>-cluster.jar` installed as a library. Nothing else is
// MAGIC needed, and nothing is installed here.

// COMMAND ----------

// MAGIC %md
// MAGIC ## 1. Say where the images, the model and its labels are
// MAGIC
// MAGIC - `imageFolder`: a folder of JPEG or PNG files (subfolders are read too); `imageGlob` picks
// MAGIC   which files.
// MAGIC - `modelPath`, `labelsPath`: the TorchScript classifier and its class names.
// MAGIC - `resizeTo`, `cropTo`: the preprocessing the model was trained with. torchscore does what
// MAGIC   torchvision's `Resize(resizeTo)`, `CenterCrop(cropTo)`, `ToTensor()` and
// MAGIC   `Normalize(ImageNet mean and std)` do. The demo classifier takes 64 and 56; ImageNet
// MAGIC   models take 256 and 224.
// MAGIC
// MAGIC Step 2 writes the folder and both files. If your workspace has the DBFS root turned off, use
// MAGIC a folder of a Unity Catalog volume you can write, such as
// MAGIC `/Volumes/main/default/scratch/torchscore-demo`.

// COMMAND ----------

// Parameters
val imageFolder = "dbfs:/tmp/torchscore-demo/images"
val imageGlob = "*.{jpg,png}"
val modelPath = "dbfs:/tmp/torchscore-demo/image_classifier.pt"
val labelsPath = "dbfs:/tmp/torchscore-demo/image_labels.txt"
val resizeTo = 64
val cropTo = 56

// COMMAND ----------

// MAGIC %md
// MAGIC ## 2. Copy the demo's images and classifier
// MAGIC
// MAGIC Five files go to `imageFolder`: two PNG and two JPEG pictures, and `truncated.jpg`, a JPEG
// MAGIC cut short as a failed upload leaves one. The classifier and its labels go to `modelPath`
// MAGIC and `labelsPath`. To label your own images with your own model, skip this cell.

// COMMAND ----------

import io.torchscore.demo.DemoFiles

DemoFiles.copyImages(spark, imageFolder)
DemoFiles.copyImageClassifier(spark, modelPath, labelsPath)

// COMMAND ----------

// MAGIC %md
// MAGIC ## 3. Read the images
// MAGIC
// MAGIC Spark's `binaryFile` source gives one row per file: its `path`, `modificationTime`,
// MAGIC `length` and its bytes in `content`. The images are decoded later, by torchscore, on the
// MAGIC executors.

// COMMAND ----------

val images = spark.read.format("binaryFile")
  .option("pathGlobFilter", imageGlob)
  .option("recursiveFileLookup", "true")
  .load(imageFolder)

display(images.select("path", "length"))

// COMMAND ----------

// MAGIC %md
// MAGIC ## 4. Classify them, once
// MAGIC
// MAGIC The `content` column is the model's input. `postprocess = topk` turns the model's scores for
// MAGIC every class into the `topk` highest, each with its class index, its label from `labels.path`
// MAGIC and its score (the model's output for that class: a probability when the model ends with a
// MAGIC softmax, as this one does; for a model that returns logits, `postprocess = softmax+topk` gives
// MAGIC probabilities). `on.error = null` keeps a file that is not an image, with no labels and the
// MAGIC reason in the `_error` column, instead of stopping.
// MAGIC
// MAGIC The image bytes are dropped from the result: they are not needed any more. `persist()` keeps
// MAGIC the labels once the first `display` has computed them, so that the cells below read them
// MAGIC from the cache instead of classifying every image again.

// COMMAND ----------

import io.torchscore.spark.TorchScorer

val result = TorchScorer.builder()
  .modelPath(modelPath)
  .featuresCol("content")
  .predictionCol("top5")
  .option("image.resize", resizeTo.toString)
  .option("image.crop", cropTo.toString)
  .option("postprocess", "topk")
  .option("topk", "5")
  .option("labels.path", labelsPath)
  .option("on.error", "null")
  .build()
  .score(images)
val labelled = result.scored().drop("content").persist()

display(labelled.select("path", "top5").orderBy("path"))

// COMMAND ----------

// MAGIC %md
// MAGIC ## 5. One row per guess
// MAGIC
// MAGIC `posexplode` turns each image's list of five guesses into five rows, with the guess's rank.

// COMMAND ----------

val guesses = labelled
  .selectExpr("path", "posexplode(top5) AS (position, guess)")
  .selectExpr("path", "position + 1 AS rank", "guess.label AS label", "guess.score AS score")

display(guesses.orderBy("path", "rank"))

// COMMAND ----------

// MAGIC %md
// MAGIC ## 6. Files that could not be classified
// MAGIC
// MAGIC A file that is not a readable image has no guesses; `_error` says why.

// COMMAND ----------

display(labelled.where("_error IS NOT NULL").select("path", "_error"))

// COMMAND ----------

// MAGIC %md
// MAGIC ## 7. Which labels come first most often?
// MAGIC
// MAGIC A temporary view makes the guesses available to SQL cells.

// COMMAND ----------

guesses.createOrReplaceTempView("image_guesses")

// COMMAND ----------

// MAGIC %sql
// MAGIC SELECT label, count(*) AS images, round(avg(score), 3) AS average_score
// MAGIC FROM image_guesses
// MAGIC WHERE rank = 1
// MAGIC GROUP BY label
// MAGIC ORDER BY images DESC, label

// COMMAND ----------

// MAGIC %md
// MAGIC ## 8. Count them and free the cache
// MAGIC
// MAGIC The counters say how many images were classified and how many could not be read.
// MAGIC `unpersist()` frees the labels kept by `persist()`.

// COMMAND ----------

val metrics = result.metrics()
println(s"images classified: ${metrics.rows()}, not readable: ${metrics.nulled()}, forward calls: ${metrics.batches()}")
labelled.unpersist()
