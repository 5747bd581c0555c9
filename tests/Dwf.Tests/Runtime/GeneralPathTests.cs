using System.Linq;
using Dwf.Tests.Support;
using TorchSharp;
using Xunit;
using static Dwf.Tests.Runtime.FactorGradientTests;
using static TorchSharp.torch;

namespace Dwf.Tests.Runtime;

/// <summary>
/// The optimizer path that runs off the CPU: on a GPU (or for dtypes the fused kernel does not take) every update is
/// tensor operations (<c>ProductRule</c> + the base optimizer). Checked here on the CPU, where
/// <c>UseFusedKernel = false</c> forces it, over hundreds of steps: against the fused CPU kernel with and without the
/// effective-rate bound (SGD with momentum and Nesterov, D = 2..5), and AdamW, which has only this path, against
/// TorchSharp's AdamW on leaf factors with an explicit product (autograd).
/// </summary>
public sealed class GeneralPathTests
{
    public enum Momentum { Classic, Nesterov }

    private const int Steps = 300;

    /// <summary>
    /// A cap that binds on the enlarged weights below while the run stays stable (the first library default; with 5,
    /// the present default, these set-ups bind on no entry at D = 2 and blow up at D = 5: the test is about the two
    /// paths agreeing while the bound acts, not about the default).
    /// </summary>
    private const double BindingCap = 3.0;

