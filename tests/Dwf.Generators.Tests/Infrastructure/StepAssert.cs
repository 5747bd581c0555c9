using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Dwf.Generators.Tests.Infrastructure;

/// <summary>Assertions over the generator's tracked pipeline steps.</summary>
internal static class StepAssert
{
    /// <summary>The generator's own tracked steps (Roslyn's internal ForAttributeWithMetadataName steps hold syntax by design).</summary>
    public static readonly string[] OwnSteps = { TrackingNames.Parse, TrackingNames.Valid, TrackingNames.Collected, TrackingNames.ByType };

    /// <summary>Every output of the generator's steps and of its source output was reused.</summary>
    public static void AllCachedOrUnchanged(GeneratorRunResult result)
    {
        foreach (var (name, outputs) in OwnOutputs(result).Concat(SourceOutputs(result)))
        {
            var changed = outputs.Where(o => o.Reason is not (IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged)).ToList();
            Assert.True(changed.Count == 0, $"Step '{name}' re-ran: {string.Join(", ", changed.Select(o => o.Reason))}");
        }
    }

    /// <summary>Reasons of the source-output step's outputs (one per generated file).</summary>
    public static IReadOnlyList<IncrementalStepRunReason> SourceOutputReasons(GeneratorRunResult result) =>
        SourceOutputs(result).SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();

    /// <summary>Fails if any value cached by the generator's steps references compiler state.</summary>
    public static void HoldsNoCompilerState(GeneratorRunResult result)
    {
        var visited = new HashSet<object>(ReferenceEqualityComparer.Instance);
        foreach (var (name, outputs) in OwnOutputs(result))
        {
            foreach (var (value, _) in outputs)
            {
                Walk(value, $"{name} output", visited);
            }
        }
    }

    /// <summary>Fails if <paramref name="value"/> or anything it references is compiler state.</summary>
    public static void HoldsNoCompilerState(object value, string path) =>
        Walk(value, path, new HashSet<object>(ReferenceEqualityComparer.Instance));

    private static IEnumerable<(string Name, IReadOnlyList<(object Value, IncrementalStepRunReason Reason)> Outputs)> OwnOutputs(GeneratorRunResult result)
    {
        foreach (var name in OwnSteps)
        {
            Assert.True(result.TrackedSteps.TryGetValue(name, out var steps), $"No tracked step '{name}'.");
            yield return (name, steps.SelectMany(s => s.Outputs).ToList());
        }
    }

    private static IEnumerable<(string Name, IReadOnlyList<(object Value, IncrementalStepRunReason Reason)> Outputs)> SourceOutputs(GeneratorRunResult result) =>
        result.TrackedOutputSteps.Select(kv => (kv.Key, (IReadOnlyList<(object, IncrementalStepRunReason)>)kv.Value.SelectMany(s => s.Outputs).ToList()));

    private static readonly Type[] Forbidden =
    {
        typeof(Compilation), typeof(ISymbol), typeof(SyntaxNode), typeof(SyntaxTree), typeof(SemanticModel), typeof(Location),
    };

    private static void Walk(object? value, string path, HashSet<object> visited)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum || !visited.Add(value))
        {
            return;
        }

        var type = value.GetType();
        var forbidden = Forbidden.FirstOrDefault(f => f.IsAssignableFrom(type));
        Assert.True(forbidden is null, $"{path} holds a {type.FullName} ({forbidden?.Name}): cached models must be values only.");

        if (value is IEnumerable sequence)
        {
            int i = 0;
            foreach (var item in sequence)
            {
                Walk(item, $"{path}[{i++}]", visited);
            }
        }

        for (var current = type; current is not null && current != typeof(object); current = current.BaseType)
        {
            foreach (var field in current.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                Walk(field.GetValue(value), $"{path}.{field.Name}", visited);
            }
        }
    }
}
