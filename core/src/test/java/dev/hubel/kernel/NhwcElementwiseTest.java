package dev.hubel.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.within;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The channels-last loops besides convolution ({@link ChannelsLast}) against plain loops written
 * out here and the NCHW kernels that frozen plans ran before (max pooling, local response, the
 * global average): over channel counts around a vector's width (1, 3, 7 below it, 16 at it, 33
 * and 257 past it), odd sizes and borders. Each pass first writes a middle part of its rows, as
 * one worker would: nothing else may change, the output's border above all (its zeros are
 * another convolution's padding); then the rest, which must complete the output. Outputs start
 * full of a sentinel to tell what was written. The average and local response are held to the
 * NCHW kernels' bits as well, so that a plan gives the same numbers in either layout.
 */
class NhwcElementwiseTest {

  private static final float SENTINEL = 12345f;
  /** Ties, both zeros, infinities and NaNs: where Math.max's rules show. */
  private static final float[] PALETTE = {0f, -0f, 1f, -1f, 2f, Float.NaN, Float.NEGATIVE_INFINITY,
      Float.POSITIVE_INFINITY};

  @Test
  void theFacadeRunsTheseKernels() {
    // not ChannelsLast.available(): that also asks for 512-bit vectors, and these kernels run on AVX2 too
    assertThat(Kernels.vectorized()).as("the suite runs with the Vector API").isTrue();
    assertThat(Kernels.NHWC).isInstanceOf(VectorNhwcElementwise.class);
  }

  @ParameterizedTest(name = "{0} images of {1}x{2}x{3}, border {4}")
  @CsvSource({"1, 1, 1, 1, 0", "2, 3, 7, 13, 1", "1, 7, 13, 3, 3", "2, 16, 3, 7, 0", "2, 33, 7, 7, 1",
      "1, 257, 3, 3, 3", "2, 257, 13, 1, 1",
      "2, 33, 3, 35, 1"})  // rows of 35 pixels by 33 channels: whole 16 x 16 squares in registers, and edges
  void fromNchwPlacesEachChannelOfEachPixel(int n, int c, int h, int w, int border) {
    Nhwc out = new Nhwc(c, h, w, border);
    SplittableRandom rng = new SplittableRandom(c * 1000L + h * 10L + w);
    float[] x = new float[n * c * h * w];
    for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian();
    float[] full = plainNhwc(out, x, n, sentinels(out.floats(n)));
    float[] y = sentinels(out.floats(n));
    inTwoParts(n * h, y, full, (r0, r1) -> onlyRows(full, sentinels(full.length), out, r0, r1), out,
        (r0, r1) -> ChannelsLast.fromNchw(x, out, y, r0, r1));
  }

  @ParameterizedTest(name = "{0} images of {1}x{2}x{3}, border {4}")
  @CsvSource({"1, 1, 1, 1, 0", "2, 3, 7, 13, 1", "1, 7, 13, 3, 3", "2, 16, 3, 7, 0", "2, 33, 7, 7, 1",
      "1, 257, 3, 3, 3", "2, 257, 13, 1, 1",
      "2, 33, 3, 35, 1"})  // rows of 35 pixels by 33 channels: whole 16 x 16 squares in registers, and edges
  void toNchwReadsOnlyTheInteriorAndWritesEachPlane(int n, int c, int h, int w, int border) {
    Nhwc in = new Nhwc(c, h, w, border);
    float[] x = random(in, n, new SplittableRandom(c * 1000L + h * 10L + w + 1), null, 0f);
    Arrays.fill(x, 0, in.offset(0, 0, 0), Float.NaN);  // a border that shows if it is read (the contract keeps it zero)
    float[] full = plainNchw(in, x, n);
    float[] y = sentinels(full.length);
    inTwoParts(n * h, y, full, (r0, r1) -> {
      float[] part = sentinels(full.length);
      for (int r = r0; r < r1; r++) {
        int b = r / h, iy = r % h;
        for (int ch = 0; ch < c; ch++) {
          int at = ((b * c + ch) * h + iy) * w;
          System.arraycopy(full, at, part, at, w);
        }
      }
      return part;
    }, null, (r0, r1) -> ChannelsLast.toNchw(in, x, y, r0, r1));
  }

