using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Dwf.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Dwf.Generators.Parsing;

/// <summary>The factorization plan of a <c>[Factorize]</c> class, as values.</summary>
/// <param name="Mode">Whether a base class already carries the generated members.</param>
/// <param name="Options">Class-level options (over the factorized bases' options).</param>
/// <param name="Fields">Field rules, sorted by registered name (the class's own rules win over its bases').</param>
internal sealed record PlanModel(EmitMode Mode, FactorizationOptionsModel Options, EquatableArray<FieldRuleModel> Fields);

/// <summary>
/// Decides whether a <c>[Factorize]</c> class is valid input, and if so reads its plan: the class-level
/// options, the <c>[Dense]</c> and field-level <c>[Factorize]</c> rules, and those of its factorized base
/// classes. Any doubt gives <c>null</c> (no output); the analyzer says why.
/// </summary>
internal static class PlanReader
{
    /// <summary>The plan of <paramref name="type"/>, or <c>null</c> when the generator must not emit code for it.</summary>
    public static PlanModel? Read(INamedTypeSymbol type, Compilation compilation, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var classAttribute = FindAttribute(type.GetAttributes(), KnownTypes.FactorizeAttribute);
        if (classAttribute is null || type.TypeKind != TypeKind.Class || type.IsStatic || !KnownTypes.Module.IsBaseOf(type))
        {
            return null;
        }

        bool fromSource = type.DeclaringSyntaxReferences.Length > 0;
        if (fromSource && !DeclarationShape.IsExtensible(type, cancellationToken))
        {
            return null;
        }

        var ownOptions = FactorizeAttributeReader.Read(classAttribute);
        var ownFields = ReadFieldRules(type);
        if (ownOptions is null || ownFields is null)
        {
            return null;
        }

        // A compiled (metadata) factorized class is only ever read as a base: its generated members must be there.
        if (!fromSource && !MemberConflicts.HasOverridablePlan(type, compilation))
        {
            return null;
        }

        var factorizedBase = NearestFactorizedBase(type);
        PlanModel plan;
        if (factorizedBase is null)
        {
            if (fromSource && MemberConflicts.BlockRoot(type, compilation))
            {
                return null;
            }

            plan = new PlanModel(EmitMode.Root, ownOptions, Sorted(ownFields));
        }
        else
        {
            if (fromSource && MemberConflicts.BlockDerived(type))
            {
                return null;
            }

            var basePlan = Read(factorizedBase.OriginalDefinition, compilation, cancellationToken);
            if (basePlan is null)
            {
                return null;
            }

            var fields = basePlan.Fields.ToDictionary(f => f.RegisteredName, StringComparer.Ordinal);
            foreach (var own in ownFields)
            {
                fields[own.RegisteredName] = own;
            }

            plan = new PlanModel(EmitMode.DerivedPlanOverride, ownOptions.Over(basePlan.Options), Sorted(fields.Values));
        }

        // The runtime validates resolved options when it builds the plan (a static initializer): make sure it can't throw.
        // A class-level target with a class-level λ (e.g. the target here, λ on a factorized base) is refused too (DWF015).
        if ((plan.Options.TargetCompression is not null && plan.Options.Lambda is not null)
            || !FactorizeAttributeReader.ResolvesCleanly(plan.Options, FactorizationOptionsModel.None)
            || plan.Fields.Any(f => !FactorizeAttributeReader.ResolvesCleanly(f.Options, plan.Options)))
        {
            return null;
        }

        return plan;
    }

    /// <summary>The nearest base class that carries <c>[Factorize]</c>, or <c>null</c>.</summary>
    public static INamedTypeSymbol? NearestFactorizedBase(INamedTypeSymbol type)
    {
        for (var current = type.BaseType; current is not null; current = current.BaseType)
        {
            if (FindAttribute(current.OriginalDefinition.GetAttributes(), KnownTypes.FactorizeAttribute) is not null)
            {
                return current;
            }
        }

        return null;
    }

    private static List<FieldRuleModel>? ReadFieldRules(INamedTypeSymbol type)
    {
        var rules = new List<FieldRuleModel>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in type.GetMembers())
        {
            // TorchSharp registers instance fields only (auto-property backing fields included, by their field name).
            if (member is not IFieldSymbol { IsStatic: false, IsConst: false } field)
            {
                continue;
            }

            var attributes = field.GetAttributes();
            var dense = FindAttribute(attributes, KnownTypes.DenseAttribute);
            var factorize = FindAttribute(attributes, KnownTypes.FactorizeAttribute);
            if (dense is null && factorize is null)
            {
                continue;
            }

            if (dense is not null && factorize is not null)
            {
                return null; // DWF011
            }

            FactorizationOptionsModel options = FactorizationOptionsModel.None;
            if (factorize is not null)
            {
                var read = FactorizeAttributeReader.Read(factorize);
                if (read is null || read.TargetCompression is not null || read.LambdaScalingMember is not null || !CanHoldLayerOrParameter(field.Type))
                {
                    return null; // DWF003/DWF005/DWF006/DWF015/DWF016 (a target and λ scaling are class-level settings)
                }

                options = read;
            }

            string key = RegisteredName(field);
            if (!keys.Add(key))
            {
                return null; // two fields registered under one name: TorchSharp itself would fail
            }

            rules.Add(new FieldRuleModel(key, dense is not null, options));
        }

        return rules;
    }

    /// <summary>The name TorchSharp registers the field under: <c>[ComponentName(Name = ...)]</c>, else the field's name.</summary>
    private static string RegisteredName(IFieldSymbol field)
    {
        var componentName = FindAttribute(field.GetAttributes(), KnownTypes.ComponentNameAttribute);
        foreach (var argument in componentName?.NamedArguments ?? Enumerable.Empty<KeyValuePair<string, TypedConstant>>())
        {
            // Value throws for an array, which only a look-alike attribute declared in source can hold.
            if (argument.Key == "Name" && argument.Value.Kind == TypedConstantKind.Primitive && argument.Value.Value is string { Length: > 0 } name)
            {
                return name;
            }
        }

        return field.Name;
    }

    // A field-level [Factorize] must be able to hold a module or a Parameter at run time.
    private static bool CanHoldLayerOrParameter(ITypeSymbol type) =>
        type.TypeKind is TypeKind.Interface or TypeKind.TypeParameter
        || type.SpecialType == SpecialType.System_Object
        || KnownTypes.Module.IsBaseOf(type)
        || KnownTypes.Tensor.IsBaseOf(type);

    private static EquatableArray<FieldRuleModel> Sorted(IEnumerable<FieldRuleModel> rules) =>
        new(rules.OrderBy(r => r.RegisteredName, StringComparer.Ordinal));

    internal static AttributeData? FindAttribute(IEnumerable<AttributeData> attributes, MetadataTypeName name)
    {
        foreach (var attribute in attributes)
        {
            if (name.Matches(attribute.AttributeClass))
            {
                return attribute;
            }
        }

        return null;
    }
}
