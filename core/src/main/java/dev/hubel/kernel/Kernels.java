package dev.hubel.kernel;

/**
 * Chooses, once at class initialisation, which kernels this JVM runs: the Vector API ones when
 * the incubator module {@code jdk.incubator.vector} is in the boot layer, the plain Java ones
 * otherwise. The vector classes are loaded by name only after that check, so they never link in
 * a JVM that lacks the module. Setting the system property {@code hubel.kernels=scalar} forces the
 * plain kernels, to compare speed or rule the vector code out when hunting a bug.
 */
public final class Kernels {

  private static final String VECTOR_MODULE = "jdk.incubator.vector";

  static final GemmKernel GEMM = chooseGemm();
  static final ElementwiseKernel ELEMENTWISE = GEMM instanceof ScalarGemm ? new ElementwiseKernel.Plain() : vector("VectorElementwise");
  static final WinogradKernel WINOGRAD = GEMM instanceof ScalarGemm ? new WinogradKernel.Plain() : vector("VectorWinograd");
  // channels-last inference: Vector API only (plans keep their NCHW steps without it)
  static final NhwcConvKernel NHWC_CONV = GEMM instanceof ScalarGemm ? null : vector("VectorNhwcConv");
  static final NhwcElementwiseKernel NHWC = GEMM instanceof ScalarGemm ? null : vector("VectorNhwcElementwise");
  static final NhwcWinogradKernel NHWC_WINOGRAD = GEMM instanceof ScalarGemm ? null : vector("VectorNhwcWinograd");

  private Kernels() {}

  /** Whether the fast Vector API kernels are in use. */
  public static boolean vectorized() {
    return !(GEMM instanceof ScalarGemm);
  }

  /** The width of the fast kernels' vectors in bits (512 with AVX-512, 256 with AVX2), 0 without. */
  public static int vectorBits() {
    return GEMM.vectorBits();
  }

  private static GemmKernel chooseGemm() {
    if ("scalar".equals(System.getProperty("hubel.kernels"))) return new ScalarGemm();
    if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
      System.err.println("hubel: the Vector API is not enabled; running plain Java kernels (much"
          + " slower). Start the JVM with --add-modules=jdk.incubator.vector to turn the fast"
          + " path on.");
      return new ScalarGemm();
    }
    return vector("VectorGemm");
  }

  /** A new instance of the vector kernel class {@code name}, which only this JVM's module check lets link. */
  @SuppressWarnings("unchecked")
  private static <T> T vector(String name) {
    try {
      return (T) Class.forName("dev.hubel.kernel." + name).getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("the module " + VECTOR_MODULE
          + " is present but the vector kernels failed to load", e);
    }
  }
}