  /** Against {@link Pooling#maxForward} in inference on the same images in NCHW: padding never wins, a NaN does. */
  @ParameterizedTest(name = "{0} images of {1}x{2}x{3}, {4}x{4} stride {5} pad {6}, borders {7} and {8}")
  @CsvSource({
      "1, 1, 7, 7, 3, 2, 0, 0, 0",
      "2, 3, 13, 13, 3, 2, 1, 1, 0",
      "2, 16, 7, 13, 2, 2, 0, 0, 1",
      "1, 33, 13, 7, 3, 1, 1, 3, 1",
      "2, 7, 3, 3, 3, 2, 1, 0, 3",
      "1, 257, 7, 7, 3, 2, 0, 1, 1",
      "2, 33, 1, 1, 3, 1, 1, 1, 0",   // a 1x1 image: every window is mostly padding
      "1, 16, 3, 7, 2, 2, 0, 3, 0",   // an odd height: the last row is no window's
      "2, 257, 13, 3, 3, 1, 1, 0, 1",
      "1, 3, 1, 13, 3, 2, 1, 1, 1",
      "2, 96, 13, 13, 3, 2, 0, 0, 1", // AlexNet's third pool
  })
  void maxPoolIsPoolingsInferenceOverTheImage(int n, int c, int h, int w, int f, int stride, int pad, int inBorder,
                                              int outBorder) {
    int ho = (h + 2 * pad - f) / stride + 1, wo = (w + 2 * pad - f) / stride + 1;
    Nhwc in = new Nhwc(c, h, w, inBorder), out = new Nhwc(c, ho, wo, outBorder);
    SplittableRandom rng = new SplittableRandom(c * 1000L + h * 10L + w + f);
    // the palette's ties and NaNs; noise; and noise all below zero, where a border read would win
    float[][] palettes = {PALETTE, null, null};
    float[] shifts = {0f, 0f, -100f};
    for (int trial = 0; trial < palettes.length; trial++) {
      float[] x = random(in, n, rng, palettes[trial], shifts[trial]);
      float[] pooled = new float[n * c * ho * wo];
      Pooling.maxForward(plainNchw(in, x, n), 0, n * c, h, w, f, f, stride, pad, ho, wo, pooled, 0, null);
      float[] full = plainNhwc(out, pooled, n, sentinels(out.floats(n)));
      float[] y = sentinels(out.floats(n));
      inTwoParts(n * ho, y, full, (r0, r1) -> onlyRows(full, sentinels(full.length), out, r0, r1), out,
          (r0, r1) -> ChannelsLast.maxPool(in, x, out, y, f, f, stride, pad, r0, r1));
    }
  }

  /**
   * Against the formula in double (to float rounding) and against {@link LocalResponseNorm#forwardPlain}
   * on the same images in NCHW (the same bits): windows past both ends of the channels, even ones.
   */
  @ParameterizedTest(name = "{0} images of {1}x{2}x{3}, borders {4} and {5}, size {6}, alpha {7}, beta {8}, k {9}")
  @CsvSource({
      "1, 1, 1, 1, 0, 0, 5, 0.1, 0.75, 1",
      "2, 3, 3, 7, 1, 0, 5, 0.1, 0.75, 1",
      "1, 7, 7, 3, 0, 3, 4, 0.1, 0.75, 1",    // an even window: one more channel before than after
      "2, 16, 3, 3, 1, 1, 5, 0.1, 0.75, 1",
      "1, 33, 7, 13, 3, 1, 5, 0.1, 0.75, 1",
      "2, 96, 3, 3, 0, 1, 5, 1e-4, 0.75, 2",  // AlexNet's NORM1
      "1, 257, 3, 7, 1, 0, 5, 0.1, 0.75, 1",
      "2, 33, 7, 3, 1, 1, 3, 0.1, 0.5, 1",    // another power
      "1, 16, 3, 1, 0, 0, 1, 0.1, 1.25, 0.5", // a window of one
      "2, 3, 7, 1, 1, 1, 7, 0.1, 0.75, 1",    // a window wider than the channels
  })
  void localResponseIsTheFormula(int n, int c, int h, int w, int inBorder, int outBorder, int size, float alpha,
                                 float beta, float k) {
    Nhwc in = new Nhwc(c, h, w, inBorder), out = new Nhwc(c, h, w, outBorder);
    float[] x = random(in, n, new SplittableRandom(c * 1000L + h * 10L + w + size), null, 0f);
    float[] nchw = plainNchw(in, x, n), yNchw = new float[nchw.length], s = new float[nchw.length];
    for (int b = 0; b < n; b++) {
      LocalResponseNorm.forwardPlain(nchw, yNchw, s, b * c * h * w, c, h * w, 0, h * w, size, alpha, beta, k);
    }
    float[] full = plainNhwc(out, yNchw, n, sentinels(out.floats(n)));
    float[] y = sentinels(out.floats(n));
    inTwoParts(n * h, y, full, (r0, r1) -> onlyRows(full, sentinels(full.length), out, r0, r1), out,
        (r0, r1) -> ChannelsLast.localResponse(in, x, out, y, size, alpha, beta, k, r0, r1));
    int before = size / 2, after = (size - 1) / 2;
    for (int b = 0; b < n; b++) {
      for (int iy = 0; iy < h; iy++) {
        for (int ix = 0; ix < w; ix++) {
          int p = in.offset(b, iy, ix), q = out.offset(b, iy, ix);
          for (int ch = 0; ch < c; ch++) {
            double sum = 0;
            for (int cc = Math.max(0, ch - before); cc <= Math.min(c - 1, ch + after); cc++) {
              sum += (double) x[p + cc] * x[p + cc];
            }
            double expected = x[p + ch] / Math.pow(sum / size * alpha + k, beta);
            assertThat((double) y[q + ch]).as("image %d, pixel (%d, %d), channel %d", b, iy, ix, ch)
                .isCloseTo(expected, within(1e-5 * Math.abs(expected) + 1e-30));
          }
        }
      }
    }
  }

