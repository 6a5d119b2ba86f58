# Calls the check must reject (the test names each line number), and a reader option it must not.
from torchscore import TorchScorer

jvm = spark.sparkContext._jvm
wrong_arity = jvm.io.torchscore.spark.TorchScorer.builder("extra")
no_class = jvm.io.torchscore.spark.Scorer.builder()
no_method = jvm.io.torchscore.spark.TorchScorer.builder().batchSize(1).scoreAll(df)
spark.conf.set("spark.torchscore.batch.sise", "1024")
scorer = TorchScorer.builder().modelpath("m.pt").build()
images = spark.read.option("pathGlobFilter", "*.png")
typo = TorchScorer.builder(batch_sise=1)
