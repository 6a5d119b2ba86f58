package io.torchscore.tensor;

import io.torchscore.config.ScoreSettings.Postprocess;
import java.util.Arrays;
import java.util.List;

/**
 * One batch's predictions: each model output's values for the batch's rows, kept in primitive
 * arrays reused from batch to batch, and written row by row into the prediction columns of the
 * row emitted ({@link OutputLayout#fields()} types them), made by the engine's
 * {@link OutputValues}. A scalar float or long goes into the row as a primitive: nothing is boxed
 * or allocated per row for it.
 */
public final class BatchPredictions {

  private final List<OutputSpec> outputs;
  private final Postprocess postprocess;
  private final int topK;
  private final OutputValues values;
  private final Object[] labels;
  private final boolean struct;
  private final float[][] floats;
  private final long[][] longs;

  BatchPredictions(
      List<OutputSpec> outputs,
      Postprocess postprocess,
      int topK,
      List<String> labels,
      boolean struct,
      int rows,
      OutputValues values) {
    this.outputs = outputs;
    this.postprocess = postprocess;
    this.topK = topK;
    this.values = values;
    this.labels = labels == null ? null : labels.stream().map(values::string).toArray();
    this.struct = struct;
    this.floats = new float[outputs.size()][];
    this.longs = new long[outputs.size()][];
    for (int i = 0; i < outputs.size(); i++) {
      OutputSpec spec = outputs.get(i);
      if (spec.int64()) {
        longs[i] = new long[Math.multiplyExact(rows, spec.width())];
      } else {
        floats[i] = new float[Math.multiplyExact(rows, spec.width())];
      }
    }
  }

  /** Stores output {@code i}'s values for rows {@code [from, from + rows)}, row-major. */
  void store(int i, int from, float[] values) {
    System.arraycopy(values, 0, floats[i], from * outputs.get(i).width(), values.length);
  }

  /** Stores output {@code i}'s values for rows {@code [from, from + rows)}, row-major. */
  void store(int i, int from, long[] values) {
    System.arraycopy(values, 0, longs[i], from * outputs.get(i).width(), values.length);
  }

  /**
   * Writes a row's predictions into the first prediction columns of {@code target}.
   *
   * @param row the row's place in the batch (as stored)
   * @param target the row whose columns {@code 0 .. columnCount-1} are the prediction columns
   */
  public void write(int row, OutputRow target) {
    switch (postprocess) {
      case SOFTMAX:
        int width = outputs.get(0).width();
        target.set(0, values.floats(softmax(floats[0], row, width), 0, width));
        return;
      case ARGMAX:
        int best = argmax(floats[0], row, outputs.get(0).width());
        target.setInt(0, best);
        if (labels != null) {
          target.set(1, labels[best]);
        }
        return;
      case TOPK:
      case SOFTMAX_TOPK:
        target.set(0, topK(floats[0], row, outputs.get(0).width()));
        return;
      default:
        if (struct) {
          Object[] fields = new Object[outputs.size()];
          for (int i = 0; i < fields.length; i++) {
            fields[i] = value(i, row);
          }
          target.set(0, values.struct(fields));
          return;
        }
        for (int i = 0; i < outputs.size(); i++) {
          OutputSpec spec = outputs.get(i);
          if (!spec.scalar()) {
            target.set(i, value(i, row));
          } else if (spec.int64()) {
            target.setLong(i, longs[i][row]);
          } else {
            target.setFloat(i, floats[i][row]);
          }
        }
    }
  }

  /** Output {@code i}'s value for a row, in the engine's format. */
  private Object value(int i, int row) {
    OutputSpec spec = outputs.get(i);
    int width = spec.width();
    if (spec.int64()) {
      return spec.scalar()
          ? (Object) longs[i][row]
          : values.longs(longs[i], row * width, width);
    }
    return spec.scalar()
        ? (Object) floats[i][row]
        : values.floats(floats[i], row * width, width);
  }

  private static float[] softmax(float[] flat, int row, int width) {
    int from = row * width;
    float max = Float.NEGATIVE_INFINITY;
    for (int i = from; i < from + width; i++) {
      max = Math.max(max, flat[i]);
    }
    double sum = 0;
    double[] exp = new double[width];
    for (int i = 0; i < width; i++) {
      exp[i] = Math.exp(flat[from + i] - max);
      sum += exp[i];
    }
    float[] probabilities = new float[width];
    for (int i = 0; i < width; i++) {
      probabilities[i] = (float) (exp[i] / sum);
    }
    return probabilities;
  }

  /**
   * A row's index of its highest score as torch.argmax gives it: NaN above every number, the first
   * NaN winning, and of equal scores (0.0 and -0.0 too) the lowest index.
   */
  private static int argmax(float[] flat, int row, int width) {
    int from = row * width;
    int best = 0;
    for (int i = 0; i < width; i++) {
      float score = flat[from + i];
      if (Float.isNaN(score)) {
        return i;
      }
      if (score > flat[from + best]) {
        best = i;
      }
    }
    return best;
  }

  /** A row's k highest scores, or probabilities for softmax+topk, with their indexes and labels. */
  private Object topK(float[] flat, int row, int width) {
    int from = row * width;
    Integer[] order = new Integer[width];
    for (int i = 0; i < width; i++) {
      order[i] = i;
    }
    // Highest score first, NaN above every number (as Float.compare and torch.topk rank it). Equal
    // scores keep the lower index first, 0.0 and -0.0 by the tie-break and NaNs by the sort's
    // stability, as torch.sort(descending=True, stable=True) orders them: torch.topk leaves their
    // order to its selection algorithm (five equal scores come back as 2, 4, 3, 0, 1).
    Arrays.sort(
        order,
        (a, b) ->
            flat[from + a] != flat[from + b]
                ? Float.compare(flat[from + b], flat[from + a])
                : Integer.compare(a, b));
    // Ranked by the scores, which softmax keeps in order: probabilities that round or underflow to
    // the same float, or are all NaN, tie where the scores do not.
    float[] probabilities = postprocess == Postprocess.SOFTMAX_TOPK ? softmax(flat, row, width) : null;
    Object[] top = new Object[Math.min(topK, width)];
    for (int i = 0; i < top.length; i++) {
      int index = order[i];
      float score = probabilities == null ? flat[from + index] : probabilities[index];
      top[i] = values.struct(new Object[] {index, labels == null ? null : labels[index], score});
    }
    return values.array(top);
  }
}
