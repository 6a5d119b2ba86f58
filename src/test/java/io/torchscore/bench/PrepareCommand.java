package io.torchscore.bench;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.torchscore.job.DemoTableCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Writes a model's benchmark data under {@code --dir}: the Parquet table every Spark mode reads
 * ({@code <model>/}, {@code --files} equal files of {@code id, features}), the same rows as raw
 * little-endian float32 for the raw DJL loop and Python ({@code <model>.f32}; for the MLP, whose
 * rows it writes in Spark's read order, their ids in {@code <model>.ids}), and subsets of those
 * rows: every {@code --subset-every}th row for row_udf ({@code <model>-subset/}), every
 * {@code --warmup-every}th row for the warm-up runs ({@code <model>-warmup/}) and, with
 * {@code --head-rows}, the rows of the first ids in two files, for runs too slow for the whole
 * table ({@code <model>-head/}).
 *
 * <p>MLP rows come from the demo's own generator ({@link DemoTableCommand}); ResNet-18 rows are
 * 150,528 uniform floats in [-1, 1) per image, a fixed function of the image's id. Data already
 * written with the same parameters is kept.
 */
@Command(name = "prepare", description = "Writes one model's benchmark data.")
final class PrepareCommand implements Callable<Integer> {

  static final int MLP_WIDTH = 10;
  static final int RESNET_WIDTH = 3 * 224 * 224;

  @Option(names = "--model", required = true, description = "mlp or resnet18")
  private String model;

  @Option(names = "--rows", required = true, description = "Rows (images) to write.")
  private long rows;

  @Option(names = "--files", defaultValue = "8", description = "Parquet files (Spark partitions).")
  private int files;

  @Option(names = "--subset-every", required = true, description = "Every k-th row goes to the row_udf subset.")
  private int subsetEvery;

  @Option(names = "--warmup-every", required = true, description = "Every k-th row goes to the warm-up table.")
  private int warmupEvery;

  @Option(names = "--head-rows", defaultValue = "0", description = "Rows of the head table (ids below it); 0: none.")
  private int headRows;

  @Option(names = "--dir", defaultValue = "target/bench/data", description = "Where to write.")
  private Path dir;

  @Override
  public Integer call() throws IOException {
    int width = "mlp".equals(model) ? MLP_WIDTH : RESNET_WIDTH;
    Path manifest = dir.resolve(model + ".json");
    Map<String, Object> wanted = new LinkedHashMap<>();
    wanted.put("model", model);
    wanted.put("rows", rows);
    wanted.put("width", width);
    wanted.put("files", files);
    wanted.put("subset_every", subsetEvery);
    wanted.put("warmup_every", warmupEvery);
    wanted.put("head_rows", headRows);
    if ("mlp".equals(model)) {
      wanted.put("ids", model + ".ids");
    }
    ObjectMapper json = new ObjectMapper();
    if (Files.exists(manifest) && json.readValue(manifest.toFile(), Map.class).equals(wanted)) {
      System.out.println("bench: " + model + " data already in " + dir + ", kept");
      return 0;
    }
    Files.createDirectories(dir);
    Files.deleteIfExists(manifest);
    String table = dir.resolve(model).toString();
    Path f32 = dir.resolve(model + ".f32");
    long start = System.nanoTime();
    if ("mlp".equals(model)) {
      int code =
          new CommandLine(new DemoTableCommand())
              .execute("--rows", Long.toString(rows), "--out", table, "--partitions", Integer.toString(files));
      if (code != 0) {
        return code;
      }
    } else if ("resnet18".equals(model)) {
      writeImages(f32, rows, width);
    } else {
      throw new CommandLine.ParameterException(new CommandLine(this), "--model: mlp or resnet18");
    }
    SparkSession spark = BenchSpark.session("local[2]", -1);
    try {
      if ("resnet18".equals(model)) {
        StructType schema =
            new StructType()
                .add("id", DataTypes.LongType, false)
                .add("features", DataTypes.createArrayType(DataTypes.FloatType, false), false);
        spark
            .range(0, rows, 1, files)
            .mapPartitions(new ImageRows(f32.toAbsolutePath().toString(), width), Encoders.row(schema))
            .write()
            .mode("overwrite")
            // One row group per file: each file is one task of equal size when read back.
            .option("parquet.block.size", Long.toString(1L << 30))
            // Random floats neither compress nor fit a dictionary: trying costs minutes here.
            .option("compression", "none")
            .option("parquet.enable.dictionary", "false")
            .parquet(table);
      } else {
        exportFloats(spark.read().parquet(table), f32, dir.resolve(model + ".ids"), width);
      }
      Dataset<Row> written = spark.read().parquet(table);
      long count = written.count();
      if (count != rows) {
        throw new IllegalStateException(table + " has " + count + " rows; expected " + rows);
      }
      boolean images = "resnet18".equals(model);
      for (String suffix : new String[] {"-subset", "-warmup"}) {
        int every = suffix.equals("-subset") ? subsetEvery : warmupEvery;
        written
            .where(col("id").mod(every).equalTo(0))
            .write()
            .mode("overwrite")
            .option("compression", images ? "none" : "snappy")
            .option("parquet.enable.dictionary", Boolean.toString(!images))
            .parquet(table + suffix);
      }
      if (headRows > 0) {
        // Two files: both tasks of local[2] score, as on the whole table.
        written
            .where(col("id").lt(headRows))
            .repartition(2)
            .write()
            .mode("overwrite")
            .option("compression", images ? "none" : "snappy")
            .option("parquet.enable.dictionary", Boolean.toString(!images))
            .parquet(table + "-head");
      }
    } finally {
      spark.stop();
    }
    json.writerWithDefaultPrettyPrinter().writeValue(manifest.toFile(), wanted);
    System.out.printf(
        "bench: wrote %s data (%d rows x %d floats, %d files) in %.1f s%n",
        model, rows, width, files, (System.nanoTime() - start) / 1e9);
    return 0;
  }

  /** Image {@code id}'s floats: a fixed function of the id, so every mode sees the same rows. */
  static void fillImage(long id, FloatSink sink, int width) {
    SplittableRandom random = new SplittableRandom(0x5eed_0000L + id);
    for (int i = 0; i < width; i++) {
      sink.put(i, (float) (random.nextDouble() * 2 - 1));
    }
  }

  interface FloatSink {
    void put(int i, float value);
  }

  private static void writeImages(Path f32, long rows, int width) throws IOException {
    ByteBuffer row = ByteBuffer.allocateDirect(width * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    try (FileChannel out =
        FileChannel.open(f32, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      for (long id = 0; id < rows; id++) {
        row.clear();
        fillImage(id, (i, v) -> row.putFloat(i * Float.BYTES, v), width);
        while (row.hasRemaining()) {
          out.write(row);
        }
      }
    }
  }

  /**
   * Writes the table's features, row after row in the order Spark reads them (not the ids'), as
   * little-endian float32, and each row's id, in the same order, as little-endian int64.
   */
  private static void exportFloats(Dataset<Row> table, Path f32, Path ids, int width) throws IOException {
    ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer idChunk = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
    try (FileChannel out =
            FileChannel.open(f32, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        FileChannel idOut =
            FileChannel.open(ids, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      Iterator<Row> rows = table.select("features", "id").toLocalIterator();
      while (rows.hasNext()) {
        Row row = rows.next();
        if (!idChunk.hasRemaining()) {
          drain(idChunk, idOut);
        }
        idChunk.putLong(row.getLong(1));
        List<Object> features = row.getList(0);
        if (features.size() != width) {
          throw new IllegalStateException("a row has " + features.size() + " features; expected " + width);
        }
        if (chunk.remaining() < width * Float.BYTES) {
          drain(chunk, out);
        }
        for (Object value : features) {
          chunk.putFloat(((Number) value).floatValue());
        }
      }
      drain(chunk, out);
      drain(idChunk, idOut);
    }
  }

  private static void drain(ByteBuffer chunk, FileChannel out) throws IOException {
    chunk.flip();
    while (chunk.hasRemaining()) {
      out.write(chunk);
    }
    chunk.clear();
  }

  /** Reads each id's image from the float32 file, so the Parquet table holds the same rows. */
  private static final class ImageRows implements MapPartitionsFunction<Long, Row> {
    private static final long serialVersionUID = 1L;
    private final String f32;
    private final int width;

    ImageRows(String f32, int width) {
      this.f32 = f32;
      this.width = width;
    }

    @Override
    public Iterator<Row> call(Iterator<Long> ids) throws IOException {
      FileChannel in = FileChannel.open(Path.of(f32), StandardOpenOption.READ);
      ByteBuffer bytes = ByteBuffer.allocate(width * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          boolean more = ids.hasNext();
          if (!more) {
            try {
              in.close();
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          }
          return more;
        }

        @Override
        public Row next() {
          long id = ids.next();
          bytes.clear();
          try {
            long position = id * width * Float.BYTES;
            while (bytes.hasRemaining()) {
              if (in.read(bytes, position + bytes.position()) < 0) {
                throw new IllegalStateException("image " + id + " is past the end of " + f32);
              }
            }
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          float[] values = new float[width];
          bytes.flip();
          bytes.asFloatBuffer().get(values);
          return RowFactory.create(id, values);
        }
      };
    }
  }
}
