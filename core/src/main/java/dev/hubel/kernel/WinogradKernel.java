package dev.hubel.kernel;

/**
 * The transforms of {@link Winograd3x3}, in a plain and a Vector API version chosen once by
 * {@link Kernels}. Each method is the plain one of the same name in {@link Winograd3x3}, the
 * reference that tests hold the vector one against; {@code tmp} holds
 * {@link Winograd3x3#scratch} floats from {@code tmpOff}. Rows of V, dM and M (ld floats apart)
 * must have room for {@link Winograd3x3#padded} columns past a chunk's first: the vector
 * versions read and write whole vectors there.
 */
interface WinogradKernel {

  void weights(float[] w, int wOff, int filters, int channels, int f0, int f1, float[] u, int uOff, float[] tmp);

  void weightGradient(float[] du, int duOff, int filters, int channels, int f0, int f1, float[] dw, int dwOff, float[] tmp);

  void input(float[] x, int xOff, int imageStride, int channels, int h, int w, int pad, int tilesH, int tilesW,
             int t0, int count, float[] v, int vOff, int ld, float[] tmp, int tmpOff);

  void outputGradient(float[] dy, int dyOff, int imageStride, int rows, int ho, int wo, int tilesH, int tilesW,
                      int t0, int count, float[] dm, int dmOff, int ld, float[] tmp, int tmpOff);

  void output(float[] m, int mOff, int ld, int rows, int f0, int t0, int count, int tilesH, int tilesW, float[] y,
              int imageStride, int ho, int wo, Epilogue finish, boolean accumulate, float[] tmp, int tmpOff);

  /** The plain loops, for a JVM without the Vector API. */
  final class Plain implements WinogradKernel {
    @Override
    public void weights(float[] w, int wOff, int filters, int channels, int f0, int f1, float[] u, int uOff, float[] tmp) {
      Winograd3x3.transformWeights(w, wOff, filters, channels, f0, f1, u, uOff, tmp);
    }

    @Override
    public void weightGradient(float[] du, int duOff, int filters, int channels, int f0, int f1, float[] dw, int dwOff,
                               float[] tmp) {
      Winograd3x3.transformWeightGradient(du, duOff, filters, channels, f0, f1, dw, dwOff, tmp);
    }

    @Override
    public void input(float[] x, int xOff, int imageStride, int channels, int h, int w, int pad, int tilesH, int tilesW,
                      int t0, int count, float[] v, int vOff, int ld, float[] tmp, int tmpOff) {
      Winograd3x3.transformInput(x, xOff, imageStride, channels, h, w, pad, tilesH, tilesW, t0, count, v, vOff, ld, tmp,
          tmpOff);
    }

    @Override
    public void outputGradient(float[] dy, int dyOff, int imageStride, int rows, int ho, int wo, int tilesH, int tilesW,
                               int t0, int count, float[] dm, int dmOff, int ld, float[] tmp, int tmpOff) {
      Winograd3x3.transformOutputGradient(dy, dyOff, imageStride, rows, ho, wo, tilesH, tilesW, t0, count, dm, dmOff, ld,
          tmp, tmpOff);
    }

    @Override
    public void output(float[] m, int mOff, int ld, int rows, int f0, int t0, int count, int tilesH, int tilesW, float[] y,
                       int imageStride, int ho, int wo, Epilogue finish, boolean accumulate, float[] tmp, int tmpOff) {
      Winograd3x3.transformOutput(m, mOff, ld, rows, f0, t0, count, tilesH, tilesW, y, imageStride, ho, wo, finish, accumulate,
          tmp, tmpOff);
    }
  }
}
