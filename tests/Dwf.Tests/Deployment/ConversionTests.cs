using System;
using System.IO;
using System.Linq;
using Dwf.Samples.Models;
using Dwf.Serialization;
using Dwf.Tests.Data;
using Dwf.Tests.Support;
using Xunit;
using static TorchSharp.torch;

namespace Dwf.Tests.Deployment;

/// <summary>Converting a pretrained dense checkpoint: load its plain keys into the factorized model and factorize it.</summary>
[Collection(DeploymentCollection.Name)]
public sealed class ConversionTests
{
    [Fact]
    public void ADenseCheckpointLoadsIntoTheFactorizedModelWithTheSameFunctionAndBalancedFactors()
    {
        using var scope = NewDisposeScope();
        using var directory = new TemporaryDirectory();
        manual_seed(841);
        var dense = new LeNet300();
        dense.eval();
        string path = directory.File("dense.dat");
        StateDictFile.Save(dense, path);
        var input = randn(32, 784);
        var expected = dense.call(input);

        var model = new LeNet300(); // different random weights until the checkpoint is loaded
        var factorization = Factorization.Attach(model, new FactorizationPlan(new FactorizationOptions { Depth = 3, Lambda = 1e-3 }));
        StateDictFile.LoadDenseAndFactorize(model, path);
        model.eval();

        TensorAssert.RelativelyClose(expected, model.call(input), 1e-5, "outputs right after conversion");
        var state = dense.state_dict();
        foreach (var weight in factorization.Weights)
        {
            var w = state[weight.Path];
            TensorAssert.RelativelyClose(w, weight.Product(), 1e-6, $"{weight.Path}: product of the factors");
            var root = w.abs().pow(1.0 / 3);
            for (int d = 0; d < 3; d++)
            {
                TensorAssert.RelativelyClose(root, weight.Factor(d).abs(), 1e-6, $"{weight.Path}: |factor {d}| = |W|^(1/3)");
            }
        }

        factorization.EnsureConsistent();

        // Fine-tuning steps keep the bookkeeping consistent, and collapse returns LeNet300's keys.
        model.train();
        var optimizer = factorization.CreateSgd(lr: 0.05, momentum: 0.9);
        var labels = randint(0, 10, new long[] { 32 });
        for (int step = 0; step < 3; step++)
        {
            optimizer.zero_grad();
            nn.functional.cross_entropy(model.call(input), labels).backward();
            optimizer.step();
        }

        factorization.Collapse();
        Assert.Equal(dense.state_dict().Keys.ToArray(), model.state_dict().Keys.ToArray());
    }

    [Fact]
    public void ACheckpointOfAnotherModelIsRefusedNamingTheKeys()
    {
        using var scope = NewDisposeScope();
        using var directory = new TemporaryDirectory();
        string path = directory.File("lenet5.dat");
        StateDictFile.Save(new LeNet5(), path);
        var model = new LeNet300();
        Factorization.Attach(model, new FactorizationPlan(new FactorizationOptions { Depth = 3 }));
        var error = Assert.Throws<InvalidDataException>(() => StateDictFile.LoadDenseAndFactorize(model, path));
        Assert.Contains("missing keys 'fc3.weight', 'fc3.bias'; unexpected keys 'conv1.weight'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ACheckpointWithAWrongShapeIsRefusedNamingTheKeyAndBothShapes()
    {
        using var scope = NewDisposeScope();
        using var directory = new TemporaryDirectory();
        string path = directory.File("wide.dat");
        var state = new LeNet300().state_dict();
        state["fc2.weight"] = zeros(120, 300);
        StateDictFile.AtomicWrite(path, writer => nn.Module.save_state_dict(writer, state));
        var model = new LeNet300();
        Factorization.Attach(model, new FactorizationPlan(new FactorizationOptions { Depth = 3 }));
        var error = Assert.Throws<InvalidDataException>(() => StateDictFile.LoadDenseAndFactorize(model, path));
        Assert.Contains("'fc2.weight' has shape [120, 300] in the checkpoint but [100, 300] in the model", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AFactorizedCheckpointIsNotTakenForADenseOne()
    {
        using var scope = NewDisposeScope();
        using var directory = new TemporaryDirectory();
        string path = directory.File("factorized.dat");
        var source = new LeNet300();
        Factorization.Attach(source, new FactorizationPlan(new FactorizationOptions { Depth = 3 }));
        StateDictFile.Save(source, path);
        var model = new LeNet300();
        Factorization.Attach(model, new FactorizationPlan(new FactorizationOptions { Depth = 3 }));
        var error = Assert.Throws<InvalidDataException>(() => StateDictFile.LoadDenseAndFactorize(model, path));
        Assert.Contains("already holds factors", error.Message, StringComparison.Ordinal);
    }
}
