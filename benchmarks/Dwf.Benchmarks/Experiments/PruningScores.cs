using Dwf.Numerics;
using System;
using System.Collections.Generic;
using System.Linq;
using Dwf.Data;
using TorchSharp;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace Dwf.Benchmarks.Experiments;

/// <summary>Saliency scores of the pruning-at-initialization baselines (higher = keep).</summary>
public static class PruningScores
{
    /// <summary>Uniform random scores: a random mask with the same density in every layer in expectation.</summary>
    public static List<Tensor> Random(IReadOnlyList<(string Name, Parameter Weight)> weights, long seed)
    {
        using var generator = new TorchSharp.torch.Generator((ulong)seed + 1000);
        return weights.Select(w => rand(w.Weight.shape, generator: generator)).ToList();
    }

    /// <summary>SNIP: |∂L/∂w ⊙ w| on one batch of training data (Lee et al., 2019).</summary>
    public static List<Tensor> Snip(nn.Module<Tensor, Tensor> model, IReadOnlyList<(string Name, Parameter Weight)> weights, Tensor images, Tensor labels)
    {
        model.zero_grad();
        nn.functional.cross_entropy(model.call(images), labels).backward();
        var scores = weights.Select(w => w.Weight.grad!.mul(w.Weight).abs().detach()).ToList();
        model.zero_grad();
        return scores;
    }

    /// <summary>
    /// GraSP: −w ⊙ (H g) with g = ∂L/∂w and H the Hessian, on one batch (Wang et al., 2020); weights whose
    /// removal reduces gradient flow the least have the highest scores and are pruned, so keep = −score.
    /// </summary>
    public static List<Tensor> Grasp(nn.Module<Tensor, Tensor> model, IReadOnlyList<(string Name, Parameter Weight)> weights, Tensor images, Tensor labels)
    {
        var parameters = weights.Select(w => (Tensor)w.Weight).ToList();
        var first = autograd.grad(new[] { nn.functional.cross_entropy(model.call(images), labels) }, parameters);
        var fixedGradient = first.Select(g => g.detach()).ToList();
        // retain_graph: PyTorch defaults it to create_graph; TorchSharp does not, and the second backward needs the saved tensors.
        var second = autograd.grad(new[] { nn.functional.cross_entropy(model.call(images), labels) }, parameters, retain_graph: true, create_graph: true);
        Tensor z = zeros(1, dtype: parameters[0].dtype, device: parameters[0].device);
        for (int i = 0; i < parameters.Count; i++)
        {
            z = z.add(second[i].mul(fixedGradient[i]).sum(), Scalars.One);
        }

        var hessianGradient = autograd.grad(new[] { z }, parameters);
        return parameters.Select((p, i) => p.detach().mul(hessianGradient[i]).detach()).ToList(); // = −(−w ⊙ Hg): keep the lowest GraSP scores
    }

    /// <summary>
    /// SynFlow (Tanaka et al., 2020): data-free, iterative. With |w| for every parameter and an all-ones
    /// input, R = Σ f(1); score |∂R/∂w ⊙ w|; the mask is tightened over <paramref name="iterations"/>
    /// rounds to density (1/CR)^(k/n). Returns the mask directly.
    /// </summary>
    public static PruningMask SynFlow(Func<nn.Module<Tensor, Tensor>> createTwin, nn.Module<Tensor, Tensor> model, long[] inputShape, double targetRatio, int iterations = 100)
    {
        // Work on a float64 copy with absolute values, so the linearized network neither overflows nor changes the model.
        var twin = createTwin();
        twin.load_state_dict(model.state_dict());
        twin.to(float64);
        twin.eval();
        using (no_grad())
        {
            foreach (var p in twin.parameters())
            {
                p.abs_();
            }
        }

        var twinWeights = Nets.PrunableWeights(twin);
        var original = twinWeights.Select(w => w.Weight.detach().clone()).ToList();
        PruningMask? mask = null;
        var input = ones(inputShape, dtype: float64, device: twinWeights[0].Weight.device);
        for (int k = 1; k <= iterations; k++)
        {
            using var scope = NewDisposeScope();
            twin.zero_grad();
            twin.call(input).sum().backward();
            var scores = twinWeights.Select(w => w.Weight.grad!.mul(w.Weight).abs().detach()).ToList();
            double ratio = Math.Pow(targetRatio, (double)k / iterations);
            mask?.Dispose();
            mask = PruningMask.KeepTopGlobally(twinWeights, scores, ratio);
            using (no_grad())
            {
                for (int i = 0; i < twinWeights.Count; i++)
                {
                    twinWeights[i].Weight.copy_(original[i]);
                }
            }

            mask.Apply();
        }

        // Transfer the final pattern (the twin's surviving entries) to the real model's weights.
        using var zero = 0.ToScalar();
        var pattern = twinWeights.Select(w => w.Weight.detach().ne(zero)).ToList();
        var result = PruningMask.FromPattern(Nets.PrunableWeights(model), pattern);
        mask!.Dispose();
        twin.Dispose();
        return result;
    }

    /// <summary>One fixed batch of training data for the data-dependent scores, on <paramref name="device"/> (the model's).</summary>
    public static (Tensor Images, Tensor Labels) ScoringBatch(ImageClassificationDataset train, int size, long seed, bool flatten, Device? device = null)
    {
        using var loader = train.Batches(size, shuffle: true, seed: seed, dropLast: true, flatten: flatten, device: device);
        var (images, labels) = loader.Epoch(0).First();
        return (images, labels);
    }
}
