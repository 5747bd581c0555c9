using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Runtime.CompilerServices;
using Dwf.Core;
using Dwf.Initialization;
using Dwf.Numerics;
using TorchSharp;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace Dwf;

/// <summary>
/// The deep weight factorization of one module: its factorized weights, the factor store registered on
/// it, and the operations the generated code forwards to (penalty, sparsity, collapse, optimizers, compression
/// controller, SetLambda, FactorizeFromCurrentWeights).
/// </summary>
/// <remarks>
/// <para>
/// Design (see docs/architecture.md): the module's layers are left untouched. Each factorized weight
/// W keeps its place, type and state-dict key; the D factors are extra parameters in a store module
/// registered as <see cref="StoreName"/>. The factors are the trained "master" parameters: the optimizers
/// from <see cref="CreateSgd"/> and <see cref="CreateAdamW"/> carry ∂L/∂W to each factor by the chain rule
/// before their update and write W = ⊙ w_d back after it. So the model's constructor, fields and
/// <c>forward</c> stay as they are, readonly fields and sealed layer types included.
/// </para>
/// <para>
/// One instance per module, created by <see cref="Attach"/> (idempotent) and found again with
/// <see cref="Find"/>. A submodule with a factorization of its own keeps it; the parent's operations
/// include the submodule's weights.
/// </para>
/// </remarks>
public sealed class Factorization
{
    /// <summary>Registered name of the factor store; factor keys are <c>dwf_factors.&lt;weight path&gt;.&lt;d&gt;</c>.</summary>
    public const string StoreName = "dwf_factors";

    private static readonly ConditionalWeakTable<nn.Module, Factorization> Registry = new();

    private readonly List<FactorizedWeight> _ownWeights = new();
    private FactorNode? _store;

    private Factorization(nn.Module module, FactorizationPlan plan)
    {
        Module = module;
        Plan = plan;
    }

    /// <summary>The factorized module.</summary>
    public nn.Module Module { get; }

    /// <summary>The plan the factorization was built from.</summary>
    public FactorizationPlan Plan { get; }

    /// <summary>True after <see cref="Collapse"/>: the module is an ordinary TorchSharp module again.</summary>
    public bool IsCollapsed => _store is null;

    /// <summary>
    /// Hold every scale-invariant weight (one that feeds BatchNorm or another normalization layer and nothing else,
    /// <see cref="FactorizedWeight.IsScaleInvariant"/>) at the norm it starts training with (default <c>true</c>).
    /// Without it the penalty shrinks such layers as a whole at no cost in the loss: their scale drifts by orders of
    /// magnitude, BatchNorm's running statistics go stale (eval accuracy at chance) and the collapse threshold
    /// measures the layer's scale instead of which weights matter (docs/normalization.md). Optimizers read it at every
    /// step; <c>false</c> trains such weights as the paper's formulation does.
    /// </summary>
    public bool HoldScaleInvariantNorms { get; set; } = true;

    /// <summary>
    /// How <see cref="HoldScaleInvariantNorms"/> holds a channel: <see cref="NormHold.AtLeast"/> its starting norm
    /// (default: the penalty cannot shrink it below, the loss may grow it as in dense training, which lowers its effective
    /// learning rate), or <see cref="NormHold.Exactly"/> at it. Measured in 3 epochs on Fashion-MNIST at CR 20, holding
    /// exactly cost 2.0 points on a MobileNet-style net and 0.7 on a VGG-style one against holding at least
    /// (docs/normalization.md).
    /// </summary>
    public NormHold ScaleInvariantNormHold { get; set; } = NormHold.AtLeast;

    /// <summary>The weights factorized by this module's own plan (paths relative to <see cref="Module"/>).</summary>
    public IReadOnlyList<FactorizedWeight> OwnWeights => _ownWeights;

    /// <summary>
    /// All factorized weights under <see cref="Module"/>: its own, then those of submodules that carry a
    /// factorization of their own (their <see cref="FactorizedWeight.Path"/> is relative to that submodule).
    /// </summary>
    public IReadOnlyList<FactorizedWeight> Weights => EnumerateWeights().Select(e => e.Weight).ToList();

