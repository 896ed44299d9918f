package dev.hubel.op;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hubel.kernel.Im2col;
import dev.hubel.kernel.WorkerPool;
import dev.hubel.tensor.Param;
import dev.hubel.tensor.Role;
import dev.hubel.tensor.Shape;
import dev.hubel.tensor.Tensor;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The convolution's work is cut differently by batch size and thread count (whole images, blocks
 * of output positions, blocks of filters, blocks of input channels; lowered or 1x1 as it is):
 * every cut must give the direct convolution's values, and the forward pass the same bits on any
 * number of threads.
 */
class ConvPathsTest {

  private static final WorkerPool[] POOLS = {new WorkerPool(1), new WorkerPool(2), new WorkerPool(3)};

  record Result(float[] y, float[] dx, float[] dw, float[] db, String path) {}

  private static float[] random(Random r, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = r.nextFloat() * 2 - 1;
    return v;
  }

  @ParameterizedTest(name = "{0}x{1}x{2} into {3} {4}x{5} stride {6} pad {7} groups {8}, batch {9}")
  @CsvSource({
      // c, h, w, filters, fh, fw, stride, pad, groups, batch, the forward pass's path (Conv2d.forwardPath)
      "3, 7, 7, 20, 3, 3, 1, 1, 1, 1, lowered",
      "3, 7, 7, 20, 3, 3, 1, 1, 1, 3, lowered",
      "1, 33, 33, 7, 3, 3, 2, 1, 1, 1, lowered",
      "4, 7, 7, 6, 1, 1, 1, 0, 2, 1, gemm",
      "4, 7, 7, 6, 1, 1, 1, 0, 2, 7, gemm",
      "5, 7, 7, 3, 1, 1, 2, 0, 1, 3, lowered",
      "3, 257, 1, 7, 3, 1, 1, 1, 1, 1, lowered",
      "3, 9, 9, 40, 3, 3, 1, 0, 1, 1, lowered",
      "6, 40, 40, 60, 3, 3, 1, 1, 3, 1, lowered",
      // at most 16 filters a group, from a depth of 25 (ConvPathRules.FEW_FILTERS): implicit, as ResNet-20's
      // stem, LeNet-5's C1 (pad 2) and C3 (4 extra grid columns to 10), 7 filters, 4 a group in 3 groups
      "3, 7, 7, 5, 3, 3, 1, 1, 1, 3, implicit",
      "1, 28, 28, 6, 5, 5, 1, 2, 1, 2, implicit",
      "6, 14, 14, 16, 5, 5, 1, 0, 1, 2, implicit",
      "33, 9, 9, 7, 3, 3, 1, 0, 1, 1, implicit",
      "6, 40, 40, 12, 5, 5, 1, 2, 3, 1, implicit",
      // ... at stride 1 only: strided, few filters keep the lowering
      "3, 17, 17, 8, 3, 3, 2, 1, 1, 2, lowered",
      "64, 24, 24, 33, 3, 3, 1, 1, 1, 1, implicit",
      "64, 24, 24, 33, 3, 3, 1, 1, 1, 3, implicit",
      "7, 1, 1, 257, 1, 1, 1, 0, 1, 3, gemm",
      // 1x1 on 14x14 with 1024 channels: a whole image per unit where the batch gives every thread two
      // images (1 and 2 threads here), blocks of 128 + 68 positions where it does not (3 threads)
      "1024, 14, 14, 16, 1, 1, 1, 0, 1, 4, gemm",
      // 1x1 on 28x28 with 512 channels: blocks of 256 positions, the last taking the 16 after it
      "512, 28, 28, 16, 1, 1, 1, 0, 1, 1, gemm",
      // 32 filters per group and up sum dw transposed: groups must land in their own blocks
      "8, 9, 9, 64, 3, 3, 1, 1, 2, 2, implicit",
      "6, 5, 5, 96, 1, 1, 1, 0, 3, 3, gemm",
      // stride 1 with 16 to 512 filters per group, on a small padded image: implicit GEMM over it
      "16, 11, 11, 16, 3, 3, 1, 1, 1, 3, implicit",
      "3, 13, 17, 20, 5, 5, 1, 2, 1, 2, implicit",
      "8, 10, 12, 36, 3, 3, 1, 0, 2, 1, implicit",
      "7, 7, 7, 16, 3, 3, 1, 1, 1, 1, implicit",
      "4, 30, 30, 16, 3, 3, 1, 1, 1, 2, implicit",
      "5, 9, 9, 17, 3, 3, 1, 2, 1, 2, implicit",
      // strided, 32 and more rows of the lowering, 16 and more filters per group: the forward pass an implicit
      // GEMM over phases of the padded image (ImplicitConv.padPhases), backward lowered. 3x3 at 2 on odd
      // sides, ResNet's 7x7 at 2 pad 3, AlexNet's 11x11 at 4, a 2x2 filter at 3 (fewer phases than the
      // stride), 5x3 filters, groups, pad past the filter, and an image cut into two blocks of rows
      "4, 33, 33, 16, 3, 3, 2, 1, 1, 2, implicit",
      "3, 35, 35, 16, 7, 7, 2, 3, 1, 1, implicit",
      "3, 35, 35, 17, 11, 11, 4, 0, 1, 2, implicit",
      "16, 14, 14, 16, 2, 2, 3, 0, 1, 2, implicit",
      "3, 12, 13, 20, 5, 3, 2, 2, 1, 1, implicit",
      "8, 17, 17, 32, 3, 3, 2, 1, 2, 3, implicit",
      "8, 9, 9, 16, 3, 3, 2, 3, 1, 1, implicit",
      "64, 57, 57, 16, 3, 3, 2, 1, 1, 1, implicit",
      // 32 filters a group and up, one block of rows: dw read from the forward pass's phases too
      // (ResNet-20's stride-2 layers), alone and in groups, on three images
      "16, 17, 17, 32, 3, 3, 2, 1, 1, 3, implicit",
      "8, 15, 15, 64, 3, 3, 2, 1, 2, 2, implicit",
      // and, over two images a thread and more, in larger slabs (PHASED_SLAB_FLOATS: one block of all 29 rows)
      "64, 57, 57, 16, 3, 3, 2, 1, 1, 6, implicit",
      // 1x1 at stride 2 stays lowered: its lowering is the subsampled image
      "64, 14, 14, 32, 1, 1, 2, 0, 1, 2, lowered",
      // one image whose filters are cut among threads reads one lowering that all units share
      // (Conv2d's sharesLowering): lowered columns, and slabs whose grid is under one strip wide,
      // strided (5 rows of 6) and not (7 rows of 9, as ResNet-50's last 3x3 layers)
      "64, 14, 14, 48, 1, 1, 2, 0, 1, 1, lowered",
      "32, 9, 9, 48, 3, 3, 2, 1, 1, 1, implicit",
      "40, 7, 7, 48, 3, 3, 1, 1, 1, 1, implicit",
      // too few 4x4 tiles for Winograd (2 images of 2x2): implicit
      "130, 7, 7, 140, 3, 3, 1, 1, 1, 2, implicit",
      // an image large enough to be cut into blocks of rows (here two, of 33 and 23 rows)
      "64, 56, 56, 16, 3, 3, 1, 1, 1, 1, implicit",
      "64, 56, 56, 24, 3, 3, 1, 1, 1, 2, implicit",
      // 3x3 at stride 1, 64 to 512 channels and filters per group, 32 tiles and up: Winograd F(4x4, 3x3),
      // forward and backward (Winograd3x3Test covers the kernels on small odd shapes and every padding):
      // under 256 tiles (the forward pass in phases: two images of 5x5 tiles, three of 4x4 with pad 2,
      // then 150 and 128 tiles in several images), and more, in chunks of 64 tiles (275 tiles of 11
      // images: chunks spanning images, the last short); tiles that hang over the output; groups
      "150, 19, 19, 130, 3, 3, 1, 1, 1, 2, winograd",
      // 25 tiles are too few (WINOGRAD_MIN_TILES): implicit
      "150, 19, 19, 130, 3, 3, 1, 1, 1, 1, implicit",
      "64, 13, 11, 65, 3, 3, 1, 2, 1, 3, winograd",
      "150, 19, 19, 130, 3, 3, 1, 1, 1, 6, winograd",
      "64, 17, 17, 64, 3, 3, 1, 1, 1, 6, winograd",
      "64, 17, 17, 64, 3, 3, 1, 1, 1, 11, winograd",
      "128, 6, 6, 130, 3, 3, 1, 1, 1, 32, winograd",
      "256, 6, 6, 258, 3, 3, 1, 1, 2, 32, winograd",
      "64, 13, 11, 65, 3, 3, 1, 2, 1, 8, winograd",
      // each filter over the whole unpadded input (LeNet-5's C5): a dense layer over runs of images, dw
      // summed as it is (under 32 filters) and transposed (32 and up), one image and many
      "16, 5, 5, 120, 5, 5, 1, 0, 1, 3, whole",
      "3, 7, 6, 5, 7, 6, 1, 0, 1, 17, whole",
      "33, 3, 3, 40, 3, 3, 2, 0, 1, 1, whole",
      "33, 3, 3, 40, 3, 3, 2, 0, 1, 9, whole",
  })
  void everyCutMatchesTheDirectConvolution(int c, int h, int w, int filters, int fh, int fw,
                                           int stride, int pad, int groups, int batch, String path) {
    Shape in = Shape.chw(c, h, w);
    Conv2d conv = new Conv2d("CONV1", in, filters, fh, fw, stride, pad, Fit.FLOOR, groups);
    Shape out = conv.outputShape();
    Random r = new Random(c * 31L + h * 7L + filters + batch);
    float[] x = random(r, batch * in.size()), weight = random(r, filters * (c / groups) * fh * fw);
    float[] bias = random(r, filters), dy = random(r, batch * out.size());
    double[][] ref = direct(x, weight, bias, dy, batch, c, h, w, filters, fh, fw, stride, pad, groups, out.h(), out.w());
    float[] firstY = null;
    for (WorkerPool pool : POOLS) {
      Result got = run(conv, in, out, pool, batch, x, weight, bias, dy);
      String on = pool.threads() + " threads: ";
      assertThat(got.path).as(on + "the way the forward pass went").isEqualTo(path);
      Close.assertClose(on + "y", got.y, 0, ref[0], 1e-4, 1e-5);
      Close.assertClose(on + "dx", got.dx, 0, ref[1], 1e-4, 1e-5);
      Close.assertClose(on + "dw", got.dw, 0, ref[2], 1e-4, 1e-5);
      Close.assertClose(on + "db", got.db, 0, ref[3], 1e-4, 1e-5);
      if (firstY == null) firstY = got.y;
      assertThat(Arrays.mismatch(got.y, firstY)).as(on + "forward bits as on one thread").isEqualTo(-1);
    }
  }

