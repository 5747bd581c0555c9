using System;
using System.IO;
using System.Linq;
using Dwf.Serialization;
using Dwf.Tests.Support;
using Dwf.Tests.Training;
using Dwf.Training;
using Xunit;
using static TorchSharp.torch;

namespace Dwf.Tests.Serialization;

/// <summary>
/// Loading a checkpoint written for another configuration fails before anything changes, with a message
/// that names the key and the expected and found depth, shape or kind, and says what to do.
/// </summary>
public sealed class MismatchedCheckpointTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("dwf-mismatch").FullName;

    [Fact]
    public void Another_depth_names_the_weight_and_both_depths()
    {
        string message = LoadFails(SyntheticTraining.Model(1, depth: 3), SyntheticTraining.Model(2, depth: 2));

        Assert.Contains("'fc1.weight' is factorized with depth 3 in the checkpoint but depth 2 in the model", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Another_depth_of_a_nested_factorization_names_its_full_key()
    {
        static nn.Module Nested(int innerDepth)
        {
            var inner = new SingleLayer(nn.Linear(4, 4));
            Factorized.Attach(inner, innerDepth); // keeps its own factor store: layer.dwf_factors.layer.weight.*
            var outer = new SingleLayer(inner);
            Factorized.Attach(outer, 2);
            return outer;
        }

        string message = LoadFails(Nested(4), Nested(3));

        Assert.Contains("'layer.layer.weight' is factorized with depth 4 in the checkpoint but depth 3 in the model", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Another_shape_names_the_key_and_both_shapes()
    {
        string message = LoadFails(SyntheticTraining.Model(1, hidden: 16), SyntheticTraining.Model(2, hidden: 32));

        Assert.Contains("'fc1.weight' has shape [16, 20] in the checkpoint but [32, 20] in the model", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dense_checkpoint_into_a_factorized_model_names_the_weight_and_the_depth_and_the_conversion()
    {
        manual_seed(1);
        var dense = new TwoLayerMlp();

        string message = LoadFails(dense, SyntheticTraining.Model(2));

        Assert.Contains("'fc1.weight' is dense in the checkpoint (no 'dwf_factors' factors) but factorized with depth 3 in the model", message, StringComparison.Ordinal);
        Assert.Contains("StateDictFile.LoadDenseAndFactorize", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dense_checkpoint_loads_when_asked_to_factorize_it()
    {
        manual_seed(1);
        var dense = new TwoLayerMlp();
        string path = Save(dense);
        var factorized = SyntheticTraining.Model(2);

        StateDictFile.LoadDenseAndFactorize(factorized, path);

        using var input = randn(4, 20);
        var expected = dense.call(input);
        var actual = factorized.call(input);
        Assert.True(expected.allclose(actual, rtol: 1e-5, atol: 1e-6), "the factorized model computes what the dense checkpoint did");
    }

    [Fact]
    public void A_factorized_checkpoint_into_a_dense_model_names_the_weight_and_the_depth()
    {
        manual_seed(2);
        string message = LoadFails(SyntheticTraining.Model(1), new TwoLayerMlp());

        Assert.Contains("'fc1.weight' is factorized with depth 3 in the checkpoint but dense in the model", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_weight_dense_in_the_checkpoint_but_factorized_in_the_model_is_named()
    {
        manual_seed(1);
        var denseHead = new TwoLayerMlp();
        Factorization.Attach(denseHead, new FactorizationPlan(new FactorizationOptions { Depth = 3 }, "with a dense head").Dense("head"));

        string message = LoadFails(denseHead, SyntheticTraining.Model(2));

        Assert.Contains("'head.weight' is dense in the checkpoint (no 'dwf_factors' factors) but factorized with depth 3 in the model", message, StringComparison.Ordinal);
        Assert.Contains("same [Dense]/[Factorize] setting", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Another_dtype_names_the_key_and_both_dtypes()
    {
        manual_seed(1);
        string message = LoadFails(new TwoLayerMlp(dtype: ScalarType.Float64), new TwoLayerMlp());

        Assert.Contains("'fc1.weight' is Float64 in the checkpoint but Float32 in the model", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Another_architecture_lists_the_missing_and_unexpected_keys()
    {
        manual_seed(1);
        string message = LoadFails(new SequentialConvNet(), new TwoLayerMlp());

        Assert.Contains("missing keys 'fc1.weight', 'fc1.bias', 'head.weight', 'head.bias'", message, StringComparison.Ordinal);
        Assert.Contains("unexpected keys 'features.0.weight'", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_training_checkpoint_of_another_depth_fails_the_same_way_and_changes_nothing()
    {
        var written = SyntheticTraining.Model(1, depth: 3);
        string path = Path.Combine(_directory, "run.ckpt");
        TrainingCheckpoint.Save(path, written, Factorization.Find(written)!.CreateSgd(0.1, 0.9), new TrainingProgress(1, 0, 19, 0, 0, 3, Array.Empty<EpochMetrics>()));
        var target = SyntheticTraining.Model(2, depth: 2);
        var before = Snapshot(target);

        var error = Assert.Throws<InvalidDataException>(() => TrainingCheckpoint.Load(path, target, Factorization.Find(target)!.CreateSgd(0.1, 0.9)));

        Assert.StartsWith(path + ": ", error.Message, StringComparison.Ordinal);
        Assert.Contains("'fc1.weight' is factorized with depth 3 in the checkpoint but depth 2 in the model", error.Message, StringComparison.Ordinal);
        AssertUnchanged(before, target);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>Saves <paramref name="written"/>, loads the file into <paramref name="target"/>: the load must fail and change nothing.</summary>
    private string LoadFails(nn.Module written, nn.Module target)
    {
        string path = Save(written);
        var before = Snapshot(target);

        var error = Assert.Throws<InvalidDataException>(() => StateDictFile.Load(target, path));

        Assert.StartsWith(path + ": ", error.Message, StringComparison.Ordinal);
        AssertUnchanged(before, target);
        return error.Message;
    }

    private string Save(nn.Module module)
    {
        string path = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".dat");
        StateDictFile.Save(module, path);
        return path;
    }

    private static (string Name, Tensor Value)[] Snapshot(nn.Module module) =>
        module.state_dict().Select(kv => (kv.Key, kv.Value.detach().clone())).ToArray();

    private static void AssertUnchanged((string Name, Tensor Value)[] before, nn.Module module)
    {
        var after = module.state_dict();
        foreach (var (name, value) in before)
        {
            Assert.True(value.eq(after[name]).all().item<bool>(), $"'{name}' changed although the load failed");
        }
    }
}