  /** Against {@link Pooling#avgForward} over each whole plane (the NCHW plan's global average): the same bits. */
  @ParameterizedTest(name = "{0} images of {1}x{2}x{3}, border {4}")
  @CsvSource({"1, 1, 1, 1, 0", "3, 3, 7, 13, 1", "2, 7, 13, 7, 3", "3, 16, 3, 3, 0", "2, 33, 7, 7, 1",
      "3, 257, 3, 13, 1", "1, 33, 1, 1, 3", "3, 2048, 7, 7, 0"})
  void globalAverageIsEachPlanesMean(int n, int c, int h, int w, int border) {
    Nhwc in = new Nhwc(c, h, w, border);
    float[] x = random(in, n, new SplittableRandom(c * 1000L + h * 10L + w + 2), null, 1f);
    float[] full = sentinels(n * c + 3);
    Pooling.avgForward(plainNchw(in, x, n), 0, n * c, h, w, h, w, 1, 0, 1, 1, full, 0);
    float[] y = sentinels(full.length);
    inTwoParts(n, y, full, (b0, b1) -> {
      float[] part = sentinels(full.length);
      System.arraycopy(full, b0 * c, part, b0 * c, (b1 - b0) * c);
      return part;
    }, null, (b0, b1) -> ChannelsLast.globalAverage(in, x, y, b0, b1));
    for (int b = 0; b < n; b++) {
      for (int ch = 0; ch < c; ch++) {
        double sum = 0;
        for (int iy = 0; iy < h; iy++) {
          for (int ix = 0; ix < w; ix++) sum += x[in.offset(b, iy, ix) + ch];
        }
        assertThat((double) y[b * c + ch]).as("image %d, channel %d", b, ch)
            .isCloseTo(sum / (h * w), within(1e-5 * Math.abs(sum / (h * w)) + 1e-6));
      }
    }
  }

