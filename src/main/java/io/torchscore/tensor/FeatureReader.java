package io.torchscore.tensor;

import java.io.Serializable;

/**
 * Reads one model input's values from a row (no per-value objects): an array, a vector, numeric
 * columns or an image.
 */
interface FeatureReader extends Serializable {

  /**
   * Writes the row's values for this input to the sink.
   *
   * @return null when the row's values were all written, else what was wrong
   */
  RowError read(RowValues row, ValueSink sink);
}
