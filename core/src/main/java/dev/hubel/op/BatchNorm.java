package dev.hubel.op;

import static dev.hubel.kernel.WorkerPool.splitStart;

import dev.hubel.kernel.ChannelNorm;
import dev.hubel.kernel.WorkerPool;
import dev.hubel.tensor.Param;
import dev.hubel.tensor.Role;
import dev.hubel.tensor.Shape;
import dev.hubel.tensor.Tensor;
import java.util.List;

/**
 * Batch normalisation [Ioffe &amp; Szegedy, 2015], as PyTorch's BatchNorm2d (over each channel of a
 * volume) and BatchNorm1d (over each feature of a vector, or each channel of a sequence), with its
 * defaults eps = 1e-5 and momentum = 0.1.
 *
 * <pre>
 *   x, y  (N, C, H, W), (N, C, L) or (N, C)     gamma, beta, running mean, running var  (C)
 *   training:  mean, var over the N*H*W values of each channel (var divided by M = N*H*W)
 *              y = gamma * (x - mean) / sqrt(var + eps) + beta
 *              running_mean = 0.9 running_mean + 0.1 mean
 *              running_var  = 0.9 running_var  + 0.1 var * M / (M - 1)   (unbiased, as PyTorch)
 *   inference: the same y with running_mean and running_var in place of the batch's
 * </pre>
 */
public final class BatchNorm implements Op {
  public static final float EPS = 1e-5f;
  public static final float MOMENTUM = 0.1f;

  private final String layer;
  private final Shape in;
  private final int channels, plane;

  /** Any shape, channels first (NCHW): each channel is normalised over the batch and the rest of its dimensions. */
  public BatchNorm(String layer, Shape in) {
    this.layer = layer;
    this.in = in;
    this.channels = in.dim(0);
    this.plane = in.size() / channels;
  }

  @Override
  public String kind() {
    return "BN";
  }

  @Override
  public Shape outputShape() {
    return in;
  }

  @Override
  public String describe() {
    return channels + (in.rank() == 1 ? " features" : " channels") + " normalised over the batch";
  }

  /** Scale and shift are learned; the running statistics are kept for inference and not counted. */
  @Override
  public List<ParamSpec> params() {
    Shape c = Shape.vector(channels);
    return List.of(
        new ParamSpec(Role.SCALE, c, 1, 1),
        new ParamSpec(Role.SHIFT, c, 1, 1),
        new ParamSpec(Role.RUNNING_MEAN, c, 1, 1),
        new ParamSpec(Role.RUNNING_VAR, c, 1, 1));
  }

  @Override
  public String paramFormula() {
    return "2*" + channels;
  }

  @Override
  public Step compile(Tensor[] inputs, Tensor output, Param[] params, WorkerPool pool) {
    return new Compiled(inputs[0], output, params, pool);
  }

  private final class Compiled implements Step, FusesRelu, FusesReluInTraining {
    private final Tensor x, y;
    private final Param gamma, beta, runningMean, runningVar;
    private final WorkerPool pool;
    private final int pieces;
    private final float[] mean = new float[channels], var = new float[channels], invstd = new float[channels];
    // gamma and beta as the last forward pass read them: a fused ReLU's mask and this step's own
    // output are made from them after an optimiser step may have changed the parameters
    private final float[] passGamma = new float[channels], passBeta = new float[channels];
    private final WorkerPool.Task forwardTask = this::forwardPiece;
    private final WorkerPool.Task backwardTask = this::backwardPiece;
    private int n;
    private boolean batchStatistics;  // whether the last forward normalised with the batch's own statistics
    private Tensor reluOutput;        // inference passes write max(0, y) here instead (FusesRelu); or null
    private Tensor trainingRelu;      // training passes write max(0, y) here, and backward reads its gradient; or null
    private boolean writesInputGradient;  // writesGradientOf: dx = ..., not dx += ...

    Compiled(Tensor x, Tensor y, Param[] p, WorkerPool pool) {
      this.x = x;
      this.y = y;
      this.gamma = p[0];
      this.beta = p[1];
      this.runningMean = p[2];
      this.runningVar = p[3];
      this.pool = pool;
      this.pieces = pool.balancedPieces(channels);  // ranges of channels, claimed as threads come free
    }

    @Override
    public void forward(int n, boolean training) {
      if (training && n * plane == 1) {
        throw new IllegalArgumentException(layer + ": batch norm in training needs more than 1 value per channel to"
            + " take statistics of; received a batch of 1 example of [" + in + "]. Train with batches of 2 or more.");
      }
      this.n = n;
      this.batchStatistics = training;
      pool.run(pieces, forwardTask);
    }

    private void forwardPiece(int piece) {
      float[] g = gamma.value(), b = beta.value(), rm = runningMean.value(), rv = runningVar.value();
      long count = (long) n * plane;
      for (int ch = splitStart(piece, pieces, channels); ch < splitStart(piece + 1, pieces, channels); ch++) {
        if (batchStatistics) {
          ChannelNorm.statistics(x.value, n, channels, plane, ch, mean, var);
          rm[ch] = (1 - MOMENTUM) * rm[ch] + MOMENTUM * mean[ch];
          rv[ch] = (1 - MOMENTUM) * rv[ch] + MOMENTUM * (float) (var[ch] * (double) count / (count - 1));
        } else {
          mean[ch] = rm[ch];
          var[ch] = rv[ch];
        }
        invstd[ch] = (float) (1 / Math.sqrt((double) var[ch] + EPS));
        passGamma[ch] = g[ch];
        passBeta[ch] = b[ch];
        Tensor relu = batchStatistics ? trainingRelu : reluOutput;
        ChannelNorm.normalize(x.value, relu != null ? relu.value : y.value, n, channels, plane, ch, mean[ch], invstd[ch],
            g[ch], b[ch], relu != null);
      }
    }

    @Override
    public void fuseRelu(Tensor reluOutput) {
      this.reluOutput = reluOutput;
    }

    @Override
    public void fuseReluInTraining(Tensor relu) {
      this.trainingRelu = relu;
    }

    @Override
    public void writeOwnOutput(int n) {
      for (int ch = 0; ch < channels; ch++) {
        ChannelNorm.normalize(x.value, y.value, n, channels, plane, ch, mean[ch], invstd[ch], passGamma[ch], passBeta[ch],
            false);
      }
    }

    @Override
    public void backward(int n) {
      this.n = n;
      pool.run(pieces, backwardTask);
    }

    @Override
    public boolean writesGradientOf(int input) {
      writesInputGradient = true;
      return true;
    }

    private void backwardPiece(int piece) {
      float[] g = gamma.value();
      // fused with the ReLU after it (whichever pass ran last: the plan skips that ReLU's backward
      // pass either way), dy is made here from the ReLU's gradient, into y.grad, which nothing else
      // writes; the mask from the forward pass's gamma and beta (the same as gamma.value() here,
      // before any optimiser step)
      float[] reluGrad = trainingRelu == null ? null : trainingRelu.grad;
      for (int ch = splitStart(piece, pieces, channels); ch < splitStart(piece + 1, pieces, channels); ch++) {
        ChannelNorm.backward(x.value, reluGrad, passBeta[ch], y.grad, x.grad, n, channels, plane, ch, mean[ch], invstd[ch],
            g[ch], batchStatistics, gamma.grad(), beta.grad(), !writesInputGradient);
      }
    }
  }
}
