using System;
using System.Linq;
using Dwf.Numerics;
using static TorchSharp.torch;

namespace Dwf.Deployment;

/// <summary>Checks that a declared <see cref="LayerChain"/> computes what the model's own forward computes.</summary>
internal static class ChainVerification
{
    public static void Verify(nn.Module<Tensor, Tensor> module, LayerChain chain, CompactionOptions options)
    {
        NativeNumerics.EnsureChecked();
        var reference = module.parameters().FirstOrDefault()
            ?? throw new InvalidOperationException($"{module.GetType().Name} has no parameters; there is nothing to compact.");
        bool wasTraining = module.training;
        module.eval();
        try
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var generator = new Generator((ulong)options.ProbeSeed);
            var shape = new[] { 3L }.Concat(chain.InputShape).ToArray();
            var probe = randn(shape, dtype: reference.dtype, generator: generator).to(reference.device);
            var expected = module.call(probe);
            var actual = chain.Forward(probe);
            if (!expected.shape.SequenceEqual(actual.shape))
            {
                throw new InvalidOperationException(
                    $"The LayerChain does not describe {module.GetType().Name}: on a probe input the model returns [{LayerChain.Shape(expected.shape)}] but the chain [{LayerChain.Shape(actual.shape)}].");
            }

            double scale = expected.abs().max().to(ScalarType.Float64).item<double>();
            double difference = expected.sub(actual).abs().max().to(ScalarType.Float64).item<double>();
            if (!(difference <= options.VerificationTolerance * Math.Max(scale, 1e-30)))
            {
                throw new InvalidOperationException(
                    $"The LayerChain does not describe {module.GetType().Name}'s forward: on a probe input the outputs differ by {Compaction.Format(difference)} (max |output| {Compaction.Format(scale)}). " +
                    "Check the order of the layers and the operations between them (activations, pooling, flatten).");
            }
        }
        finally
        {
            module.train(wasTraining);
        }
    }
}
