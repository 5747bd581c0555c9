using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Dwf.Benchmarks.Shared;
using Dwf.Data;
using Dwf.Deployment;
using Dwf.Samples.Models;
using Dwf.Serialization;
using Dwf.Training;
using static TorchSharp.torch;

namespace Dwf.Benchmarks.Deployment;

/// <summary>One line of the deployment table.</summary>
internal sealed record DeploymentRow(
    string Model, double CompressionRatio, double Accuracy, int Batch, string Form, TimeSpan PerForward, double SpeedUp, long FileBytes, double MaxRelativeDifference, long WeightEntries);

/// <summary>
/// Dense collapsed vs compacted vs sparse forms of LeNet-300-100 and LeNet-5, at compression ratios made by
/// global magnitude pruning of a trained dense model: time per forward at batch 1 and 256, bytes on disk,
/// and the largest output difference to the dense collapsed model.
/// </summary>
internal static class DeploymentBenchmark
{
    public static IReadOnlyList<DeploymentRow> Run(DeploymentSettings s)
    {
        var (train, test) = Mnist.Load(s.DataDirectory);
        using var trainData = train;
        using var testData = test;
        var rows = new List<DeploymentRow>();
        foreach (string name in s.Models)
        {
            bool flatten = name == "lenet300";
            string checkpoint = Path.Combine(s.WorkDirectory, $"dense-{name}-e{s.Epochs}-s{s.Seed}.dat");
            if (!File.Exists(checkpoint))
            {
                Console.WriteLine($"training dense {name}, {s.Epochs} epochs");
                manual_seed(s.Seed);
                var dense = Create(name);
                new Trainer(dense, new TrainingOptions { Epochs = s.Epochs, LearningRate = DenseLearningRate(name), Momentum = 0.9, Seed = s.Seed, Flatten = flatten, Device = s.TrainingDevice })
                    .Fit(train, test, new EpochPrinter(name));
                StateDictFile.Save(dense, checkpoint);
            }

            // From here on everything is on the CPU: the models below are built there and loaded from the checkpoint.

            foreach (double target in s.CompressionRatios)
            {
                var model = Create(name);
                StateDictFile.Load(model, checkpoint);
                model.eval();
                double ratio = MagnitudePruning.Prune(((ICompactable)model).DescribeChain(), target);
                var (_, accuracy) = Evaluation.Evaluate(model, test, flatten: flatten);
                Console.WriteLine($"{name} at CR {ratio:F1} (magnitude pruning, no fine-tuning): test acc {accuracy:P2}");
                rows.AddRange(Measure(name, model, ratio, accuracy, test, flatten, s));
            }

            foreach (var (_, path) in s.Collapsed.Where(c => c.Model == name))
            {
                // A model collapsed after DWF training: the compression it reached by itself, at its own accuracy.
                var model = Create(name);
                StateDictFile.Load(model, path);
                model.eval();
                double ratio = Experiments.Sparsity.Measure(model, Experiments.Sparsity.Threshold).Global;
                var (_, accuracy) = Evaluation.Evaluate(model, test, flatten: flatten);
                Console.WriteLine($"{name} from {path} (DWF, collapsed) at CR {ratio:F1}: test acc {accuracy:P2}");
                rows.AddRange(Measure($"{name} (DWF)", model, ratio, accuracy, test, flatten, s));
            }
        }

        return rows;
    }

    private static IEnumerable<DeploymentRow> Measure(string name, nn.Module<Tensor, Tensor> model, double ratio, double accuracy, ImageClassificationDataset test, bool flatten, DeploymentSettings s)
    {
        var chain = ((ICompactable)model).DescribeChain();
        var compaction = Compaction.Compact(model, chain);
        Console.WriteLine(compaction);
        var coo = new TorchSparseModel(compaction.Chain);
        var forms = new (string Name, nn.Module<Tensor, Tensor> Module, Func<string, long> Save)[]
        {
            ("dense collapsed", model, path => SaveSafetensors(path, model.state_dict().Select(kv => (kv.Key, kv.Value)).ToList())),
            ("compacted", compaction.Module, path => SaveSafetensors(path, compaction.Module.state_dict().Select(kv => (kv.Key, kv.Value)).ToList())),
            ("sparse C# (CSR)", SparseModel.FromChain(chain), path => SaveSafetensors(path, SparseFile.Tensors(chain))),
            ("compacted + sparse C# (CSR)", SparseModel.FromChain(compaction.Chain), path => SaveSafetensors(path, SparseFile.Tensors(compaction.Chain))),
            ("compacted + TorchSharp COO", coo, path => SaveSafetensors(path, coo.Tensors().ToList())),
        };

        // Outputs of every form against the dense collapsed model on the whole test set.
        using var images = flatten ? test.FlatView() : test.Images.alias();
        var differences = forms.Select(f => MaxRelativeDifference(model, f.Module, images)).ToArray();
        var bytes = forms.Select((f, i) => f.Save(Path.Combine(s.WorkDirectory, $"{name}-cr{ratio:F0}-form{i}.safetensors"))).ToArray();
        // Dense weight entries of the layers each form was built from (the original ones or the compacted ones).
        var entries = new[] { compaction.WeightsBefore, compaction.WeightsAfter, compaction.WeightsBefore, compaction.WeightsAfter, compaction.WeightsAfter };

        int defaultThreads = get_num_threads();
        set_num_threads(s.TorchThreads);
        foreach (int batch in s.Batches)
        {
            using var input = images[..batch].contiguous();
            var times = ForwardTimer.MedianPerForward(forms.Select(f => f.Module).ToArray(), input, s.Rounds);
            for (int f = 0; f < forms.Length; f++)
            {
                yield return new DeploymentRow(name, ratio, accuracy, batch, forms[f].Name, times[f], times[0] / times[f], bytes[f], differences[f], entries[f]);
                Console.WriteLine($"  batch {batch,3}  {forms[f].Name,-30} {Format.Micro(times[f]),8} µs  x{times[0] / times[f]:F2}  {Format.Bytes(bytes[f]),9}  max rel diff {differences[f]:G2}");
            }
        }

        set_num_threads(defaultThreads);
    }

    private static long SaveSafetensors(string path, IReadOnlyList<(string Key, Tensor Value)> tensors)
    {
        SafetensorsFile.Save(tensors, path);
        return new FileInfo(path).Length;
    }

    /// <summary>max |out − out_reference| / max |out_reference| over <paramref name="images"/>.</summary>
    public static double MaxRelativeDifference(nn.Module<Tensor, Tensor> reference, nn.Module<Tensor, Tensor> form, Tensor images)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var expected = reference.call(images);
        var actual = form.call(images);
        return expected.sub(actual).abs().max().item<float>() / expected.abs().max().item<float>();
    }

    /// <summary>Peak learning rate of dense training: 0.1 for LeNet-300-100; 0.01 for LeNet-5 (Caffe's solver; 0.1 diverges within 20 steps).</summary>
    public static double DenseLearningRate(string name) => name == "lenet5" ? 0.01 : 0.1;

    private static nn.Module<Tensor, Tensor> Create(string name) => name switch
    {
        "lenet300" => new LeNet300(),
        "lenet5" => new LeNet5(),
        _ => throw new ArgumentException($"Unknown model '{name}'; use lenet300 or lenet5."),
    };
}
