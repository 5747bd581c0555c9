using System;
using System.Collections.Generic;
using System.Linq;

namespace Dwf;

/// <summary>
/// What to factorize in a module: class-level options, and per registered child (field) either an
/// override, or <c>[Dense]</c>. The source generator emits one plan per <c>[Factorize]</c> class; hand-written
/// code builds one with the fluent methods.
/// </summary>
/// <remarks>Immutable: every method returns a new plan, so a plan can be shared by all instances of a class.</remarks>
public sealed class FactorizationPlan
{
    private readonly Dictionary<string, FieldRule> _fields;

    /// <summary>Creates a plan with class-level options (unset properties take the defaults).</summary>
    /// <param name="options">The class-level options; <c>null</c> means all defaults.</param>
    /// <param name="name">Names the plan in error messages (e.g. the class name).</param>
    public FactorizationPlan(FactorizationOptions? options = null, string? name = null)
        : this(options ?? new FactorizationOptions(), name ?? "factorization plan", new Dictionary<string, FieldRule>(StringComparer.Ordinal), Array.Empty<ParameterRule>())
    {
    }

    private FactorizationPlan(FactorizationOptions options, string name, Dictionary<string, FieldRule> fields, IReadOnlyList<ParameterRule> parameters)
    {
        Options = options;
        Name = name;
        _fields = fields;
        Parameters = parameters;
        // Validate eagerly so a bad attribute fails at the first construction, naming the class.
        options.ValidateModelSettings(name, classLevel: true);
        _ = options.Resolve(name);
    }

    /// <summary>The class-level options.</summary>
    public FactorizationOptions Options { get; }

    /// <summary>The name used in error messages.</summary>
    public string Name { get; }

    /// <summary>Per-field rules, keyed by the registered name (the field name, or its [ComponentName]).</summary>
    public IReadOnlyDictionary<string, FieldRule> Fields => _fields;

    /// <summary>Explicitly listed parameters (hand-written plans: any parameter path under the module).</summary>
    public IReadOnlyList<ParameterRule> Parameters { get; }

    /// <summary>Keeps the child registered as <paramref name="field"/> (and its subtree) dense.</summary>
    public FactorizationPlan Dense(string field) => WithField(field, FieldRule.DenseRule);

    /// <summary>
    /// Overrides the options for the child registered as <paramref name="field"/> and opts it in
    /// explicitly (an <c>Embedding</c> or a <c>Parameter</c> field is then factorized too).
    /// </summary>
    public FactorizationPlan Field(string field, FactorizationOptions? options = null)
    {
        var rule = new FieldRule(false, options ?? new FactorizationOptions());
        rule.Options!.ValidateModelSettings($"{Name}.{field}", classLevel: false);
        _ = rule.Options!.Over(Options).Resolve($"{Name}.{field}");
        return WithField(field, rule);
    }

    /// <summary>
    /// Factorizes the parameter at <paramref name="path"/> (e.g. <c>"block.gate"</c>), whatever module
    /// owns it. Use it for parameters of custom modules, which are not factorized by default.
    /// </summary>
    public FactorizationPlan Parameter(string path, FactorizationOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var rule = new ParameterRule(path, options ?? new FactorizationOptions());
        rule.Options.ValidateModelSettings($"{Name}.{path}", classLevel: false);
        _ = rule.Options.Over(Options).Resolve($"{Name}.{path}");
        return new FactorizationPlan(Options, Name, _fields, Parameters.Append(rule).ToArray());
    }

    private FactorizationPlan WithField(string field, FieldRule rule)
    {
        ArgumentException.ThrowIfNullOrEmpty(field);
        var fields = new Dictionary<string, FieldRule>(_fields, StringComparer.Ordinal) { [field] = rule };
        return new FactorizationPlan(Options, Name, fields, Parameters);
    }
}

/// <summary>The rule for one registered child of a factorized module.</summary>
/// <param name="IsDense">Keep the child and its subtree dense.</param>
/// <param name="Options">Field-level overrides (null when dense).</param>
public sealed record FieldRule(bool IsDense, FactorizationOptions? Options)
{
    internal static FieldRule DenseRule { get; } = new(true, null);
}

/// <summary>An explicitly listed parameter to factorize.</summary>
/// <param name="Path">Dotted path of the parameter below the factorized module.</param>
/// <param name="Options">Overrides for this parameter.</param>
public sealed record ParameterRule(string Path, FactorizationOptions Options);
