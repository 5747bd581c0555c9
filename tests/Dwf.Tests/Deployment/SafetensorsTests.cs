using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Dwf.Deployment;
using Dwf.Samples.Models;
using Dwf.Tests.Data;
using Dwf.Tests.Support;
using TorchSharp;
using TorchSharp.PyBridge;
using Xunit;
using static TorchSharp.torch;

namespace Dwf.Tests.Deployment;

/// <summary>Export of collapsed models for PyTorch (safetensors), checked against the format spec and a second implementation.</summary>
[Collection(DeploymentCollection.Name)]
public sealed class SafetensorsTests
{
    private static readonly string[] LeNet300Keys = { "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias" };

    [Fact]
    public void TheFileFollowsTheSafetensorsSpecByteForByte()
    {
        using var scope = NewDisposeScope();
        using var directory = new TemporaryDirectory();
        var model = CollapsedLeNet300(821);
        string path = directory.File("lenet300.safetensors");
        SafetensorsFile.Save(model, path);

        // Independent parse: u64 little-endian header length, JSON header, raw little-endian data.
        byte[] bytes = File.ReadAllBytes(path);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0UL, headerLength % 8);
        string header = Encoding.UTF8.GetString(bytes, 8, (int)headerLength);
        Assert.StartsWith("{", header, StringComparison.Ordinal);
        Assert.EndsWith("}", header.TrimEnd(' '), StringComparison.Ordinal); // only spaces pad the JSON ...
        Assert.True(header.Length - header.TrimEnd(' ').Length < 8, "... and fewer than 8 of them");
        using var json = JsonDocument.Parse(header.TrimEnd(' '));
        var names = json.RootElement.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(new[] { "__metadata__" }.Concat(LeNet300Keys), names);
        Assert.Equal("pt", json.RootElement.GetProperty("__metadata__").GetProperty("format").GetString());