  private static Result run(Conv2d conv, Shape in, Shape out, WorkerPool pool, int batch,
                            float[] x, float[] weight, float[] bias, float[] dy) {
    Tensor xt = new Tensor(in, batch, true), yt = new Tensor(out, batch, true);
    Param wp = new Param("w", conv.params().get(0).shape(), 1, 1, Role.WEIGHT);
    Param bp = new Param("b", conv.params().get(1).shape(), 1, 1, Role.BIAS);
    System.arraycopy(x, 0, xt.value, 0, x.length);
    System.arraycopy(weight, 0, wp.value(), 0, weight.length);
    System.arraycopy(bias, 0, bp.value(), 0, bias.length);
    System.arraycopy(dy, 0, yt.grad, 0, dy.length);
    Step step = conv.compile(new Tensor[] {xt}, yt, new Param[] {wp, bp}, pool);
    step.forward(batch, true);
    step.backward(batch);
    return new Result(yt.value.clone(), xt.grad.clone(), wp.grad().clone(), bp.grad().clone(),
        Conv2d.forwardPath(step, batch));
  }

  /** y, dx, dw, db by the definition, in double precision. */
  private static double[][] direct(float[] x, float[] wt, float[] bias, float[] dy, int n, int c, int h, int w,
                                   int f, int fh, int fw, int s, int p, int groups, int ho, int wo) {
    int cg = c / groups, fg = f / groups;
    double[] y = new double[n * f * ho * wo], dx = new double[x.length], dw = new double[wt.length], db = new double[f];
    for (int i = 0; i < n; i++) {
      for (int o = 0; o < f; o++) {
        int g = o / fg;
        for (int oy = 0; oy < ho; oy++) {
          for (int ox = 0; ox < wo; ox++) {
            int yi = ((i * f + o) * ho + oy) * wo + ox;
            double sum = bias[o];
            db[o] += dy[yi];
            for (int ci = 0; ci < cg; ci++) {
              for (int ky = 0; ky < fh; ky++) {
                for (int kx = 0; kx < fw; kx++) {
                  int iy = oy * s - p + ky, ix = ox * s - p + kx;
                  if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                  int xi = ((i * c + g * cg + ci) * h + iy) * w + ix, wi = ((o * cg + ci) * fh + ky) * fw + kx;
                  sum += (double) x[xi] * wt[wi];
                  dx[xi] += (double) dy[yi] * wt[wi];
                  dw[wi] += (double) dy[yi] * x[xi];
                }
              }
            }
            y[yi] = sum;
          }
        }
      }
    }
    return new double[][] {y, dx, dw, db};
  }

