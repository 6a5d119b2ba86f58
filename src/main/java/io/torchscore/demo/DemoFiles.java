package io.torchscore.demo;

import io.torchscore.TorchScoreException;
import io.torchscore.spark.SessionConf;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Objects;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * Copies the demo's files out of the jar to any path the session can write ({@code dbfs:/},
 * a Unity Catalog volume under {@code /Volumes/...}, {@code s3a://}, a local folder), replacing
 * what is there:
 *
 * <pre>{@code
 * DemoFiles.copyTutorialMlp(spark, "dbfs:/tmp/torchscore-demo/tutorial_mlp.pt");
 * }</pre>
 */
public final class DemoFiles {

  private static final String PACKED = "/io/torchscore/demo/";

  /** The images, and a JPEG cut short, as a failed upload leaves one: the decoder refuses it. */
  private static final List<String> IMAGES =
      List.of(
          "images/image_0.png",
          "images/image_1.jpg",
          "images/image_2.png",
          "images/image_3.jpg",
          "image_cases/truncated.jpg");

  private DemoFiles() {}

  /**
   * Copies the tutorial's model: a TorchScript MLP, Linear(10, 5) → ReLU → Linear(5, 1), that
   * takes 10 floats per row and returns one.
   *
   * @param spark the session whose Hadoop settings reach the path
   * @param path where to write the model
   * @throws TorchScoreException when the path cannot be written
   */
  public static void copyTutorialMlp(SparkSession spark, String path) {
    copy(spark, "tutorial_mlp.pt", path);
  }

  /**
   * Copies a small image classifier and its labels: a TorchScript model that takes [B, 3, H, W]
   * images normalized with ImageNet's mean and std, and returns the probabilities of 10 classes,
   * in the order of the labels file's lines.
   *
   * @param spark the session whose Hadoop settings reach the paths
   * @param modelPath where to write the model
   * @param labelsPath where to write its class names, one a line
   * @throws TorchScoreException when a path cannot be written
   */
  public static void copyImageClassifier(SparkSession spark, String modelPath, String labelsPath) {
    copy(spark, "image_classifier.pt", modelPath);
    copy(spark, "image_labels.txt", labelsPath);
  }

  /**
   * Copies five files into a folder: two PNG and two JPEG images, and {@code truncated.jpg}, a
   * JPEG cut short, which is not a readable image.
   *
   * @param spark the session whose Hadoop settings reach the folder
   * @param folder the folder to write them in, made if missing
   * @throws TorchScoreException when the folder cannot be written
   */
  public static void copyImages(SparkSession spark, String folder) {
    for (String image : IMAGES) {
      copy(spark, image, new Path(folder, image.substring(image.lastIndexOf('/') + 1)).toString());
    }
  }

  private static void copy(SparkSession spark, String name, String target) {
    Configuration conf = SessionConf.hadoop(spark);
    try (InputStream in =
        Objects.requireNonNull(DemoFiles.class.getResourceAsStream(PACKED + name), "Cannot copy " + name + ": it is not in this jar")) {
      Path path = new Path(target);
      try (OutputStream out = path.getFileSystem(conf).create(path, true)) {
        in.transferTo(out);
      }
    } catch (IOException e) {
      throw new TorchScoreException(e, "Cannot copy the demo file %s to %s: %s", name, target, e.getMessage());
    }
  }
}