  /** y = [max(0,] x [+ other] [)], Math.max's zeros and NaNs; in place too, as a residual block's sum is. */
  @ParameterizedTest(name = "{0} images of {1}x{2}x{3}, borders {4}, {5}, {6}, other {7}, relu {8}, in place {9}")
  @CsvSource({
      "1, 1, 1, 1, 0, 0, 0, true, true, false",
      "2, 3, 7, 13, 1, 0, 3, true, true, false",
      "1, 7, 13, 7, 0, 3, 1, true, false, false",
      "2, 16, 3, 3, 3, 1, 0, false, true, false",
      "2, 33, 7, 3, 1, 1, 1, false, false, false",
      "1, 257, 3, 7, 1, 0, 1, true, true, true",
      "2, 7, 3, 13, 0, 1, 0, false, true, true",
      "2, 1, 13, 13, 1, 3, 1, true, true, true",
      "2, 33, 1, 1, 3, 0, 1, true, false, true",
  })
  void addReluIsTheSumClampedAtZero(int n, int c, int h, int w, int inBorder, int otherBorder, int outBorder,
                                    boolean withOther, boolean relu, boolean inPlace) {
    Nhwc in = new Nhwc(c, h, w, inBorder), otherLayout = new Nhwc(c, h, w, otherBorder);
    Nhwc out = inPlace ? in : new Nhwc(c, h, w, outBorder);
    SplittableRandom rng = new SplittableRandom(c * 1000L + h * 10L + w + (relu ? 1 : 0));
    float[] x = random(in, n, rng, null, 0f);
    float[] other = withOther ? random(otherLayout, n, rng, null, 0f) : null;
    for (int b = 0; b < n; b++) {  // now and then a zero of either sign, an infinity or a NaN
      for (int r = 0; r < h; r++) {
        for (int i = in.offset(b, r, 0), end = i + w * c; i < end; i += 3) x[i] = PALETTE[rng.nextInt(PALETTE.length)];
      }
    }
    float[] y = inPlace ? x : sentinels(out.floats(n));
    float[] untouched = y.clone();
    float[] full = untouched.clone();
    for (int b = 0; b < n; b++) {
      for (int iy = 0; iy < h; iy++) {
        for (int ix = 0; ix < w; ix++) {
          for (int ch = 0; ch < c; ch++) {
            float v = x[in.offset(b, iy, ix) + ch];
            if (withOther) v += other[otherLayout.offset(b, iy, ix) + ch];
            full[out.offset(b, iy, ix) + ch] = relu ? Math.max(0f, v) : v;
          }
        }
      }
    }
    inTwoParts(n * h, y, full, (r0, r1) -> onlyRows(full, untouched, out, r0, r1), out,
        (r0, r1) -> ChannelsLast.addRelu(in, x, otherLayout, other, out, y, relu, r0, r1));
  }

  /** Warm (compiled by C2), a pass allocates nothing: no boxed vector, mask or scratch. */
  @Test
  void warmPassesAllocateNothing() {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    assertThat(threads.isThreadAllocatedMemorySupported()).isTrue();
    threads.setThreadAllocatedMemoryEnabled(true);
    int n = 2, c = 33, h = 7, w = 7;
    Nhwc in = new Nhwc(c, h, w, 1), pooled = new Nhwc(c, 3, 3, 0), out = new Nhwc(c, h, w, 0);
    SplittableRandom rng = new SplittableRandom(5);
    float[] x = random(in, n, rng, null, 0f), other = random(in, n, rng, null, 0f);
    float[] nchw = new float[n * c * h * w], y = new float[out.floats(n)], p = new float[pooled.floats(n)];
    float[] means = new float[n * c];
    // the first rounds warm up (JIT, class loading, this thread's scratch); in a full suite C2 may
    // still be compiling after one, so rounds go on until one allocates nothing, eight at most:
    // boxed vectors in compiled code would allocate in every round
    long[] bytes = new long[8];
    int round = 0;
    for (; round < bytes.length && (round < 2 || bytes[round - 1] >= 1024); round++) {
      long before = threads.getThreadAllocatedBytes(Thread.currentThread().threadId());
      for (int i = 0; i < 3000; i++) {
        ChannelsLast.toNchw(in, x, nchw, 0, n * h);
        ChannelsLast.fromNchw(nchw, out, y, 0, n * h);
        ChannelsLast.maxPool(in, x, pooled, p, 3, 3, 2, 0, 0, n * 3);
        ChannelsLast.localResponse(in, x, out, y, 5, 1e-4f, 0.75f, 2f, 0, n * h);
        ChannelsLast.localResponse(in, x, out, y, 5, 1e-4f, 0.5f, 2f, 0, n * h);
        ChannelsLast.globalAverage(in, x, means, 0, n);
        ChannelsLast.addRelu(in, x, in, other, out, y, true, 0, n * h);
        ChannelsLast.addRelu(in, x, null, null, out, y, true, 0, n * h);
      }
      bytes[round] = threads.getThreadAllocatedBytes(Thread.currentThread().threadId()) - before;
    }
    assertThat(bytes[round - 1]).as("bytes allocated by 3000 warm rounds of every pass (rounds before: %s)",
        java.util.Arrays.toString(bytes)).isLessThan(1024);
  }

  /** A range of rows (or images) of a pass, as a worker runs it. */
  private interface Pass {
    void run(int from, int to);
  }

