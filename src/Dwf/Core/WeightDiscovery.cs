using System;
using System.Collections.Generic;
using System.Linq;
using static TorchSharp.torch;

namespace Dwf.Core;

/// <summary>A parameter chosen for factorization, before its factors exist.</summary>
/// <param name="Path">Dotted path below the factorized module (the state-dict key).</param>
/// <param name="Owner">The layer that owns the parameter.</param>
/// <param name="ParameterName">The parameter's name on its layer.</param>
/// <param name="Settings">The resolved settings, λ already scaled by <paramref name="LambdaFactor"/>.</param>
/// <param name="LambdaFactor">The factor on the resolved λ already applied to <paramref name="Settings"/> (1 unless the plan scales λ per layer).</param>
internal sealed record FactorizationTarget(string Path, nn.Module Owner, string ParameterName, FactorizationSettings Settings, double LambdaFactor = 1.0);

/// <summary>
/// Walks a module's registered children and decides, from a <see cref="FactorizationPlan"/>, which
/// parameters to factorize. Pure: it changes nothing.
/// </summary>
internal static class WeightDiscovery
{
    public static IReadOnlyList<FactorizationTarget> Find(nn.Module root, FactorizationPlan plan, Func<nn.Module, bool> isFactorizedElsewhere)
    {
        var targets = new List<FactorizationTarget>();
        var seen = new HashSet<(nn.Module, string)>();
        var children = root.named_children().ToList();

        foreach (var (name, rule) in plan.Fields)
        {
            bool registered = children.Any(c => c.name == name) || root.named_parameters(recurse: false).Any(p => p.name == name);
            if (!registered && !rule.IsDense)
            {
                throw new InvalidOperationException(
                    $"{plan.Name}: the field '{name}' has [Factorize], but nothing is registered under that name when RegisterComponents() runs. " +
                    "Assign the field before RegisterComponents() (usually the last line of the constructor), or remove the attribute.");
            }
        }

        foreach (var (name, child) in children)
        {
            if (name == Factorization.StoreName)
            {
                continue;
            }

            plan.Fields.TryGetValue(name, out var rule);
            if (rule is { IsDense: true })
            {
                continue;
            }

            var options = rule?.Options?.Over(plan.Options) ?? plan.Options;
            var settings = options.Resolve($"{plan.Name}.{name}");
            int before = targets.Count;
            Visit(child, name, settings, explicitOptIn: rule is not null, targets, seen, isFactorizedElsewhere);
            if (rule is not null && targets.Count == before)
            {
                throw new InvalidOperationException(
                    $"{plan.Name}.{name}: [Factorize] found nothing to factorize in a {child.GetType().Name}. " +
                    "Only Linear, Conv1d/2d/3d, ConvTranspose1d/2d/3d, Bilinear and Embedding weights (and Parameter fields) can be factorized; " +
                    "normalization, dropout, activation and pooling layers cannot. Remove the attribute from this field.");
            }
        }

        foreach (var (name, parameter) in root.named_parameters(recurse: false))
        {
            if (plan.Fields.TryGetValue(name, out var rule) && !rule.IsDense && seen.Add((root, name)))
            {
                var settings = rule.Options!.Over(plan.Options).Resolve($"{plan.Name}.{name}");
                targets.Add(new FactorizationTarget(name, root, name, settings));
            }
        }

        foreach (var rule in plan.Parameters)
        {
            var (owner, parameterName) = ResolveParameterPath(root, rule.Path, plan.Name);
            if (seen.Add((owner, parameterName)))
            {
                var settings = rule.Options.Over(plan.Options).Resolve($"{plan.Name}.{rule.Path}");
                targets.Add(new FactorizationTarget(rule.Path, owner, parameterName, settings));
            }
        }

        return plan.Options.LambdaScaling == LambdaScaling.FanIn ? FanInLambdaScaling.Apply(targets, plan.Name) : targets;
    }

    private static void Visit(
        nn.Module module,
        string path,
        FactorizationSettings settings,
        bool explicitOptIn,
        List<FactorizationTarget> targets,
        HashSet<(nn.Module, string)> seen,
        Func<nn.Module, bool> isFactorizedElsewhere)
    {
        if (isFactorizedElsewhere(module))
        {
            // A submodule whose own class carries [Factorize] keeps its own configuration.
            return;
        }

        foreach (var parameterName in LayerCatalog.EligibleParameters(module, explicitOptIn, settings.FactorizeBias))
        {
            if (seen.Add((module, parameterName)))
            {
                targets.Add(new FactorizationTarget($"{path}.{parameterName}", module, parameterName, settings));
            }
        }

        foreach (var (name, child) in module.named_children())
        {
            Visit(child, $"{path}.{name}", settings, explicitOptIn, targets, seen, isFactorizedElsewhere);
        }
    }

    private static (nn.Module Owner, string ParameterName) ResolveParameterPath(nn.Module root, string path, string planName)
    {
        var segments = path.Split('.');
        var owner = root;
        for (int i = 0; i < segments.Length - 1; i++)
        {
            var next = owner.named_children().FirstOrDefault(c => c.name == segments[i]).module;
            owner = next ?? throw new InvalidOperationException(
                $"{planName}: no submodule '{string.Join(".", segments.Take(i + 1))}' on the path of the parameter '{path}'.");
        }

        string parameterName = segments[^1];
        if (owner.get_parameter(parameterName) is null)
        {
            throw new InvalidOperationException($"{planName}: '{path}' is not a registered parameter.");
        }

        if (LayerCatalog.IsNormalization(owner))
        {
            throw new InvalidOperationException(
                $"{planName}: '{path}' belongs to a {owner.GetType().Name}; normalization parameters are scales and shifts and must not be factorized.");
        }

        return (owner, parameterName);
    }
}
