package io.torchscore.tensor;

import io.torchscore.TorchScoreException;
import io.torchscore.config.ConfKeys;
import io.torchscore.config.ScoreSettings;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToIntFunction;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The model's inputs, resolved once on the driver against the input schema: which columns make
 * each input, how they are read, and each tensor's type and shape.
 */
public final class InputLayout implements Serializable {

  private static final long serialVersionUID = 1L;

  private final List<InputSpec> inputs;
  // The column holding the records of the source's malformed rows, or -1 (withCorruptRecords).
  private final int corruptIndex;
  private final String corruptColumn;

  private InputLayout(List<InputSpec> inputs, int corruptIndex, String corruptColumn) {
    this.inputs = List.copyOf(inputs);
    this.corruptIndex = corruptIndex;
    this.corruptColumn = corruptColumn;
  }

  /**
   * Resolves the settings' inputs against a schema.
   *
   * @param settings the scoring settings
   * @param schema the input schema
   * @param lengthProbe returns the length of the first non-null array or vector in a column; only
   *     called for an array or vector input whose shape was not declared
   * @return the layout
   * @throws TorchScoreException naming the column when it is missing or cannot be a feature
   */
  public static InputLayout resolve(
      ScoreSettings settings, StructType schema, ToIntFunction<String> lengthProbe) {
    List<InputSpec> inputs = new ArrayList<>();
    for (int i = 0; i < settings.inputs().size(); i++) {
      List<String> columns = settings.inputs().get(i);
      long[] declared =
          settings.get(ConfKeys.INPUT_SHAPE).isEmpty()
              ? null
              : settings.get(ConfKeys.INPUT_SHAPE).get(i).stream().mapToLong(Long::longValue).toArray();
      inputs.add(resolveInput(settings, schema, columns, declared, lengthProbe));
    }
    return new InputLayout(inputs, -1, null);
  }

  /**
   * Returns this layout checking Spark's corrupt-record column, when the schema has it as a
   * string column that is no feature: a row whose record is there (the source's {@code
   * PERMISSIVE} mode could not parse it, e.g. a CSV line with an extra field) is a bad row
   * ({@code malformed_row}) instead of being scored on shifted or missing values.
   *
   * @param schema the input schema
   * @param column the corrupt-record column's name ({@code spark.sql.columnNameOfCorruptRecord})
   * @return the layout, with the check when the column is there
   */
  public InputLayout withCorruptRecords(StructType schema, String column) {
    boolean present =
        Arrays.asList(schema.fieldNames()).contains(column)
            && schema.apply(column).dataType() instanceof StringType
            && inputs.stream().noneMatch(input -> input.columns().contains(column));
    return present ? new InputLayout(inputs, schema.fieldIndex(column), column) : this;
  }

  /** Returns what is wrong with a row the source could not parse, or null. */
  RowError malformed(RowValues row) {
    if (corruptIndex < 0 || row.isNullAt(corruptIndex)) {
      return null;
    }
    String record = row.getString(corruptIndex).strip();
    String shown = record.length() > 200 ? record.substring(0, 200) + "..." : record;
    return new RowError(
        ErrorReason.MALFORMED_ROW,
        corruptColumn,
        "holds '" + shown + "', a record the source could not split into the schema's columns"
            + " (a CSV line with more or fewer fields than the header: quote fields that hold the"
            + " delimiter)");
  }

