using System;
using System.Collections.Generic;
using System.Linq;
using Dwf.Core;
using TorchSharp.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Dwf;

/// <summary>
/// TorchSharp's <see cref="SGD"/> for a factorized module: factor groups by depth and λ (weight decay 2λ/D,
/// depth-aware learning rate) and one group for the other parameters. <c>zero_grad()</c>, <c>step()</c>,
/// parameter groups, state dicts and learning-rate schedulers work as for plain SGD.
/// </summary>
/// <remarks>
/// On the CPU, each factorized weight is updated by one fused pass (chain rule, SGD update of every
/// factor, W = ⊙ w_d); the factors' momentum buffers are the ordinary SGD state, so
/// <c>save_state_dict</c>/<c>load_state_dict</c> keep working. Elsewhere (GPU, other dtypes) the same
/// update runs as tensor operations. Factor gradients that arrive through autograd (when the penalty is
/// added to the loss) are included and then cleared.
/// </remarks>
public sealed class FactorizedSgd : SGD, IFactorizedOptimizer
{
    private readonly FactorizationStepper _stepper;
    private readonly FusedFactorSgd _kernel = new();
    private readonly List<FactorizedWeight> _generalPath = new();
    private readonly Dictionary<FactorizedWeight, FusedWeightBinding> _bindings = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<FactorizedWeight> _firstStepPending = new(ReferenceEqualityComparer.Instance);
    private Tensor?[] _extras = new Tensor?[4];
    private double _effectiveRateCap;

    internal FactorizedSgd(ParameterLayout layout, double lr, double momentum, double dampening, double weightDecay, bool nesterov, bool penaltyAsWeightDecay, double effectiveRateCap)
        : base(
            layout.FactorGroups
                .Select(g => new ParamGroup(g.Parameters, lr: g.LearningRate, momentum: momentum, dampening: dampening, weight_decay: penaltyAsWeightDecay ? FactorizationStepper.PenaltyWeightDecay(g.Lambda, g.Depth) : 0.0, nesterov: nesterov))
                .Append(new ParamGroup(layout.DenseParameters, lr: lr, momentum: momentum, dampening: dampening, weight_decay: weightDecay, nesterov: nesterov))
                .ToList(),
            lr,
            momentum,
            dampening,
            weightDecay,
            nesterov)
    {
        _stepper = new FactorizationStepper(layout, penaltyAsWeightDecay, SetFactorGroupWeightDecay);
        EffectiveRateCap = effectiveRateCap;
    }