  /** What the output should hold once the rows (or images) from..to-1 alone are written. */
  private interface Expected {
    float[] of(int from, int to);
  }

  /**
   * Runs a middle part of the rows and checks that only they were written, then the rest and
   * checks the whole; {@code layout} (null for packed outputs) names where a difference lies.
   */
  private static void inTwoParts(int rows, float[] y, float[] full, Expected expected, Nhwc layout, Pass pass) {
    int r0 = (rows + 1) / 3, r1 = rows - rows / 3;
    pass.run(r0, r1);
    assertSameBits(y, expected.of(r0, r1), layout, "after rows " + r0 + ".." + (r1 - 1) + " of " + rows);
    pass.run(0, r0);
    pass.run(r1, rows);
    assertSameBits(y, full, layout, "after all " + rows + " rows");
  }

  private static void assertSameBits(float[] actual, float[] expected, Nhwc layout, String when) {
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < actual.length; i++) {
      if (Float.floatToIntBits(actual[i]) != Float.floatToIntBits(expected[i])) {
        fail("%s: %s is %s, expected %s%s", when, where(layout, i), actual[i], expected[i],
            expected[i] == SENTINEL ? " (untouched)" : "");
      }
    }
  }

  /** Element i of an array laid out as {@code layout}, in words: image, pixel (negative in the border), channel. */
  private static String where(Nhwc layout, int i) {
    if (layout == null) return "element " + i;
    int b = i / layout.imageStride(), r = i % layout.imageStride();
    int iy = r / layout.rowStride() - layout.border(), ix = r % layout.rowStride() / layout.c() - layout.border();
    boolean border = iy < 0 || iy >= layout.h() || ix < 0 || ix >= layout.w();
    return "image " + b + ", pixel (" + iy + ", " + ix + ")" + (border ? " in the border" : "") + ", channel "
        + r % layout.c();
  }

  /** {@code base} with the interior of rows r0..r1-1 (over all images) taken from {@code full}. */
  private static float[] onlyRows(float[] full, float[] base, Nhwc layout, int r0, int r1) {
    float[] part = base.clone();
    for (int r = r0; r < r1; r++) {
      int at = layout.offset(r / layout.h(), r % layout.h(), 0);
      System.arraycopy(full, at, part, at, layout.w() * layout.c());
    }
    return part;
  }

  private static float[] sentinels(int length) {
    float[] a = new float[length];
    Arrays.fill(a, SENTINEL);
    return a;
  }

  /** n images laid out as {@code layout}: a zero border, the interior from the palette or noise (plus shift). */
  private static float[] random(Nhwc layout, int n, SplittableRandom rng, float[] palette, float shift) {
    float[] x = new float[layout.floats(n)];
    for (int b = 0; b < n; b++) {
      for (int iy = 0; iy < layout.h(); iy++) {
        for (int i = layout.offset(b, iy, 0), end = i + layout.w() * layout.c(); i < end; i++) {
          x[i] = palette != null ? palette[rng.nextInt(palette.length)] : (float) rng.nextGaussian() * 3 + shift;
        }
      }
    }
    return x;
  }

  /** The interior of n images laid out as {@code layout}, packed NCHW. */
  private static float[] plainNchw(Nhwc layout, float[] x, int n) {
    int c = layout.c(), h = layout.h(), w = layout.w();
    float[] y = new float[n * c * h * w];
    for (int b = 0; b < n; b++) {
      for (int ch = 0; ch < c; ch++) {
        for (int iy = 0; iy < h; iy++) {
          for (int ix = 0; ix < w; ix++) y[((b * c + ch) * h + iy) * w + ix] = x[layout.offset(b, iy, ix) + ch];
        }
      }
    }
    return y;
  }

  /** Packed NCHW images written into the interior of {@code y}, laid out as {@code layout}; y returned. */
  private static float[] plainNhwc(Nhwc layout, float[] x, int n, float[] y) {
    int c = layout.c(), h = layout.h(), w = layout.w();
    for (int b = 0; b < n; b++) {
      for (int ch = 0; ch < c; ch++) {
        for (int iy = 0; iy < h; iy++) {
          for (int ix = 0; ix < w; ix++) y[layout.offset(b, iy, ix) + ch] = x[((b * c + ch) * h + iy) * w + ix];
        }
      }
    }
    return y;
  }
}