  private static InputSpec resolveInput(
      ScoreSettings settings,
      StructType schema,
      List<String> columns,
      long[] declared,
      ToIntFunction<String> lengthProbe) {
    List<String> names = Arrays.asList(schema.fieldNames());
    for (String column : columns) {
      TorchScoreException.check(
          names.contains(column),
          "Cannot score: feature column '%s' (%s) is not in the input; columns are %s",
          column,
          ConfKeys.FEATURES,
          names);
    }
    StructField first = schema.apply(columns.get(0));
    int index = schema.fieldIndex(first.name());
    DataType type = first.dataType();
    if (columns.size() == 1 && type instanceof ArrayType array) {
      TorchScoreException.check(
          array.elementType() instanceof NumericType,
          "Cannot score: feature column '%s' is %s; expected an array of numbers",
          first.name(),
          type.simpleString());
      long[] shape = shape(declared, first.name(), lengthProbe);
      return new InputSpec(
          columns,
          new ArrayReader(index, first.name(), width(shape), new NumberGetter(array.elementType())),
          int64(settings, isIntegral(array.elementType())),
          shape);
    }
    if (columns.size() == 1 && MlVectors.isVector(type)) {
      long[] shape = shape(declared, first.name(), lengthProbe);
      return new InputSpec(
          columns, new VectorReader(index, first.name(), width(shape)), int64(settings, false), shape);
    }
    if (columns.size() == 1 && type instanceof BinaryType) {
      int crop = settings.image().crop();
      return new InputSpec(
          columns, new ImageReader(index, first.name(), settings.image()), false, new long[] {3, crop, crop});
    }
    int[] indexes = new int[columns.size()];
    NumberGetter[] getters = new NumberGetter[columns.size()];
    boolean integral = true;
    for (int i = 0; i < columns.size(); i++) {
      StructField field = schema.apply(columns.get(i));
      TorchScoreException.check(
          field.dataType() instanceof NumericType || field.dataType() instanceof StringType,
          "Cannot score: feature column '%s' is %s; expected a numeric column, or a single"
              + " array, vector or binary (image) column",
          field.name(),
          field.dataType().simpleString());
      indexes[i] = schema.fieldIndex(field.name());
      getters[i] = field.dataType() instanceof StringType ? null : new NumberGetter(field.dataType());
      integral &= isIntegral(field.dataType());
    }
    long[] shape = declared == null ? new long[] {columns.size()} : declared;
    TorchScoreException.check(
        width(shape) == columns.size(),
        "Invalid %s=%s for columns %s: %s values per row, not %s",
        ConfKeys.INPUT_SHAPE,
        Arrays.toString(shape),
        columns,
        columns.size(),
        width(shape));
    return new InputSpec(columns, new ColumnsReader(indexes, columns, getters), int64(settings, integral), shape);
  }

  private static long[] shape(long[] declared, String column, ToIntFunction<String> lengthProbe) {
    return declared != null ? declared : new long[] {lengthProbe.applyAsInt(column)};
  }

  private static int width(long[] shape) {
    return Math.toIntExact(Arrays.stream(shape).reduce(1, Math::multiplyExact));
  }

  private static boolean int64(ScoreSettings settings, boolean integral) {
    return switch (settings.get(ConfKeys.INPUT_DTYPE)) {
      case "int64" -> true;
      case "float32" -> false;
      default -> integral;
    };
  }

  private static boolean isIntegral(DataType type) {
    return type instanceof ByteType
        || type instanceof ShortType
        || type instanceof IntegerType
        || type instanceof LongType;
  }

  /**
   * Returns the rows per batch: the requested batch size, lowered so that one batch's input
   * tensors take at most {@code maxBytes} (at least one row).
   *
   * @param batchSize the requested rows per batch
   * @param maxBytes the most bytes a batch's tensors may take
   * @return the rows per batch
   */
  public int batchRows(int batchSize, long maxBytes) {
    long rowBytes = 0;
    for (InputSpec input : inputs) {
      rowBytes += (long) input.width() * (input.int64() ? Long.BYTES : Float.BYTES);
    }
    return (int) Math.max(1, Math.min(batchSize, maxBytes / Math.max(1, rowBytes)));
  }

  /**
   * Returns the inputs in the order of the model's forward arguments.
   *
   * @return the inputs
   */
  public List<InputSpec> inputs() {
    return inputs;
  }

  @Override
  public String toString() {
    return inputs.stream().map(InputSpec::describe).toList().toString();
  }
}