    /// <summary>
    /// Factorizes the eligible weights of <paramref name="module"/> according to <paramref name="plan"/>,
    /// initializes the factors (variance matching with truncation) and sets every weight to their product.
    /// Calling it again on the same module returns the existing factorization.
    /// </summary>
    /// <remarks>Call it once the module's children are registered (after <c>RegisterComponents()</c>).</remarks>
    public static Factorization Attach(nn.Module module, FactorizationPlan plan)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(plan);
        NativeNumerics.EnsureChecked();
        lock (Registry)
        {
            if (Registry.TryGetValue(module, out var existing))
            {
                return existing;
            }

            var targets = WeightDiscovery.Find(module, plan, m => !ReferenceEquals(m, module) && Registry.TryGetValue(m, out _));
            var factorization = new Factorization(module, plan);
            factorization.Build(targets);
            Registry.Add(module, factorization);
            return factorization;
        }
    }

    /// <summary>The factorization attached to <paramref name="module"/>, or <c>null</c>.</summary>
    public static Factorization? Find(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        return Registry.TryGetValue(module, out var factorization) ? factorization : null;
    }

    /// <summary>
    /// The penalty (λ/D)·Σ_d ‖w_d‖² summed over all factorized weights, as a differentiable scalar.
    /// </summary>
    /// <remarks>
    /// The optimizers from <see cref="CreateSgd"/>/<see cref="CreateAdamW"/> already apply it as weight decay
    /// 2λ/D; add it to the loss only for an optimizer created with <c>penalty_as_weight_decay: false</c>.
    /// Zero after <see cref="Collapse"/>.
    /// </remarks>
    public Tensor Penalty()
    {
        Tensor? total = null;
        foreach (var weight in Weights.Where(w => !w.IsCollapsed))
        {
            using var scope = NewDisposeScope();
            Tensor sum = weight.Factor(0).square().sum();
            for (int d = 1; d < weight.Depth; d++)
            {
                sum = sum.add(weight.Factor(d).square().sum(), Scalars.One);
            }

            using var coefficient = (weight.Lambda / weight.Depth).ToScalar();
            var term = sum.mul(coefficient);
            var next = total is null ? term : total.add(term, Scalars.One);
            total?.Dispose();
            total = next.MoveToOuterDisposeScope();
        }

        return total ?? zeros(Array.Empty<long>(), dtype: DefaultDtype(), device: DefaultDevice());
    }

    /// <summary>
    /// Sparsity of the factorized weights as they are now (read-only; usable during training): an entry
    /// counts as zero if |W| &lt; <paramref name="threshold"/>, i.e. if <see cref="Collapse"/> would zero it.
    /// </summary>
    public SparsityReport Sparsity(double threshold = FactorizationDefaults.CollapseThreshold)
    {
        ValidateThreshold(threshold);
        return SparsityReport.Measure(EnumerateWeights().ToList(), threshold);
    }

    /// <summary>
    /// Multiplies the factors back into the layer weights, sets entries with |W| &lt; <paramref name="threshold"/>
    /// to exactly zero and removes the factors: the module is an ordinary TorchSharp module again, with the
    /// state-dict keys of the same class without factorization.
    /// </summary>
    /// <exception cref="InvalidOperationException">A layer weight was changed behind the factors' back.</exception>
    public SparsityReport Collapse(double threshold = FactorizationDefaults.CollapseThreshold)
    {
        ValidateThreshold(threshold);
        var active = Weights.Where(w => !w.IsCollapsed).ToList();
        // Check everything before changing anything, so a failed collapse leaves the model as it was.
        foreach (var weight in active)
        {
            EnsureWeightMatchesFactors(weight);
        }

        using (no_grad())
        {
            using var thresholdScalar = threshold.ToScalar();
            using var zero = 0.0.ToScalar();
            foreach (var weight in active)
            {
                using var scope = NewDisposeScope();
                var product = weight.Product();
                product.masked_fill_(product.abs().lt(thresholdScalar), zero);
                weight.Weight.copy_(product);
            }
        }

        foreach (var nested in NestedFactorizations())
        {
            nested.RemoveStore();
        }

        RemoveStore();
        return Sparsity(threshold);
    }

    /// <summary>
    /// Sets every factorized weight's factors from its current value, function-preservingly
    /// (balanced: |w_d| = |W|^(1/D), the sign on the first factor). Use it after loading dense
    /// (e.g. pretrained) weights, or to factorize a collapsed model again.
    /// </summary>
    public void FactorizeFromCurrentWeights()
    {
        foreach (var nested in NestedFactorizations())
        {
            nested.FactorizeFromCurrentWeights();
        }

        EnsureStore();
        foreach (var weight in _ownWeights)
        {
            var holder = weight.Holder ?? HolderFor(weight.Path);
            var values = FactorSampler.Balanced(weight.Weight, weight.Depth);
            SetFactors(weight, holder, values);
        }
    }

    /// <summary>Draws new random factors for every weight (variance matching with truncation), as at construction.</summary>
    public void ReinitializeFactors()
    {
        foreach (var nested in NestedFactorizations())
        {
            nested.ReinitializeFactors();
        }

        EnsureStore();
        foreach (var weight in _ownWeights)
        {
            var holder = weight.Holder ?? HolderFor(weight.Path);
            SetFactors(weight, holder, SampleFactors(weight.Owner, weight.ParameterName, weight.Settings));
        }
    }

    /// <summary>
    /// Sets λ of every factorized weight (sweeps, schedules), times each weight's <see cref="FactorizedWeight.LambdaFactor"/>
    /// (1 unless the plan scales λ by fan-in). Optimizers pick it up at their next step.
    /// </summary>
    public void SetLambda(double lambda)
    {
        FactorizationSettings.ValidateLambda(lambda, $"{Plan.Name}.SetLambda");
        foreach (var weight in Weights)
        {
            weight.Settings = weight.Settings.WithLambda(lambda * weight.LambdaFactor, weight.Path);
        }
    }

    /// <summary>
    /// SGD over the factors (one parameter group per depth and λ, learning rate scaled by
    /// <see cref="DepthLearningRate"/>, weight decay 2λ/D) and the other trainable parameters (one group,
    /// learning rate <paramref name="lr"/>, weight decay <paramref name="weight_decay"/>).
    /// </summary>
    /// <param name="lr">Learning rate of the dense parameters; factor groups use lr × DepthLearningRate.Multiplier(D).</param>
    /// <param name="momentum">Momentum factor.</param>
    /// <param name="nesterov">Nesterov momentum.</param>
    /// <param name="weight_decay">Weight decay of the non-factorized parameters.</param>
    /// <param name="dampening">Dampening for momentum.</param>
    /// <param name="penalty_as_weight_decay">Apply the DWF penalty as weight decay 2λ/D (default). With <c>false</c>, add <see cref="Penalty"/> to the loss yourself.</param>
    /// <param name="effective_lr_cap">
    /// Bound on how fast a factorized weight may move, as a multiple of the dense learning rate (default 5; see
    /// <see cref="FactorizedSgd.EffectiveRateCap"/>). Large weights would otherwise move up to D·|W|^(2−2/D) × the
    /// factor rate per unit gradient and diverge; <see cref="double.PositiveInfinity"/> turns the bound off.
    /// </param>
    public FactorizedSgd CreateSgd(double lr, double momentum = 0.0, bool nesterov = false, double weight_decay = 0.0, double dampening = 0.0, bool penalty_as_weight_decay = true, double effective_lr_cap = FactorizationDefaults.EffectiveRateCap)
    {
        var layout = ParameterLayout.Build(this, lr);
        return new FactorizedSgd(layout, lr, momentum, dampening, weight_decay, nesterov, penalty_as_weight_decay, effective_lr_cap);
    }

    /// <summary>
    /// AdamW over the factors (groups per depth and λ; decoupled weight decay 2λ/D) and the other
    /// trainable parameters (weight decay <paramref name="weight_decay"/>).
    /// </summary>
    /// <remarks>
    /// AdamW decouples weight decay from the gradient, so the penalty acts as a multiplicative shrinkage of
    /// the factors rather than as the exact L_{2/D} objective; the equivalence theorem is stated for SGD.
    /// </remarks>
    public FactorizedAdamW CreateAdamW(double lr, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weight_decay = 0.0, bool amsgrad = false, bool penalty_as_weight_decay = true)
    {
        var layout = ParameterLayout.Build(this, lr);
        return new FactorizedAdamW(layout, lr, beta1, beta2, eps, weight_decay, amsgrad, penalty_as_weight_decay);
    }

    /// <summary>
    /// A controller that steers λ so that the compression ratio at the end of training reaches
    /// <paramref name="target_compression"/> (default: the plan's <c>[Factorize(TargetCompression = …)]</c>). Call its
    /// <see cref="CompressionController.step"/> after every <c>optimizer.step()</c>.
    /// </summary>
    /// <param name="optimizer">The optimizer from <see cref="CreateSgd"/> or <see cref="CreateAdamW"/> of this factorization.</param>
    /// <param name="total_steps">Optimizer steps of the whole run (epochs × batches per epoch).</param>
    /// <param name="target_compression">The ratio wanted at the end (&gt; 1); <c>null</c> takes the plan's.</param>
    /// <param name="options">How λ is steered (defaults: <see cref="CompressionControllerOptions"/>).</param>
    /// <exception cref="ArgumentException">No target here or in the plan, a target ≤ 1, or an optimizer of another model.</exception>
    public CompressionController CreateCompressionController(optim.Optimizer optimizer, long total_steps, double? target_compression = null, CompressionControllerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        double target = target_compression ?? Plan.Options.TargetCompression
            ?? throw new ArgumentException($"{Plan.Name} has no target compression ratio: pass target_compression (e.g. 100 for 99 % zeros) or set [Factorize(TargetCompression = 100)].", nameof(target_compression));
        if (optimizer is not IFactorizedOptimizer factorized || !ReferenceEquals(factorized.Owner, this))
        {
            throw new ArgumentException($"The optimizer does not train {Plan.Name}'s factors: create it with this model's CreateSgd or CreateAdamW.", nameof(optimizer));
        }

        return new CompressionController(optimizer, target, total_steps, options);
    }

    /// <summary>
    /// Throws if a weight differs from the product of its factors, i.e. it was changed behind the
    /// factorization's back (by an optimizer built from <c>parameters()</c>, a dense checkpoint, an edit).
    /// </summary>
    public void EnsureConsistent()
    {
        foreach (var weight in Weights.Where(w => !w.IsCollapsed))
        {
            EnsureWeightMatchesFactors(weight);
        }
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"Factorization of {Module.GetType().Name}: {Weights.Count.ToString(CultureInfo.InvariantCulture)} weights{(IsCollapsed ? ", collapsed" : string.Empty)}";

    internal IEnumerable<(string Path, FactorizedWeight Weight)> EnumerateWeights()
    {
        foreach (var weight in _ownWeights)
        {
            yield return (weight.Path, weight);
        }

        foreach (var (prefix, nested) in NestedFactorizationsWithPaths(Module, string.Empty))
        {
            foreach (var (path, weight) in nested.EnumerateWeights())
            {
                yield return ($"{prefix}.{path}", weight);
            }
        }
    }

    internal static void EnsureWeightMatchesFactors(FactorizedWeight weight)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var product = weight.Product();
        var current = weight.Weight.detach();
        if (!current.shape.SequenceEqual(product.shape))
        {
            throw new InvalidOperationException(
                $"The weight '{weight.Path}' has shape [{string.Join(", ", current.shape)}] but its factors have shape [{string.Join(", ", product.shape)}]; the layer was replaced after factorization.");
        }

        double scale = product.abs().max().to(float64).item<double>();
        double difference = current.to(product.dtype).sub(product).abs().max().to(float64).item<double>();
        // Re-materialization writes the product exactly; a dtype conversion (.to(float64)) leaves at most
        // float32 rounding. Anything larger is a change made without the factors.
        double tolerance = 1e-5 * scale + 1e-30;
        if (!(difference <= tolerance))
        {
            throw new InvalidOperationException(
                $"The weight '{weight.Path}' no longer equals the product of its {weight.Depth} factors (max |W - w_1⊙…⊙w_D| = {difference.ToString("G3", CultureInfo.InvariantCulture)}, max |W| = {scale.ToString("G3", CultureInfo.InvariantCulture)}). " +
                "It was changed behind the factorization's back: by an optimizer built from parameters() (use CreateSgd/CreateAdamW instead), " +
                "by loading a dense checkpoint, or by an in-place edit. Call FactorizeFromCurrentWeights() to factorize the current weights, " +
                "or ReinitializeFactors() to start over.");
        }
    }

    private void Build(IReadOnlyList<FactorizationTarget> targets)
    {
        if (targets.Count == 0)
        {
            return;
        }

        EnsureStore();
        foreach (var target in targets)
        {
            var holder = HolderFor(target.Path);
            var weight = new FactorizedWeight(target.Path, target.Owner, target.ParameterName, target.Settings, holder, target.LambdaFactor);
            SetFactors(weight, holder, SampleFactors(target.Owner, target.ParameterName, target.Settings));
            _ownWeights.Add(weight);
        }
    }

    private static Tensor[] SampleFactors(nn.Module owner, string parameterName, FactorizationSettings settings)
    {
        var parameter = owner.get_parameter(parameterName)!;
        double targetStd = settings.Init.Std switch
        {
            InitStd.He => LayerCatalog.HeStd(owner, parameterName, parameter),
            InitStd.Fixed => settings.Init.StdValue,
            _ => LayerCatalog.LayerDefaultStd(owner, parameterName, parameter),
        };
        var distribution = VarianceMatching.Solve(settings.Depth, targetStd, settings.Init.Truncation, settings.Init.VarianceCorrection);
        var factors = new Tensor[settings.Depth];
        for (int d = 0; d < settings.Depth; d++)
        {
            factors[d] = FactorSampler.Sample(distribution, parameter.shape, parameter.dtype, parameter.device);
        }

        return factors;
    }

    private static void SetFactors(FactorizedWeight weight, FactorNode holder, Tensor[] values)
    {
        using var noGrad = no_grad();
        bool requiresGrad = weight.Weight.requires_grad;
        for (int d = 0; d < values.Length; d++)
        {
            string name = d.ToString(CultureInfo.InvariantCulture);
            var existing = holder.get_parameter(name);
            if (existing is null)
            {
                holder.register_parameter(name, new Parameter(values[d], requires_grad: requiresGrad));
            }
            else
            {
                existing.copy_(values[d]);
                values[d].Dispose();
            }
        }

        weight.Reattach(holder);
        weight.ScaleInvariance.Reset(); // new values: the norm to hold is the one training starts from
        ProductRule.Rematerialize(weight);
    }

    private void EnsureStore()
    {
        if (_store is not null)
        {
            return;
        }

        if (Module.named_children().Any(c => c.name == StoreName))
        {
            throw new InvalidOperationException(
                $"{Plan.Name}: a submodule named '{StoreName}' is already registered; that name is reserved for the factor store. Rename the field.");
        }

        _store = new FactorNode(StoreName);
        Module.register_module(StoreName, _store);
    }

    private FactorNode HolderFor(string path)
    {
        var node = _store!;
        foreach (var segment in path.Split('.'))
        {
            node = node.Child(segment);
        }

        return node;
    }

    private void RemoveStore()
    {
        if (_store is null)
        {
            return;
        }

        Module.register_module(StoreName, null!);
        foreach (var weight in _ownWeights)
        {
            weight.Detach();
        }

        _store.Dispose();
        _store = null;
    }

    private IEnumerable<Factorization> NestedFactorizations() =>
        NestedFactorizationsWithPaths(Module, string.Empty).Select(e => e.Nested);

    // Direct factorized descendants: a factorized submodule's own subtree is its business.
    private static IEnumerable<(string Path, Factorization Nested)> NestedFactorizationsWithPaths(nn.Module module, string prefix)
    {
        foreach (var (name, child) in module.named_children())
        {
            if (name == StoreName)
            {
                continue;
            }

            string path = prefix.Length == 0 ? name : $"{prefix}.{name}";
            if (Registry.TryGetValue(child, out var nested))
            {
                yield return (path, nested);
            }
            else
            {
                foreach (var entry in NestedFactorizationsWithPaths(child, path))
                {
                    yield return entry;
                }
            }
        }
    }

    private Device DefaultDevice() => Module.parameters().FirstOrDefault()?.device ?? CPU;

    private ScalarType DefaultDtype() => Module.parameters().FirstOrDefault()?.dtype ?? ScalarType.Float32;

    private static void ValidateThreshold(double threshold)
    {
        if (!double.IsFinite(threshold) || threshold < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The zero threshold must be finite and ≥ 0 (default 1.19e-7, float32 machine epsilon).");
        }
    }
}
