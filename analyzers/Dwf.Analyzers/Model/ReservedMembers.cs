using System.Collections.Generic;

namespace Dwf.Analyzers.Model;

/// <summary>
/// What the generator and the runtime add to every <c>[Factorize]</c> class; a user member with one of
/// these names collides with them. Kept in step with the generator's emitter.
/// </summary>
internal static class ReservedMembers
{
    public const string RegisterComponents = "RegisterComponents";

    /// <summary>The submodule under which the runtime registers the factors (<c>Dwf.Factorization.StoreName</c>).</summary>
    public const string FactorStoreName = "dwf_factors";

    /// <summary>Member name → how the generated member reads in a message.</summary>
    private static readonly Dictionary<string, string> Generated = new(System.StringComparer.Ordinal)
    {
        ["Factorization"] = "the generated property 'Factorization'",
        ["Penalty"] = "the generated method 'Penalty()'",
        ["Sparsity"] = "the generated method 'Sparsity(double)'",
        ["Collapse"] = "the generated method 'Collapse(double)'",
        ["CreateSgd"] = "the generated method 'CreateSgd(...)'",
        ["CreateAdamW"] = "the generated method 'CreateAdamW(...)'",
        ["CreateCompressionController"] = "the generated method 'CreateCompressionController(...)'",
        ["SetLambda"] = "the generated method 'SetLambda(double)'",
        ["FactorizeFromCurrentWeights"] = "the generated method 'FactorizeFromCurrentWeights()'",
        ["FactorizationPlan"] = "the generated property 'FactorizationPlan'",
        [RegisterComponents] = "the generated override 'RegisterComponents()'",
    };

    /// <summary>The names of all generated members.</summary>
    public static readonly string[] GeneratedNames = new List<string>(Generated.Keys).ToArray();

    public static bool TryGetGenerated(string memberName, out string description)
    {
        if (Generated.TryGetValue(memberName, out var found))
        {
            description = found;
            return true;
        }

        description = string.Empty;
        return false;
    }
}
