package dev.hubel.ui;

import dev.hubel.data.DataException;
import dev.hubel.data.ImageFolder;
import dev.hubel.tensor.Shape;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * An image sent to "try the model": bounded in bytes before it is read and in pixels before it
 * is decoded (a small PNG can claim to be 100000 x 100000), then decoded and resized as
 * {@link ImageFolder#readImage} does for files, so that an upload is seen as training images are.
 */
final class Uploads {
  static final int MAX_BYTES = 4 << 20;
  static final int MAX_SIDE = 8192;
  static final long DRAIN_BYTES = 64L << 20;

  private Uploads() {}

  /**
   * Reads at most {@link #MAX_BYTES} from the body and refuses a longer one, keeping none of it.
   * The rest is read and dropped up to {@link #DRAIN_BYTES}, so that the client, still sending,
   * gets the refusal rather than a reset connection.
   */
  static byte[] read(InputStream body, long declaredLength) throws IOException {
    if (declaredLength > MAX_BYTES) {
      drain(body);
      throw tooLarge(declaredLength + " bytes");
    }
    byte[] bytes = body.readNBytes(MAX_BYTES + 1);
    if (bytes.length > MAX_BYTES) {
      drain(body);
      throw tooLarge("more than " + MAX_BYTES + " bytes");
    }
    if (bytes.length == 0) throw new Refusal(400, "the upload is empty; send a PNG or JPEG image");
    return bytes;
  }

  /** Reads and drops what is left of a refused body, up to {@link #DRAIN_BYTES}; past that the connection is cut. */
  static void drain(InputStream body) throws IOException {
    long left = DRAIN_BYTES;
    byte[] sink = new byte[64 << 10];
    for (int n; left > 0 && (n = body.read(sink, 0, (int) Math.min(sink.length, left))) > 0; ) left -= n;
  }

  private static Refusal tooLarge(String size) {
    return new Refusal(413, "the upload is " + size + "; images up to " + (MAX_BYTES >> 20) + " MiB are taken");
  }

  /** The image as the model takes it: C x H x W floats in [0, 1]. */
  static float[] image(byte[] bytes, Shape input) {
    if (!input.isVolume() || (input.c() != 1 && input.c() != 3)) {
      throw new Refusal(409, "this model takes [" + input + "] inputs, not images: there is nothing to draw or drop for it");
    }
    checkDimensions(bytes);
    Path tmp = null;
    try {
      tmp = Files.createTempFile("hubel-upload", ".img");
      Files.write(tmp, bytes);
      return ImageFolder.readImage(tmp, input.c(), input.h(), input.w());
    } catch (DataException e) {
      throw new Refusal(415, "the upload could not be decoded as an image; send a PNG or JPEG file");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the upload in a temporary file: " + e.getMessage(), e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // a temporary file left behind is not worth failing the prediction for
        }
      }
    }
  }

  private static void checkDimensions(byte[] bytes) {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
      if (readers == null || !readers.hasNext()) {
        throw new Refusal(415, "the upload is not an image (it starts with bytes "
            + HexFormat.ofDelimiter(" ").formatHex(bytes, 0, Math.min(8, bytes.length)) + "); send a PNG or JPEG file");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in);
        int w = reader.getWidth(0), h = reader.getHeight(0);
        if (w > MAX_SIDE || h > MAX_SIDE) {
          throw new Refusal(413, "the image is " + w + "x" + h + " pixels; images up to " + MAX_SIDE + "x" + MAX_SIDE + " are taken");
        }
      } finally {
        reader.dispose();
      }
    } catch (IOException e) {
      throw new Refusal(415, "the upload could not be decoded as an image (" + e.getMessage() + "); send a PNG or JPEG file");
    }
  }
}