  @ParameterizedTest(name = "{0}x{1}x{2}, {3}x{4} stride {5} pad {6}")
  @CsvSource({"3, 7, 7, 3, 3, 1, 1", "1, 33, 33, 3, 3, 2, 1", "2, 257, 3, 1, 3, 1, 2", "3, 7, 1, 7, 1, 3, 3"})
  void blocksOfColumnsAreTheWholeLoweringCut(int c, int h, int w, int fh, int fw, int stride, int pad) {
    int ho = (h - fh + 2 * pad) / stride + 1, wo = (w - fw + 2 * pad) / stride + 1, hw = ho * wo, k = c * fh * fw;
    float[] x = random(new Random(h), c * h * w), whole = new float[k * hw];
    Im2col.im2col(x, 0, c, h, w, fh, fw, stride, pad, pad, ho, wo, whole, 0);
    for (int cut : new int[] {1, 3, 7, hw}) {
      for (int p0 = 0; p0 < hw; p0 += cut) {
        int p1 = Math.min(hw, p0 + cut);
        float[] part = new float[k * (p1 - p0)];
        Im2col.im2colColumns(x, 0, c, h, w, fh, fw, stride, pad, pad, ho, wo, p0, p1, part, 0);
        for (int row = 0; row < k; row++) {
          float[] expected = Arrays.copyOfRange(whole, row * hw + p0, row * hw + p1);
          float[] got = Arrays.copyOfRange(part, row * (p1 - p0), (row + 1) * (p1 - p0));
          assertThat(got).as("row %d, columns %d..%d", row, p0, p1).containsExactly(expected);
        }
      }
    }
  }
}
