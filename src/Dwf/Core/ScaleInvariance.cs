using System;
using System.Linq;
using Dwf.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace Dwf.Core;

/// <summary>
/// Weights whose scale the loss cannot see (a convolution or linear layer followed by BatchNorm): found from their
/// gradients, and held at the per-channel norms they started training with while the penalty sparsifies them.
/// </summary>
/// <remarks>
/// <para>
/// <b>Why.</b> BatchNorm normalizes each output channel, so L(c·W_c) = L(W_c) for every c &gt; 0 and every output
/// channel's filter W_c separately. DWF's penalty λ·‖W‖_{2/D}^{2/D} then has no minimum: it shrinks any channel at no
/// cost in the loss, important or not, while BatchNorm (in train mode) scales it back up. Measured (docs/normalization.md):
/// layer scales move by factors of 20 to 200 within two epochs, BatchNorm's running statistics (an average over the last ~10 steps) trail
/// them by factors of 50 to 10⁶, and the network evaluated in eval mode is at chance while it reaches 55-70 % with
/// batch statistics.
/// </para>
/// <para>
/// <b>What.</b> Such a weight is trained on the product of spheres ‖W_c‖₂ = r_c (each channel's norm when training
/// started), which loses nothing since the loss is the same on every sphere. After each optimizer step every channel's
/// norm is restored by moving the factors along the gradient of ‖W_c‖² in factor space:
/// w_d ← w_d ⊙ (1 + 2β_c·Π_{k≠d} w_k²), β_c chosen so that ‖W_c‖ = r_c to first order, then an exact per-channel
/// correction of the remainder. In W this is W_j ← W_j·(1 + 2β_c·S_j) with S_j = Σ_d Π_{k≠d} w_k², the same S that
/// scales a loss-gradient step: the penalty's uniform shrink W ← (1 − 2ηλ)·W is undone in proportion to S_j. Large
/// weights are restored in full, while a small weight keeps shrinking at up to 2ηλ per step, the rate of a dying weight
/// without normalization, so the sparsity within each channel still comes from the penalty and target compression
/// plans λ the same way. It is gradient flow of L + λ‖W‖_{2/D}^{2/D} restricted to the spheres, in the metric of the
/// factors. A held channel keeps at least one non-zero weight.
/// </para>
/// <para>
/// <b>How it is found.</b> The loss gradient of a scale-invariant channel is orthogonal to it: ⟨W_c, ∂L/∂W_c⟩ = 0 for
/// every batch (Euler's theorem for a function homogeneous of degree 0). A weight counts as scale-invariant when
/// |cos(W_c, ∂L/∂W_c)| &lt; <see cref="CosineTolerance"/> for every channel at each of its first <see cref="Observations"/>
/// steps with a gradient, and as ordinary at the first step where it is not; float32 rounding gives |cos| up to about
/// 1e-4 for the former, while ordinary layers show 1e-2 and more. No graph tracing is needed; a conv whose output also
/// feeds a sum without normalization is left alone, and one with a bias before BatchNorm is held (BatchNorm subtracts
/// the bias with the channel mean).
/// </para>
/// </remarks>
internal sealed class ScaleInvariance
{
    /// <summary>|cos(W_c, ∂L/∂W_c)| below which one step counts as evidence of scale invariance (every output channel c).</summary>
    public const double CosineTolerance = 1e-3;

    /// <summary>Steps of evidence needed before a weight is held at its norms.</summary>
    public const int Observations = 3;

    private int _observed;
    private Tensor? _referenceNormsSquared;

    /// <summary>True: held at its per-channel norms; false: ordinary; null: not decided yet.</summary>
    public bool? IsInvariant { get; private set; }

    /// <summary>The largest |cos(W_c, ∂L/∂W_c)| seen while deciding (for diagnostics).</summary>
    public double LargestCosine { get; private set; }

    /// <summary>Forgets the verdict and the reference norms (after re-factorizing or loading other weights).</summary>
    public void Reset()
    {
        _observed = 0;
        IsInvariant = null;
        LargestCosine = 0;
        _referenceNormsSquared?.Dispose();
        _referenceNormsSquared = null;
    }

    /// <summary>
    /// Takes the weight's current channel norms as the ones to hold (after weights were removed on purpose, as the
    /// <see cref="CompressionController"/> does when it fixes the mask: the norms removed are not to be restored).
    /// </summary>
    public void Rebase(Tensor weight)
    {
        if (_referenceNormsSquared is null)
        {
            return; // nothing held yet: the first observation will measure the norms
        }

        using var noGrad = no_grad();
        using var norms = PerChannel(weight.detach()).to(float64).square().sum(1, keepdim: true);
        _referenceNormsSquared.copy_(norms);
    }