        var state = model.state_dict();
        long dataStart = 8 + (long)headerLength;
        long expectedOffset = 0;
        foreach (string key in LeNet300Keys)
        {
            var entry = json.RootElement.GetProperty(key);
            Assert.Equal("F32", entry.GetProperty("dtype").GetString());
            Assert.Equal(state[key].shape, entry.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray());
            var offsets = entry.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            Assert.Equal(expectedOffset, offsets[0]);
            Assert.Equal(state[key].numel() * 4, offsets[1] - offsets[0]);
            var stored = Enumerable.Range(0, (int)state[key].numel())
                .Select(i => BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan((int)(dataStart + offsets[0] + (4 * i)), 4)))
                .ToArray();
            Assert.Equal(state[key].data<float>().ToArray(), stored);
            expectedOffset = offsets[1];
        }

        Assert.Equal(bytes.Length, dataStart + expectedOffset);
        Assert.Single(Directory.GetFiles(directory.Path)); // the temporary file was renamed, not left behind
    }

    [Fact]
    public void ExportThenImportGivesTheSameOutputsWithOurReaderAndWithPyBridges()
    {
        using var scope = NewDisposeScope();
        using var directory = new TemporaryDirectory();
        var model = CollapsedLeNet300(822);
        string path = directory.File("lenet300.safetensors");
        SafetensorsFile.Save(model, path);
        var input = randn(16, 784);
        var expected = model.call(input);

        var ours = new LeNet300();
        SafetensorsFile.Load(ours, path);
        ours.eval();
        Assert.True(expected.eq(ours.call(input)).all().item<bool>(), "outputs after import (Dwf reader)");

        var theirs = new LeNet300();
        theirs.load_safetensors(path); // TorchSharp.PyBridge: an independent safetensors implementation
        theirs.eval();
        Assert.True(expected.eq(theirs.call(input)).all().item<bool>(), "outputs after import (PyBridge reader)");
    }

    [Fact]
    public void AFactorizedModelIsRefusedUntilCollapsed()
    {
        using var scope = NewDisposeScope();
        using var directory = new TemporaryDirectory();
        var model = new LeNet300();
        var factorization = Factorization.Attach(model, new FactorizationPlan(new FactorizationOptions { Depth = 3 }));
        var error = Assert.Throws<InvalidOperationException>(() => SafetensorsFile.Save(model, directory.File("x.safetensors")));
        Assert.Contains("'dwf_factors.fc1.weight.0'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Collapse()", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(directory.Path));
        factorization.Collapse();
        SafetensorsFile.Save(model, directory.File("x.safetensors"));
        Assert.Equal(LeNet300Keys, SafetensorsFile.Read(directory.File("x.safetensors")).Select(e => e.Key));
    }

    [Fact]
    public void LoadingTheWrongShapeNamesTheKeyAndBothShapes()
    {
        using var scope = NewDisposeScope();
        using var directory = new TemporaryDirectory();
        string path = directory.File("mlp.safetensors");
        SafetensorsFile.Save(new TwoLayerMlp(20, 16, 5), path);
        var error = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Load(new TwoLayerMlp(20, 12, 5), path));
        Assert.Contains("'fc1.weight' has shape [16, 20] in the checkpoint but [12, 20] in the model", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadingFactorsOfAnotherDepthNamesTheWeightAndBothDepths()
    {
        using var scope = NewDisposeScope();
        using var directory = new TemporaryDirectory();
        string path = directory.File("depth2.safetensors");
        var source = new TwoLayerMlp();
        Factorized.Attach(source, 2);
        SafetensorsFile.Save(source.state_dict().Select(kv => (kv.Key, kv.Value)).ToList(), path); // raw writer: no guard
        var target = new TwoLayerMlp();
        Factorized.Attach(target, 3);
        var error = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Load(target, path));
        Assert.Contains("'fc1.weight' is factorized with depth 2 in the checkpoint but depth 3 in the model", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DamagedFilesAreRefusedWithTheRuleTheyBreak()
    {
        using var scope = NewDisposeScope();
        using var directory = new TemporaryDirectory();
        string path = directory.File("ok.safetensors");
        SafetensorsFile.Save(new TwoLayerMlp(), path);
        byte[] bytes = File.ReadAllBytes(path);

        string truncated = directory.File("truncated.safetensors");
        File.WriteAllBytes(truncated, bytes[..^4]);
        Assert.Contains("truncated or trailing bytes", Assert.Throws<InvalidDataException>(() => SafetensorsFile.Read(truncated)).Message, StringComparison.Ordinal);

        string badLength = directory.File("length.safetensors");
        var copy = bytes.ToArray();
        BinaryPrimitives.WriteUInt64LittleEndian(copy, (ulong)bytes.Length);
        File.WriteAllBytes(badLength, copy);
        Assert.Contains("does not fit in the file", Assert.Throws<InvalidDataException>(() => SafetensorsFile.Read(badLength)).Message, StringComparison.Ordinal);

        string badShape = directory.File("shape.safetensors");
        string text = Encoding.UTF8.GetString(bytes);
        File.WriteAllBytes(badShape, Encoding.UTF8.GetBytes(text.Replace("\"shape\":[16,20]", "\"shape\":[16,21]", StringComparison.Ordinal)));
        Assert.Contains("'fc1.weight' (F32 [16, 21]) needs 1344 bytes", Assert.Throws<InvalidDataException>(() => SafetensorsFile.Read(badShape)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AFailedSaveLeavesThePreviousFileIntact()
    {
        using var scope = NewDisposeScope();
        using var directory = new TemporaryDirectory();
        string path = directory.File("model.safetensors");
        SafetensorsFile.Save(new TwoLayerMlp(), path);
        byte[] before = File.ReadAllBytes(path);
        var unsupported = new[] { ("z", zeros(new long[] { 3 }, dtype: ScalarType.ComplexFloat32)) };
        Assert.Throws<NotSupportedException>(() => SafetensorsFile.Save(unsupported, path));
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(directory.Path));
    }

    [Fact]
    public void ACompactedModelExportsWithItsOwnShapesAndTheInputIndex()
    {
        using var scope = NewDisposeScope();
        using var directory = new TemporaryDirectory();
        var source = Compaction.Compact(WithDeadBorder(CollapsedLeNet300(823))).Module;
        string path = directory.File("compact.safetensors");
        SafetensorsFile.Save(source, path);
        var entries = SafetensorsFile.Read(path).ToDictionary(e => e.Key, e => e.Value);
        Assert.Equal(ScalarType.Int64, entries["select_inputs.index"].dtype);
        Assert.Equal(source.state_dict()["fc1.weight"].shape, entries["fc1.weight"].shape);

        var target = Compaction.Compact(WithDeadBorder(CollapsedLeNet300(823))).Module; // same structure, fresh modules
        using (no_grad())
        {
            foreach (var parameter in target.parameters())
            {
                parameter.zero_();
            }
        }

        SafetensorsFile.Load(target, path);
        var input = randn(4, 784);
        Assert.True(source.call(input).eq(target.call(input)).all().item<bool>(), "outputs after the round trip");
    }

    // The first image row is never read: compaction then starts with select_inputs.
    private static LeNet300 WithDeadBorder(LeNet300 model)
    {
        Sparsify.ZeroSlices(Sparsify.Parameter(model, "fc1.weight"), 1, Enumerable.Range(0, 28).Select(i => (long)i));
        return model;
    }

    internal static LeNet300 CollapsedLeNet300(int seed)
    {
        manual_seed(seed);
        var model = new LeNet300();
        var factorization = Factorization.Attach(model, new FactorizationPlan(new FactorizationOptions { Depth = 3 }));
        using (no_grad())
        {
            foreach (var weight in factorization.Weights)
            {
                weight.Factor(0).masked_fill_(rand_like(weight.Factor(0)).lt(0.9), 1e-4); // 90 % of |W| far below the threshold
                weight.Weight.copy_(weight.Product());
            }
        }

        factorization.Collapse();
        model.eval();
        return model;
    }
}