    /// <summary>
    /// The bound on each factorized weight's effective learning rate η·Σ_d Π_{k≠d} w_k², as a multiple of the dense
    /// group's current learning rate (default 5: no weight moves faster than a dense weight at 5 × the dense rate;
    /// <see cref="double.PositiveInfinity"/>: no bound, plain SGD on the factors). See docs/learning-rate.md.
    /// </summary>
    public double EffectiveRateCap
    {
        get => _effectiveRateCap;
        set => _effectiveRateCap = value > 0 // NaN fails too
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "The effective learning-rate cap must be > 0 (default 5; double.PositiveInfinity for none).");
    }

    /// <summary>Number of factor groups; they come first in the parameter groups, the dense group last.</summary>
    public int FactorGroupCount => _stepper.Layout.FactorGroups.Count;

    /// <summary>Depth of the factor group at <paramref name="index"/>.</summary>
    public int FactorGroupDepth(int index) => _stepper.Layout.FactorGroups[index].Depth;

    Factorization IFactorizedOptimizer.Owner => _stepper.Layout.Owner;

    IReadOnlyList<(int Depth, double LearningRate, double StepAmplification)> IFactorizedOptimizer.FactorGroupRates() =>
        Enumerable.Range(0, FactorGroupCount)
            .Select(g => ((ParamGroup)_parameter_groups[g]).Options)
            .Select((o, g) => (FactorGroupDepth(g), o.LearningRate!.Value, StepAmplification(o.momentum!.Value, o.dampening!.Value, o.nesterov!.Value)))
            .ToList();

    // A constant gradient g fills the buffer to (1 − τ)·g/(1 − β); Nesterov steps g + β·buffer.
    internal static double StepAmplification(double momentum, double dampening, bool nesterov)
    {
        if (momentum == 0)
        {
            return 1.0;
        }

        double buffer = (1.0 - dampening) / (1.0 - momentum);
        return nesterov ? 1.0 + (momentum * buffer) : buffer;
    }

    /// <summary>Use the fused CPU kernel where possible (default true); false forces the general path (for tests and benchmarks).</summary>
    public bool UseFusedKernel { get; set; } = true;

    /// <inheritdoc/>
    public override Tensor step(Func<Tensor>? closure = null)
    {
        Tensor? loss = null;
        if (closure is not null)
        {
            using var enableGrad = enable_grad();
            loss = closure();
        }

        _stepper.Prepare();
        _generalPath.Clear();
        var groups = _stepper.Layout.FactorGroups;
        double denseRate = ((ParamGroup)_parameter_groups[^1]).Options.LearningRate!.Value;
        for (int g = 0; g < groups.Count; g++)
        {
            var options = ((ParamGroup)_parameter_groups[g]).Options;
            var bound = EffectiveRateBound.For(EffectiveRateCap, denseRate, options.LearningRate!.Value);
            var hyper = new SgdHyperparameters(options.LearningRate!.Value, options.momentum!.Value, options.dampening!.Value, options.weight_decay!.Value, options.nesterov!.Value, options.maximize!.Value, bound.Coefficient);
            foreach (var weight in groups[g].Weights)
            {
                if (!(UseFusedKernel && TryFusedStep(weight, hyper)))
                {
                    ProductRule.AccumulateFactorGradients(weight, bound, hyper.WeightDecay);
                    _generalPath.Add(weight);
                }
            }
        }

        // The dense group, and the factors of weights that took the general path (fused factors have no gradient).
        if (_generalPath.Count > 0 || !(UseFusedKernel && TryFusedDenseStep()))
        {
            base.step();
        }

        foreach (var weight in _generalPath)
        {
            ProductRule.Rematerialize(weight);
        }

        _stepper.HoldScaleInvariantNorms();
        return loss!;
    }

    /// <inheritdoc/>
    public override void zero_grad() => _stepper.ZeroGradients(base.zero_grad);

    private bool TryFusedStep(FactorizedWeight weight, SgdHyperparameters hyper)
    {
        bool momentum = hyper.Momentum != 0;
        if (!_bindings.TryGetValue(weight, out var binding)
            || !binding.Matches(weight, MomentumBuffer)
            || (momentum && Array.Exists(binding.Buffers, b => b is null)))
        {
            binding = Bind(weight, momentum);
            if (binding is null)
            {
                _bindings.Remove(weight);
                return false;
            }

            _bindings[weight] = binding;
        }

        using var gradient = binding.Weight.grad;
        if (gradient is null || !gradient.is_contiguous() || gradient.device_type != DeviceType.CPU)
        {
            return false; // unused layer (SGD leaves it alone too), or an unusual gradient layout: general path
        }

        int depth = binding.Factors.Length;
        Span<IntPtr> extraData = stackalloc IntPtr[depth];
        var extras = _extras.Length >= depth ? _extras : _extras = new Tensor?[depth];
        try
        {
            for (int d = 0; d < depth; d++)
            {
                extras[d] = binding.Factors[d].grad;
                extraData[d] = extras[d] is { } extra && extra.is_contiguous() ? FusedFactorSgd.Address(extra) : IntPtr.Zero;
                if (extras[d] is not null && extraData[d] == IntPtr.Zero)
                {
                    return false;
                }
            }

            bool first = momentum && _firstStepPending.Remove(weight);
            _kernel.Step(binding.WeightData, FusedFactorSgd.Address(gradient), binding.FactorData, momentum ? binding.BufferData : new IntPtr[depth], extraData, binding.Count, binding.IsDouble, first, hyper);

            // Consumed: without a gradient the base optimizer leaves these factors alone.
            for (int d = 0; d < depth; d++)
            {
                if (extras[d] is not null)
                {
                    binding.Factors[d].grad = null;
                }
            }

            return true;
        }
        finally
        {
            for (int d = 0; d < depth; d++)
            {
                extras[d]?.Dispose();
                extras[d] = null;
            }
        }
    }

    // The dense group (last) in one pass per parameter; false (nothing changed) if any parameter needs the base optimizer.
    private bool TryFusedDenseStep()
    {
        var group = (ParamGroup)_parameter_groups[^1];
        var options = group.Options;
        var hyper = new SgdHyperparameters(options.LearningRate!.Value, options.momentum!.Value, options.dampening!.Value, options.weight_decay!.Value, options.nesterov!.Value, options.maximize!.Value);
        bool momentum = hyper.Momentum != 0;
        using var scope = NewDisposeScope();
        var gradients = new List<(Parameter Parameter, Tensor Gradient, State State)>();
        foreach (var parameter in group.Parameters)
        {
            var gradient = parameter.grad;
            if (gradient is null)
            {
                continue; // SGD skips parameters without a gradient
            }

            var state = (State)_state[parameter.Handle];
            if (!FusedDenseSgd.Supports(parameter, gradient, momentum ? state.momentum_buffer : null))
            {
                return false;
            }

            gradients.Add((parameter, gradient, state));
        }

        using var noGrad = no_grad();
        foreach (var (parameter, gradient, state) in gradients)
        {
            bool first = momentum && state.momentum_buffer is null;
            if (first)
            {
                state.momentum_buffer = zeros_like(parameter).DetachFromDisposeScope();
            }

            FusedDenseSgd.Step(parameter, gradient, momentum ? state.momentum_buffer : null, first, hyper);
        }

        return true;
    }

    /// <summary>
    /// Zeroes every momentum buffer (factors and dense group) in place: after a rollback the next step starts the
    /// buffers afresh from its gradient, as SGD's first step does (without dampening), instead of replaying the
    /// velocity that led to the blow-up. In place, so the fused kernels' bindings stay valid.
    /// </summary>
    internal void ResetMomentum()
    {
        using var noGrad = no_grad();
        foreach (var buffer in MomentumBuffers())
        {
            buffer.zero_();
        }
    }

    /// <summary>The momentum buffers that exist so far (none before the first step with momentum).</summary>
    internal IEnumerable<Tensor> MomentumBuffers()
    {
        foreach (var group in _parameter_groups)
        {
            foreach (var parameter in group.Parameters)
            {
                if (_state.TryGetValue(parameter.Handle, out var state) && ((State)state).momentum_buffer is { } buffer)
                {
                    yield return buffer;
                }
            }
        }
    }

    private Tensor? MomentumBuffer(Parameter factor) => ((State)_state[factor.Handle]).momentum_buffer;

    // The slow path: every check, once per weight (again only after a .to(), re-factorization or state load).
    private FusedWeightBinding? Bind(FactorizedWeight weight, bool momentum)
    {
        using var scope = NewDisposeScope();
        var layerWeight = weight.Weight;
        using var gradient = layerWeight.grad;
        int depth = weight.Depth;
        var factors = new Parameter[depth];
        for (int d = 0; d < depth; d++)
        {
            factors[d] = weight.Factor(d);
        }

        if (gradient is null || !FusedFactorSgd.Supports(layerWeight, gradient, factors))
        {
            return null;
        }

        var buffers = new Tensor?[depth];
        if (momentum)
        {
            int missing = 0;
            for (int d = 0; d < depth; d++)
            {
                var buffer = MomentumBuffer(factors[d]);
                if (buffer is null)
                {
                    missing++;
                }
                else if (!buffer.is_contiguous() || buffer.dtype != layerWeight.dtype || buffer.device_type != DeviceType.CPU)
                {
                    return null;
                }
            }

            if (missing != 0 && missing != depth)
            {
                return null; // partially loaded state: let the general path apply SGD's own rules
            }

            for (int d = 0; d < depth; d++)
            {
                var state = (State)_state[factors[d].Handle];
                if (missing == depth)
                {
                    // SGD's first step sets the buffer to the gradient; the kernel does that when told it is the first.
                    state.momentum_buffer = zeros_like(factors[d]).DetachFromDisposeScope();
                }

                buffers[d] = state.momentum_buffer;
            }

            if (missing == depth)
            {
                _firstStepPending.Add(weight);
            }
        }

        return new FusedWeightBinding(layerWeight, factors, buffers);
    }

    private void SetFactorGroupWeightDecay(int group, double weightDecay) =>
        ((ParamGroup)_parameter_groups[group]).Options.weight_decay = weightDecay;
}