    /// <summary>One step of evidence: the weight and its loss gradient, before the optimizer moves it.</summary>
    public void Observe(Tensor weight, Tensor gradient)
    {
        if (IsInvariant is not null || weight.dim() < 2)
        {
            return; // decided; or a vector (a bias), which has no output channels
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var w = PerChannel(weight.detach()).to(float64);
        var g = PerChannel(gradient.detach()).to(float64);
        var weightNorms = w.square().sum(1).sqrt_();
        var gradientNorms = g.square().sum(1).sqrt_();
        using var zero = 0.0.ToScalar();
        if (!weightNorms.gt(zero).all().item<bool>())
        {
            IsInvariant = false; // a channel that is zero from the start has no direction to hold
            return;
        }

        var live = gradientNorms.gt(zero);
        if (!live.any().item<bool>())
        {
            return; // an unused layer: no evidence either way
        }

        if (_observed == 0)
        {
            _referenceNormsSquared = w.square().sum(1, keepdim: true).DetachFromDisposeScope();
        }

        // Channels without gradient (all their outputs dead this batch) say nothing; the others must all be orthogonal.
        using var tiny = 1e-300.ToScalar();
        var cosines = w.mul(g).sum(1).abs_().div_(weightNorms.mul(gradientNorms).clamp_min_(tiny)).masked_fill_(live.logical_not(), zero);
        double cosine = cosines.max().item<double>();
        LargestCosine = Math.Max(LargestCosine, cosine);
        if (!(cosine < CosineTolerance))
        {
            IsInvariant = false;
            Reset(keepVerdict: true);
            return;
        }

        if (++_observed >= Observations)
        {
            IsInvariant = true;
        }
    }

    /// <summary>
    /// Restores every output channel's ‖W_c‖² to its reference by the factor-space retraction described on the class,
    /// and writes W = ⊙ w_d. Factors and W are changed in place (momentum buffers and fused-kernel bindings stay valid).
    /// With <see cref="NormHold.AtLeast"/> only the channels below their reference are restored.
    /// </summary>
    public void Retract(FactorizedWeight weight, NormHold hold = NormHold.Exactly)
    {
        if (IsInvariant != true || weight.IsCollapsed || _referenceNormsSquared is null)
        {
            return;
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        int depth = weight.Depth;
        var factors = new Tensor[depth];
        var flat = new Tensor[depth];
        for (int d = 0; d < depth; d++)
        {
            factors[d] = weight.Factor(d);
            flat[d] = PerChannel(factors[d].detach());
        }

        var reference = _referenceNormsSquared.to(factors[0].dtype, factors[0].device); // the model may have moved since it was measured
        var layerWeight = PerChannel(weight.Weight.detach());
        var normsSquared = layerWeight.square().sum(1, keepdim: true);
        if (!normsSquared.isfinite().all().item<bool>())
        {
            return; // a NaN/∞ is the divergence guard's to report
        }

        // Q_d = Π_{k≠d} w_k² and S = Σ_d Q_d; d‖W_c‖²/dβ_c = 4·Σ_j W²·S at β_c = 0.
        // Products of the other factors' squares; distinct tensors (at most the fresh squares themselves), so the
        // in-place updates below touch nothing else.
        var others = ProductRule.ProductsOfOthers(flat.Select(f => f.square()).ToArray());
        var sensitivity = others[0].clone();
        for (int d = 1; d < depth; d++)
        {
            sensitivity.add_(others[d], Scalars.One);
        }

        using var zero = 0.0.ToScalar();
        using var one = 1.0.ToScalar();
        using var four = 4.0.ToScalar();
        using var tiny = 1e-30.ToScalar();
        using var half = 0.5.ToScalar();
        using var rootOfDepth = (0.5 / depth).ToScalar();
        var slope = layerWeight.square().mul_(sensitivity).sum(1, keepdim: true).mul_(four);

        // 2β_c = 2·(r_c² − ‖W_c‖²) / slope_c = (r_c² − ‖W_c‖²) / (slope_c / 2); 0 where the slope is 0 (nothing to restore).
        // With NormHold.AtLeast only a channel below its reference is moved (up to it); one above is left to grow.
        var below = normsSquared.lt(reference);
        var deficit = reference.sub(normsSquared);
        if (hold == NormHold.AtLeast)
        {
            deficit.masked_fill_(below.logical_not(), zero);
        }

        var twoBeta = deficit.div_(slope.mul(half).clamp_min_(tiny)).masked_fill_(slope.le(zero), zero);
        using var low = 0.5.ToScalar();
        using var high = 2.0.ToScalar();
        for (int d = 0; d < depth; d++)
        {
            // Bounded so that one step can neither flip a sign nor more than double an entry.
            flat[d].mul_(others[d].mul_(twoBeta).add_(one, Scalars.One).clamp_(low, high));
        }

        // The exact remainder, spread evenly over the factors: c^(1/D) each, so W_c scales by c.
        var product = flat[0].clone();
        for (int d = 1; d < depth; d++)
        {
            product.mul_(flat[d]);
        }

        var retracted = product.square().sum(1, keepdim: true);
        var perFactor = reference.div(retracted.clamp_min(tiny)).pow_(rootOfDepth).masked_fill_(retracted.le(zero), one);
        if (hold == NormHold.AtLeast)
        {
            perFactor.masked_fill_(below.logical_not(), one); // the exact remainder only where the floor was breached
        }

        for (int d = 0; d < depth; d++)
        {
            flat[d].mul_(perFactor);
        }

        ProductRule.Rematerialize(weight);
    }

    // [out, rest]: a view, so that writing into it writes the parameter (factors are contiguous).
    private static Tensor PerChannel(Tensor tensor) => tensor.view(tensor.shape[0], -1);

    private void Reset(bool keepVerdict)
    {
        bool? verdict = IsInvariant;
        double largest = LargestCosine;
        Reset();
        if (keepVerdict)
        {
            IsInvariant = verdict;
            LargestCosine = largest;
        }
    }
}