    public static TheoryData<LayerKind, int, ScalarType, Momentum, double> FusedCases()
    {
        var data = new TheoryData<LayerKind, int, ScalarType, Momentum, double>();
        for (int depth = 2; depth <= 5; depth++)
        {
            foreach (var momentum in new[] { Momentum.Classic, Momentum.Nesterov })
            {
                // A cap that binds on the enlarged weights below, and no cap (plain SGD on the factors).
                foreach (double cap in new[] { BindingCap, double.PositiveInfinity })
                {
                    data.Add(LayerKind.Linear, depth, ScalarType.Float64, momentum, cap);
                    data.Add(LayerKind.Linear, depth, ScalarType.Float32, momentum, cap);
                }
            }

            data.Add(LayerKind.Conv2d, depth, ScalarType.Float32, Momentum.Classic, BindingCap);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FusedCases))]
    public void The_general_path_follows_the_fused_kernel_over_hundreds_of_steps(LayerKind kind, int depth, ScalarType dtype, Momentum momentum, double cap)
    {
        using var scope = NewDisposeScope();
        const double Lr = 0.004;
        const double Lambda = 0.02;
        // Enlarged factors where the bound is on, so that it acts; as initialized without it, so that plain SGD is stable.
        bool enlarge = double.IsFinite(cap);
        var fused = Setup(kind, depth, dtype, Lambda, seed: 300 + depth, enlarge);
        var general = Setup(kind, depth, dtype, Lambda, seed: 300 + depth, enlarge);
        var fusedOptimizer = fused.Factorization.CreateSgd(lr: Lr, momentum: 0.9, nesterov: momentum == Momentum.Nesterov, effective_lr_cap: cap);
        var generalOptimizer = general.Factorization.CreateSgd(lr: Lr, momentum: 0.9, nesterov: momentum == Momentum.Nesterov, effective_lr_cap: cap);
        generalOptimizer.UseFusedKernel = false;
        if (double.IsFinite(cap))
        {
            // The bound must act on some entries, or this case would not test it.
            double share = BoundShare(general.Factorization.Weights.Single(), cap / DepthLearningRate.Multiplier(depth));
            Assert.True(share > 0.01, $"the bound acts on only {share:P1} of the entries");
        }

        double firstLoss = double.NaN, lastLoss = double.NaN;
        for (int step = 0; step < Steps; step++)
        {
            using var stepScope = NewDisposeScope();
            fusedOptimizer.zero_grad();
            var loss = Loss(fused.Model.call(fused.Input));
            loss.backward();
            fusedOptimizer.step();
            generalOptimizer.zero_grad();
            Loss(general.Model.call(general.Input)).backward();
            generalOptimizer.step();
            lastLoss = loss.to(float64).item<double>();
            firstLoss = step == 0 ? lastLoss : firstLoss;
        }

        Assert.True(lastLoss < firstLoss, $"the loss fell ({firstLoss:G4} → {lastLoss:G4})");
        // Different summation orders round differently: measured ≤ 2e-15 in float64 and ≤ 4e-5 in float32 (conv) after 300 steps.
        double tolerance = dtype == ScalarType.Float64 ? 1e-12 : 2e-4;
        var a = fused.Factorization.Weights.Single();
        var b = general.Factorization.Weights.Single();
        for (int d = 0; d < depth; d++)
        {
            TensorAssert.RelativelyClose(a.Factor(d), b.Factor(d), tolerance, $"factor {d} after {Steps} steps");
        }

        TensorAssert.RelativelyClose(a.Weight, b.Weight, tolerance, $"layer weight after {Steps} steps");
        TensorAssert.RelativelyClose(b.Product(), b.Weight, dtype == ScalarType.Float64 ? 1e-12 : 1e-6, "general path: W = product of its factors");
    }

    /// <summary>
    /// With the penalty in the loss (penalty_as_weight_decay: false) the factors get a gradient of their own through
    /// autograd; with the bound active both paths must scale it too, so they still agree.
    /// </summary>
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public void With_the_penalty_in_the_loss_and_the_bound_active_both_paths_agree(int depth)
    {
        using var scope = NewDisposeScope();
        const double Lr = 0.004;
        const double Lambda = 0.02;
        var fused = Setup(LayerKind.Linear, depth, ScalarType.Float64, Lambda, seed: 700 + depth, enlarge: true);
        var general = Setup(LayerKind.Linear, depth, ScalarType.Float64, Lambda, seed: 700 + depth, enlarge: true);
        var fusedOptimizer = fused.Factorization.CreateSgd(lr: Lr, momentum: 0.9, penalty_as_weight_decay: false, effective_lr_cap: BindingCap);
        var generalOptimizer = general.Factorization.CreateSgd(lr: Lr, momentum: 0.9, penalty_as_weight_decay: false, effective_lr_cap: BindingCap);
        generalOptimizer.UseFusedKernel = false;
        for (int step = 0; step < 100; step++)
        {
            using var stepScope = NewDisposeScope();
            fusedOptimizer.zero_grad();
            Loss(fused.Model.call(fused.Input)).add(fused.Factorization.Penalty()).backward();
            fusedOptimizer.step();
            generalOptimizer.zero_grad();
            Loss(general.Model.call(general.Input)).add(general.Factorization.Penalty()).backward();
            generalOptimizer.step();
        }

        var a = fused.Factorization.Weights.Single();
        var b = general.Factorization.Weights.Single();
        for (int d = 0; d < depth; d++)
        {
            TensorAssert.RelativelyClose(a.Factor(d), b.Factor(d), 1e-12, $"factor {d} after 100 steps");
        }
    }

    public static TheoryData<LayerKind, int, ScalarType> AdamWCases()
    {
        var data = new TheoryData<LayerKind, int, ScalarType>();
        foreach (var kind in new[] { LayerKind.Linear, LayerKind.Conv2d })
        {
            for (int depth = 2; depth <= 5; depth++)
            {
                data.Add(kind, depth, ScalarType.Float64);
                data.Add(kind, depth, ScalarType.Float32);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AdamWCases))]
    public void AdamW_follows_autograd_through_an_explicit_product_over_hundreds_of_steps(LayerKind kind, int depth, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        // The factor groups train at 0.002 whatever the depth multiplier; the bias at 0.002 / multiplier.
        double lr = 0.002 / DepthLearningRate.Multiplier(depth);
        double factorLr = lr * DepthLearningRate.Multiplier(depth);
        const double Lambda = 0.05;
        var (model, factorization, input) = Setup(kind, depth, dtype, Lambda, seed: 500 + depth, enlarge: false);
        var weight = factorization.Weights.Single();
        var bias = (TorchSharp.Modules.Parameter)model.named_parameters().Single(p => p.name == "layer.bias").parameter;

        // The reference: leaf copies of the factors, an explicit product, autograd, TorchSharp's AdamW with the
        // penalty as decoupled weight decay 2λ/D on the factors and none on the bias.
        var leaves = Enumerable.Range(0, depth).Select(d => new TorchSharp.Modules.Parameter(weight.Factor(d).detach().clone())).ToArray();
        var referenceBias = new TorchSharp.Modules.Parameter(bias.detach().clone());
        var reference = optim.AdamW(
            new[]
            {
                new TorchSharp.Modules.AdamW.ParamGroup(leaves, lr: factorLr, weight_decay: 2 * Lambda / depth),
                new TorchSharp.Modules.AdamW.ParamGroup(new[] { referenceBias }, lr: lr, weight_decay: 0),
            },
            lr);
        var optimizer = factorization.CreateAdamW(lr: lr);

        for (int step = 0; step < Steps; step++)
        {
            using var stepScope = NewDisposeScope();
            optimizer.zero_grad();
            Loss(model.call(input)).backward();
            optimizer.step();

            reference.zero_grad();
            var product = leaves.Skip(1).Aggregate((Tensor)leaves[0], (p, f) => p.mul(f));
            var output = kind == LayerKind.Linear
                ? nn.functional.linear(input, product, referenceBias)
                : nn.functional.conv2d(input, product, referenceBias, padding: new long[] { 1, 1 });
            Loss(output).backward();
            reference.step();
        }

        // Measured ≤ 2e-15 in float64 and ≤ 4e-5 in float32 after 300 steps (Adam divides by √v, which magnifies rounding).
        double tolerance = dtype == ScalarType.Float64 ? 1e-12 : 2e-4;
        for (int d = 0; d < depth; d++)
        {
            TensorAssert.RelativelyClose(leaves[d], weight.Factor(d), tolerance, $"factor {d} after {Steps} AdamW steps");
        }

        TensorAssert.RelativelyClose(referenceBias, bias, tolerance, $"bias after {Steps} AdamW steps");
        var explicitProduct = leaves.Skip(1).Aggregate((Tensor)leaves[0], (p, f) => p.mul(f));
        TensorAssert.RelativelyClose(explicitProduct, weight.Weight, tolerance, $"layer weight = product after {Steps} AdamW steps");
    }

    // Share of the entries whose effective rate the bound scales down: Σ_d Π_{k≠d} w_k² above c = cap × dense / factor rate.
    private static double BoundShare(FactorizedWeight weight, double coefficient)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var factors = Enumerable.Range(0, weight.Depth).Select(d => weight.Factor(d).detach().to(float64)).ToArray();
        var sum = zeros_like(factors[0]);
        for (int d = 0; d < weight.Depth; d++)
        {
            var others = ones_like(factors[0]);
            for (int k = 0; k < weight.Depth; k++)
            {
                others = k == d ? others : others.mul(factors[k].square());
            }

            sum = sum.add(others);
        }

        return sum.gt(coefficient).to(float64).mean().item<double>();
    }

    // One factorized layer; with enlarge its factors are ×1.6 larger than initialized, so that |W| grows by 1.6^D and
    // the effective-rate bound acts on many entries from the first step.
    private static (nn.Module<Tensor, Tensor> Model, Factorization Factorization, Tensor Input) Setup(LayerKind kind, int depth, ScalarType dtype, double lambda, int seed, bool enlarge)
    {
        manual_seed(seed);
        var (model, input, _) = Build(kind, dtype);
        var factorization = Factorized.Attach(model, depth, lambda, field: "layer");
        var weight = factorization.Weights.Single();
        using (no_grad())
        {
            for (int d = 0; enlarge && d < depth; d++)
            {
                weight.Factor(d).mul_(1.6);
            }

            weight.Weight.copy_(weight.Product());
        }

        return (model, factorization, input);
    }
}
