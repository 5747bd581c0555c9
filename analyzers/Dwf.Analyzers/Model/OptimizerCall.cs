using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Dwf.Analyzers.Model;

/// <summary>
/// A TorchSharp optimizer built from <c>parameters()</c> or <c>named_parameters()</c> of a factorized
/// module (DWF010), and, where the call maps one to one, the arguments of the generated
/// <c>CreateSgd</c>/<c>CreateAdamW</c> that replace it. Shared by the analyzer and its code fix.
/// </summary>
internal sealed class OptimizerCall
{
    public const string CreateSgd = "CreateSgd";
    public const string CreateAdamW = "CreateAdamW";

    /// <summary>TorchSharp's default learning rate of Adam and AdamW, spelled out when the call omits it (CreateAdamW requires one).</summary>
    private const string AdamDefaultLearningRate = "1e-3";

    /// <summary>Optimizer parameter → parameter of the generated method, in the generated method's order.</summary>
    private static readonly (string[] From, string To)[] SgdMapping =
    {
        (new[] { "learningRate", "lr" }, "lr"),
        (new[] { "momentum" }, "momentum"),
        (new[] { "nesterov" }, "nesterov"),
        (new[] { "weight_decay" }, "weight_decay"),
    };

    private static readonly (string[] From, string To)[] AdamWMapping =
    {
        (new[] { "lr" }, "lr"),
        (new[] { "beta1" }, "beta1"),
        (new[] { "beta2" }, "beta2"),
        (new[] { "eps" }, "eps"),
        (new[] { "weight_decay" }, "weight_decay"),
    };

    private OptimizerCall(IOperation optimizer, string optimizerDisplay, IInvocationOperation parametersCall, string suggestion, string? replacementMethod, ImmutableArray<MappedArgument> arguments)
    {
        Optimizer = optimizer;
        OptimizerDisplay = optimizerDisplay;
        ParametersCall = parametersCall;
        Suggestion = suggestion;
        ReplacementMethod = replacementMethod;
        Arguments = arguments;
    }

    /// <summary>The optimizer construction: the factory invocation or the constructor call.</summary>
    public IOperation Optimizer { get; }

    /// <summary>How the optimizer construction reads in a message, e.g. <c>torch.optim.SGD(...)</c>.</summary>
    public string OptimizerDisplay { get; }

    /// <summary>The <c>model.parameters()</c> call.</summary>
    public IInvocationOperation ParametersCall { get; }

    /// <summary>What to use instead, for the message: <c>model.CreateSgd(...)</c>.</summary>
    public string Suggestion { get; }

    /// <summary><see cref="CreateSgd"/> or <see cref="CreateAdamW"/> when the code fix can rewrite the call; otherwise <c>null</c>.</summary>
    public string? ReplacementMethod { get; }

    /// <summary>The named arguments of the replacement, when <see cref="ReplacementMethod"/> is set.</summary>
    public ImmutableArray<MappedArgument> Arguments { get; }

    /// <summary>The receiver of <c>parameters()</c> as written, or <c>null</c> for an implicit <c>this</c>.</summary>
    public ExpressionSyntax? Receiver =>
        ParametersCall.Instance is { IsImplicit: false, Syntax: ExpressionSyntax receiver } ? receiver : null;

    public static OptimizerCall? TryMatch(IOperation operation, KnownTypes types)
    {
        string optimizerName;
        string display;
        ImmutableArray<IArgumentOperation> arguments;
        switch (operation)
        {
            case IInvocationOperation invocation
                when invocation.TargetMethod.IsStatic && types.OptimFactories is not null
                && SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.ContainingType, types.OptimFactories):
                optimizerName = invocation.TargetMethod.Name;
                display = $"torch.optim.{optimizerName}(...)";
                arguments = invocation.Arguments;
                break;
            case IObjectCreationOperation { Constructor: { } constructor } creation
                when types.Optimizer is not null && KnownTypes.DerivesFrom(constructor.ContainingType, types.Optimizer):
                optimizerName = constructor.ContainingType.Name;
                display = $"new {optimizerName}(...)";
                arguments = creation.Arguments;
                break;
            default:
                return null;
        }

        foreach (var argument in arguments)
        {
            if (AsParametersCall(argument.Value, types) is { } parametersCall)
            {
                return Create(operation, optimizerName, display, parametersCall, argument, arguments);
            }
        }

