using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using Dwf.Deployment;
using Dwf.Samples.Models;
using Dwf.Tests.Data;
using TorchSharp;
using TorchSharp.PyBridge;
using Xunit;
using static TorchSharp.torch;

namespace Dwf.Tests.Deployment;

/// <summary>
/// The other PyTorch format: a <c>torch.save(model.state_dict())</c> zip written by TorchSharp.PyBridge's
/// <c>save_py</c>, after <see cref="ExportGuard"/>. Checked here by round trip and by the archive's structure
/// (PyTorch itself is not available on this machine).
/// </summary>
[Collection(DeploymentCollection.Name)]
public sealed class PyTorchPickleTests
{
    [Fact]
    public void ACollapsedModelRoundTripsThroughAPyTorchPickleArchive()
    {
        using var scope = NewDisposeScope();
        using var directory = new TemporaryDirectory();
        var model = SafetensorsTests.CollapsedLeNet300(831);
        ExportGuard.EnsureExportable(model);
        string path = directory.File("lenet300.pt");
        model.save_py(path);

        // The archive layout torch.load reads: <root>/version, <root>/data.pkl, <root>/data/<n> with raw storages.
        using (var archive = ZipFile.OpenRead(path))
        {
            var names = archive.Entries.Select(e => e.FullName).ToArray();
            Assert.Contains("model/version", names);
            Assert.Contains("model/data.pkl", names);
            using var pickle = new MemoryStream();
            archive.GetEntry("model/data.pkl")!.Open().CopyTo(pickle);
            string text = System.Text.Encoding.ASCII.GetString(pickle.ToArray());
            foreach (var key in new[] { "fc1.weight", "fc1.bias", "fc2.weight", "fc3.bias" })
            {
                Assert.Contains(key, text, StringComparison.Ordinal);
            }

            Assert.Contains("_rebuild_tensor_v2", text, StringComparison.Ordinal);
            var storages = names.Where(n => n.StartsWith("model/data/", StringComparison.Ordinal)).ToArray();
            Assert.Equal(6, storages.Length);
            var stored = new MemoryStream();
            archive.GetEntry("model/data/0")!.Open().CopyTo(stored);
            var fc1 = model.state_dict()["fc1.weight"];
            Assert.Equal(fc1.bytes.ToArray(), stored.ToArray());
        }

        var loaded = new LeNet300();
        loaded.load_py(path);
        loaded.eval();
        var input = randn(8, 784);
        Assert.True(model.call(input).eq(loaded.call(input)).all().item<bool>(), "outputs after the pickle round trip");
    }

    [Fact]
    public void TheGuardRefusesFactorKeysBeforeAnyWriterRuns()
    {
        using var scope = NewDisposeScope();
        var model = new LeNet300();
        Factorization.Attach(model, new FactorizationPlan(new FactorizationOptions { Depth = 2 }));
        var error = Assert.Throws<InvalidOperationException>(() => ExportGuard.EnsureExportable(model));
        Assert.Contains("dwf_factors", error.Message, StringComparison.Ordinal);
    }
}
