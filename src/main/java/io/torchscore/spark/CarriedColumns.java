package io.torchscore.spark;

import io.torchscore.TorchScoreException;
import io.torchscore.config.ConfKeys;
import io.torchscore.config.ScoreSettings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Which input columns go through scoring and which come out of it ({@code
 * spark.torchscore.output.columns}). By default every input column is carried and written. With
 * kept columns, the input is first narrowed to the kept columns and those scoring reads (features,
 * key column), so the others are never read; a batch holds only the kept columns and the key
 * until its rows are emitted, so the features are read into the tensor and not copied again;
 * after scoring, only the kept columns (in the order given) stand beside the predictions, so the
 * features are not written.
 */
final class CarriedColumns {

  private final StructType carried;
  private final StructType written;
  private final StructType held;
  private final boolean writesAll;

  private CarriedColumns(StructType carried, StructType written, StructType held, boolean writesAll) {
    this.carried = carried;
    this.written = written;
    this.held = held;
    this.writesAll = writesAll;
  }

  /**
   * Resolves the settings' kept columns against the input's schema, on the driver.
   *
   * @throws TorchScoreException naming the setting and the column when a kept column is not in the input
   */
  static CarriedColumns resolve(ScoreSettings settings, StructType schema) {
    List<String> kept = settings.get(ConfKeys.OUTPUT_COLUMNS);
    if (kept.isEmpty()) {
      return new CarriedColumns(schema, schema, schema, true);
    }
    List<String> names = Arrays.asList(schema.fieldNames());
    for (String column : kept) {
      TorchScoreException.check(
          names.contains(column),
          "Cannot score: output column '%s' (%s) is not in the input; columns are %s",
          column,
          ConfKeys.OUTPUT_COLUMNS,
          names);
    }
    Set<String> needed = new LinkedHashSet<>(kept);
    settings.inputs().forEach(needed::addAll);
    if (settings.get(ConfKeys.KEY_COLUMN) != null) {
      needed.add(settings.get(ConfKeys.KEY_COLUMN));
    }
    List<StructField> carriedFields = new ArrayList<>();
    for (StructField field : schema.fields()) {
      if (needed.contains(field.name())) {
        carriedFields.add(field);
      }
    }
    StructType carried = new StructType(carriedFields.toArray(new StructField[0]));
    StructField[] written = new StructField[kept.size()];
    for (int i = 0; i < kept.size(); i++) {
      written[i] = carried.fields()[carried.fieldIndex(kept.get(i))];
    }
    StructType held = new StructType(written);
    String key = settings.get(ConfKeys.KEY_COLUMN);
    if (key != null && !kept.contains(key)) {
      held = held.add(carried.fields()[carried.fieldIndex(key)]);
    }
    // When the kept columns and the key are all that scoring reads, a batch holds rows whole.
    return new CarriedColumns(carried, new StructType(written), held.size() < carried.size() ? held : carried, false);
  }

  /** Returns the input narrowed to the carried columns; the input itself when all are carried. */
  Dataset<Row> narrow(Dataset<Row> input) {
    if (writesAll) {
      return input;
    }
    Column[] columns = Arrays.stream(carried.fieldNames()).map(functions::col).toArray(Column[]::new);
    return input.select(columns);
  }

  /** Returns the schema of the rows scoring reads. */
  StructType carried() {
    return carried;
  }

  /** Returns the input columns written beside the predictions. */
  StructType written() {
    return written;
  }

  /**
   * Returns the columns a batch holds until its rows are emitted: the written ones and the key
   * column (named in messages) when they are fewer than the carried ones, else the carried ones.
   */
  StructType held() {
    return held;
  }

  /** Returns whether a batch holds fewer columns than scoring reads (the features are not written). */
  boolean holdsFewer() {
    return held != carried;
  }

  /** Returns whether scoring's rows pass through as they are, every input column included. */
  boolean writesAll() {
    return writesAll;
  }
}
