using static TorchSharp.torch;

namespace Dwf;

/// <summary>
/// A TorchSharp module whose weights are deep-weight factorized. The source generator implements it on
/// every <c>[Factorize]</c> class by forwarding to the module's <see cref="Dwf.Factorization"/>.
/// </summary>
public interface IFactorizedModule
{
    /// <summary>The runtime factorization of this instance (weights, factors, operations).</summary>
    Factorization Factorization { get; }

    /// <summary>(λ/D)·Σ_d ‖w_d‖² over this module's factors, as a differentiable scalar.</summary>
    Tensor Penalty();

    /// <summary>Sparsity now (read-only): entries with |W| below <paramref name="threshold"/> count as zero.</summary>
    SparsityReport Sparsity(double threshold = FactorizationDefaults.CollapseThreshold);

    /// <summary>Multiplies the factors back, zeroes |W| below <paramref name="threshold"/>, removes the factors.</summary>
    SparsityReport Collapse(double threshold = FactorizationDefaults.CollapseThreshold);

    /// <summary>SGD with depth-aware factor groups (weight decay 2λ/D) and a group for the other parameters.</summary>
    FactorizedSgd CreateSgd(double lr, double momentum = 0.0, bool nesterov = false, double weight_decay = 0.0);

    /// <summary>AdamW with depth-aware factor groups (decoupled weight decay 2λ/D) and a group for the other parameters.</summary>
    FactorizedAdamW CreateAdamW(double lr, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weight_decay = 0.0);

    /// <summary>Sets λ of every factorized weight at run time.</summary>
    void SetLambda(double lambda);

    /// <summary>Factorizes the current (e.g. loaded, pretrained) dense weights function-preservingly.</summary>
    void FactorizeFromCurrentWeights();
}
