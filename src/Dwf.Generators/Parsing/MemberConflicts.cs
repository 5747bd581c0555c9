using System.Linq;
using Microsoft.CodeAnalysis;

namespace Dwf.Generators.Parsing;

/// <summary>
/// Whether the members the generator would emit collide with members the class declares or inherits
/// (analyzer DWF008). A collision means no output: emitting anyway would give duplicate-member errors or
/// hiding warnings in code the user cannot edit.
/// </summary>
internal static class MemberConflicts
{
    /// <summary>True if a root <c>[Factorize]</c> class cannot receive the full generated surface.</summary>
    public static bool BlockRoot(INamedTypeSymbol type, Compilation compilation)
    {
        if (DeclaresAny(type, GeneratedMemberNames.EmittedByRoot))
        {
            return true;
        }

        for (var baseType = type.BaseType; baseType is not null; baseType = baseType.BaseType)
        {
            foreach (var name in GeneratedMemberNames.Forwarding.Append(GeneratedMemberNames.FactorizationPlan))
            {
                // A visible inherited member of that name would be hidden by the generated one (CS0108).
                if (baseType.GetMembers(name).Any(m => !m.IsImplicitlyDeclared && compilation.IsSymbolAccessibleWithin(m, type)))
                {
                    return true;
                }
            }
        }

        var registerComponents = NearestRegisterComponents(type.BaseType);
        return registerComponents is null
            || registerComponents.IsSealed
            || !(registerComponents.IsVirtual || registerComponents.IsOverride || registerComponents.IsAbstract);
    }

    /// <summary>True if a <c>[Factorize]</c> class with a factorized base cannot receive the plan override.</summary>
    public static bool BlockDerived(INamedTypeSymbol type) => DeclaresAny(type, GeneratedMemberNames.EmittedByDerived);

    /// <summary>True if a compiled <c>[Factorize]</c> class exposes the plan property a derived class overrides.</summary>
    public static bool HasOverridablePlan(INamedTypeSymbol type, Compilation compilation) =>
        type.GetMembers(GeneratedMemberNames.FactorizationPlan)
            .OfType<IPropertySymbol>()
            .Any(p => (p.IsVirtual || p.IsOverride || p.IsAbstract) && !p.IsSealed && p.DeclaredAccessibility != Accessibility.Private
                && compilation.IsSymbolAccessibleWithin(p, type));

    private static bool DeclaresAny(INamedTypeSymbol type, string[] names) =>
        names.Any(name => type.GetMembers(name).Any(m => !m.IsImplicitlyDeclared));

    private static IMethodSymbol? NearestRegisterComponents(INamedTypeSymbol? type)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            var method = current.GetMembers(GeneratedMemberNames.RegisterComponents)
                .OfType<IMethodSymbol>()
                .FirstOrDefault(m => m.Parameters.Length == 0 && !m.IsStatic);
            if (method is not null)
            {
                return method;
            }
        }

        return null;
    }
}
