package io.torchscore.config;

import io.torchscore.TorchScoreException;
import java.io.Serializable;

/**
 * How an encoded image becomes a model input, as torchvision's {@code Resize(resize) →
 * CenterCrop(crop) → ToTensor() → Normalize(mean, std)}.
 *
 * @param resize the length the shorter side is resized to
 * @param crop the side of the centered square crop
 * @param mean per-channel (RGB) mean subtracted
 * @param std per-channel (RGB) standard deviation divided by
 */
public record ImageSettings(int resize, int crop, float[] mean, float[] std) implements Serializable {

  /**
   * Checks the values as the conf does: both sides positive, the crop inside the resized image.
   *
   * @throws TorchScoreException naming the setting that is invalid
   */
  public ImageSettings {
    ConfKeys.IMAGE_RESIZE.check(resize);
    ConfKeys.IMAGE_CROP.check(crop);
    TorchScoreException.check(
        crop <= resize,
        "Invalid %s=%s: the crop must fit in the resized image (%s=%s)",
        ConfKeys.IMAGE_CROP,
        crop,
        ConfKeys.IMAGE_RESIZE,
        resize);
    mean = mean.clone();
    std = std.clone();
  }

  /**
   * Returns ImageNet's preprocessing: resize 256, crop 224, ImageNet mean and std.
   *
   * @return the defaults
   */
  public static ImageSettings defaults() {
    return new ImageSettings(
        ConfKeys.IMAGE_RESIZE.defaultValue(),
        ConfKeys.IMAGE_CROP.defaultValue(),
        ConfKeys.IMAGE_MEAN.defaultValue(),
        ConfKeys.IMAGE_STD.defaultValue());
  }
}