        return null;
    }

    private static OptimizerCall Create(
        IOperation optimizer,
        string optimizerName,
        string display,
        IInvocationOperation parametersCall,
        IArgumentOperation parametersArgument,
        ImmutableArray<IArgumentOperation> arguments)
    {
        string receiver = parametersCall.Instance is { IsImplicit: false } instance ? instance.Syntax.ToString() + "." : string.Empty;
        string suggestion = optimizerName switch
        {
            "SGD" => $"{receiver}{CreateSgd}(...)",
            "Adam" or "AdamW" => $"{receiver}{CreateAdamW}(...)",
            _ => $"{receiver}{CreateSgd}(...)' or '{receiver}{CreateAdamW}(...)",
        };

        // Rewritable: SGD and AdamW over all parameters (no recurse: false), with nothing the generated methods lack.
        var mapping = optimizerName switch
        {
            "SGD" => SgdMapping,
            "AdamW" => AdamWMapping,
            _ => null,
        };
        if (mapping is null || HasExplicit(parametersCall.Arguments)
            || parametersArgument.Parameter?.Ordinal != 0
            || !TryMap(arguments, parametersArgument, mapping, optimizerName == "AdamW", out var mapped))
        {
            return new OptimizerCall(optimizer, display, parametersCall, suggestion, null, ImmutableArray<MappedArgument>.Empty);
        }

        return new OptimizerCall(optimizer, display, parametersCall, suggestion, optimizerName == "SGD" ? CreateSgd : CreateAdamW, mapped);
    }

    private static bool TryMap(
        ImmutableArray<IArgumentOperation> arguments,
        IArgumentOperation parametersArgument,
        (string[] From, string To)[] mapping,
        bool spellOutAdamLearningRate,
        out ImmutableArray<MappedArgument> mapped)
    {
        var byTarget = new Dictionary<string, ExpressionSyntax>(System.StringComparer.Ordinal);
        foreach (var argument in arguments)
        {
            if (argument == parametersArgument || argument.ArgumentKind != ArgumentKind.Explicit)
            {
                continue;
            }

            string? target = TargetOf(argument.Parameter?.Name, mapping);
            if (target is null || argument.Syntax is not ArgumentSyntax syntax)
            {
                // dampening, amsgrad, maximize: the generated methods do not take them.
                mapped = ImmutableArray<MappedArgument>.Empty;
                return false;
            }

            byTarget[target] = syntax.Expression;
        }

        var builder = ImmutableArray.CreateBuilder<MappedArgument>();
        foreach (var (_, to) in mapping)
        {
            if (byTarget.TryGetValue(to, out var expression))
            {
                builder.Add(new MappedArgument(to, expression, null));
            }
            else if (to == "lr" && spellOutAdamLearningRate)
            {
                builder.Add(new MappedArgument(to, null, AdamDefaultLearningRate));
            }
        }

        mapped = builder.ToImmutable();
        return true;
    }

    private static string? TargetOf(string? parameterName, (string[] From, string To)[] mapping)
    {
        foreach (var (from, to) in mapping)
        {
            if (System.Array.IndexOf(from, parameterName) >= 0)
            {
                return to;
            }
        }

        return null;
    }

    private static bool HasExplicit(ImmutableArray<IArgumentOperation> arguments)
    {
        foreach (var argument in arguments)
        {
            if (argument.ArgumentKind == ArgumentKind.Explicit)
            {
                return true;
            }
        }

        return false;
    }

    private static IInvocationOperation? AsParametersCall(IOperation value, KnownTypes types)
    {
        while (value is IConversionOperation { IsImplicit: true } conversion)
        {
            value = conversion.Operand;
        }

        return value is IInvocationOperation { TargetMethod.Name: "parameters" or "named_parameters", Instance: { } instance } call
            && types.IsModule(call.TargetMethod.ContainingType)
            && types.IsFactorizedModule(instance.Type)
            ? call
            : null;
    }
}

/// <summary>One named argument of the replacement call: the user's expression, or a literal for an omitted default.</summary>
/// <param name="Name">Parameter name of the generated method.</param>
/// <param name="Expression">The expression the user wrote, moved as is.</param>
/// <param name="Literal">Source text for a value the user left to its default (when <paramref name="Expression"/> is null).</param>
internal readonly record struct MappedArgument(string Name, ExpressionSyntax? Expression, string? Literal);
