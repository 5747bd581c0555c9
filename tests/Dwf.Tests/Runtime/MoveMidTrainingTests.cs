using System;
using System.Collections.Generic;
using System.Linq;
using Dwf.Tests.Support;
using Dwf.Tests.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Dwf.Tests.Runtime;

/// <summary>
/// A factorized model moved with <c>.to(...)</c> in the middle of training keeps training: its factors move with it
/// (they live in a registered store, docs/architecture.md "Where the factors live"), an optimizer created after the
/// move continues from where the weights are, and the optimizer from before the move refuses to step with its clear
/// error. Checked with what this machine has: the CPU (a move to the device the model is on, which TorchSharp
/// leaves as it is) and a dtype change, float32 → float64, which replaces every parameter as a device change does.
/// </summary>
public sealed class MoveMidTrainingTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void After_a_dtype_move_a_new_optimizer_continues_and_the_loss_keeps_falling(bool fused)
    {
        var (train, test) = SyntheticTraining.Data();
        using (train)
        using (test)
        {
            using var model = SyntheticTraining.Model(21);
            var factorization = Factorization.Find(model)!;
            var before = factorization.CreateSgd(lr: 0.05, momentum: 0.9);
            before.UseFusedKernel = fused;
            double first = Train(model, before, train, epochs: 1);

            model.to(float64);
            Assert.All(model.parameters(), p => Assert.Equal(ScalarType.Float64, p.dtype));
            Assert.All(factorization.Weights, w => Assert.Equal(ScalarType.Float64, w.Factor(0).dtype));
            var refused = Assert.Throws<InvalidOperationException>(() => Train(model, before, train, epochs: 1));
            Assert.Contains("Create the optimizer after moving the model", refused.Message, StringComparison.Ordinal);

            var after = factorization.CreateSgd(lr: 0.05, momentum: 0.9);
            after.UseFusedKernel = fused;
            double second = Train(model, after, train, epochs: 1);
            double third = Train(model, after, train, epochs: 1);

            Assert.True(second < first && third < second, $"mean loss per epoch {first:G4}, then {second:G4}, {third:G4} after the move");
            foreach (var weight in factorization.Weights)
            {
                TensorAssert.RelativelyClose(weight.Product(), weight.Weight, 1e-12, $"{weight.Path} = product of its factors after the move");
            }

            var report = factorization.Collapse();
            Assert.True(report.TotalWeights > 0);
        }
    }

    [Fact]
    public void A_move_to_the_device_the_model_is_on_keeps_the_parameters_and_the_optimizer()
    {
        var (train, test) = SyntheticTraining.Data();
        using (train)
        using (test)
        {
            using var model = SyntheticTraining.Model(22);
            var factorization = Factorization.Find(model)!;
            var optimizer = factorization.CreateSgd(lr: 0.05, momentum: 0.9);
            double first = Train(model, optimizer, train, epochs: 1);
            var parameters = model.parameters().ToList();

            model.to(CPU);
            Assert.Equal(parameters, model.parameters().ToList(), ReferenceEqualityComparer.Instance);
            double second = Train(model, optimizer, train, epochs: 1);
            Assert.True(second < first, $"mean loss per epoch {first:G4}, then {second:G4}");
        }
    }

    // One pass over the data, flattened, mean loss; batches in the model's dtype.
    private static double Train(nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer, Dwf.Data.ImageClassificationDataset train, int epochs)
    {
        var dtype = model.parameters().First().dtype;
        double sum = 0;
        long count = 0;
        using var loader = train.Batches(32, shuffle: true, seed: 5, flatten: true);
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            foreach (var (images, labels) in loader.Epoch(epoch))
            {
                using var scope = NewDisposeScope();
                scope.Attach(images, labels);
                optimizer.zero_grad();
                var loss = nn.functional.cross_entropy(model.call(images.to(dtype)), labels);
                loss.backward();
                optimizer.step();
                sum += loss.to(float64).item<double>();
                count++;
            }
        }

        return sum / count;
    }
}
