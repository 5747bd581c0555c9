namespace Dwf.Generators;

/// <summary>
/// The names of the members the generator emits on a <c>[Factorize]</c> class. A class that already declares
/// (or inherits, visibly) one of them gets no generated code; analyzer DWF008 reports the conflict by the
/// same list, so keep the two in step (documented in docs/generator.md).
/// </summary>
internal static class GeneratedMemberNames
{
    public const string Factorization = "Factorization";
    public const string Penalty = "Penalty";
    public const string Sparsity = "Sparsity";
    public const string Collapse = "Collapse";
    public const string CreateSgd = "CreateSgd";
    public const string CreateAdamW = "CreateAdamW";
    public const string SetLambda = "SetLambda";
    public const string CreateCompressionController = "CreateCompressionController";
    public const string FactorizeFromCurrentWeights = "FactorizeFromCurrentWeights";
    public const string FactorizationPlan = "FactorizationPlan";
    public const string RegisterComponents = "RegisterComponents";

    /// <summary>Private static field holding the class's plan.</summary>
    public const string PlanField = "__dwfPlan";

    /// <summary>Private instance field holding the attached factorization (not a TorchSharp type, so TorchSharp never registers it).</summary>
    public const string FactorizationField = "__dwfFactorization";

    /// <summary>Public members forwarding to the factorization (a base type may not expose any of them either).</summary>
    public static readonly string[] Forwarding =
    {
        Factorization, Penalty, Sparsity, Collapse, CreateSgd, CreateAdamW, CreateCompressionController, SetLambda, FactorizeFromCurrentWeights,
    };

    /// <summary>Everything a root <c>[Factorize]</c> class must not declare itself.</summary>
    public static readonly string[] EmittedByRoot =
    {
        Factorization, Penalty, Sparsity, Collapse, CreateSgd, CreateAdamW, CreateCompressionController, SetLambda, FactorizeFromCurrentWeights,
        FactorizationPlan, RegisterComponents, PlanField, FactorizationField,
    };

    /// <summary>Everything a <c>[Factorize]</c> class deriving from another must not declare itself.</summary>
    public static readonly string[] EmittedByDerived = { FactorizationPlan, PlanField };
}
