using System;
using System.Reflection;
using Dwf.Samples.Mnist.Cli;
using Dwf.Samples.Models;
using static TorchSharp.torch;

namespace Dwf.Samples.Mnist.Models;

/// <summary>Builds the networks: factorized for training, plain for loading the deployed model.</summary>
/// <remarks>
/// At the depth of the sample models' <c>[Factorize(Depth = 3)]</c> the annotated class is used, so the run
/// exercises the generated code exactly as a user's model would. Another <c>--depth</c> cannot come from an
/// attribute (it is a compile-time constant), so the plain class gets the same runtime attached by hand,
/// <c>Factorization.Attach(model, plan)</c>, which is precisely what the generated <c>RegisterComponents()</c>
/// override does. Both consume the random generator in the same order (layer init, then factors), so the
/// same seed gives the same initial weights either way.
/// </remarks>
internal static class ModelFactory
{
    public static SampleModel CreateFactorized(ModelKind kind, int depth, double lambda)
    {
        var annotated = AnnotatedType(kind);
        int annotatedDepth = annotated.GetCustomAttribute<FactorizeAttribute>()?.Depth
            ?? throw new InvalidOperationException($"{annotated.Name} has lost its [Factorize] attribute.");
        if (depth == annotatedDepth)
        {
            return CreateAnnotated(kind, lambda, annotated.Name);
        }

        var plain = CreatePlain(kind);
        var plan = new FactorizationPlan(new FactorizationOptions { Depth = depth, Lambda = lambda }, plain.GetType().Name);
        var factorization = Factorization.Attach(plain, plan);
        return new SampleModel(plain, factorization, $"{plain.GetType().Name} + Factorization.Attach(Depth = {depth})", FlattenInputs(kind));
    }

    /// <summary>The class without <c>[Factorize]</c>, with TorchSharp's default initialization (the deployment target).</summary>
    public static nn.Module<Tensor, Tensor> CreatePlain(ModelKind kind) => kind switch
    {
        ModelKind.LeNet300 => new LeNet300(),
        ModelKind.LeNet5 => new LeNet5(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>LeNet-300-100 is an MLP over flattened 28×28 images; LeNet-5 takes 1×28×28 images.</summary>
    public static bool FlattenInputs(ModelKind kind) => kind == ModelKind.LeNet300;

    private static Type AnnotatedType(ModelKind kind) => kind switch
    {
        ModelKind.LeNet300 => typeof(FactorizedLeNet300),
        ModelKind.LeNet5 => typeof(FactorizedLeNet5),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static SampleModel CreateAnnotated(ModelKind kind, double lambda, string className)
    {
        nn.Module<Tensor, Tensor> module = kind switch
        {
            ModelKind.LeNet300 => new FactorizedLeNet300(),
            ModelKind.LeNet5 => new FactorizedLeNet5(),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
        // The generated code implements IFactorizedModule: SetLambda and Factorization are generated members.
        if (module is not IFactorizedModule factorized)
        {
            module.Dispose();
            throw new InvalidOperationException($"{className} was not factorized by its constructor: the Dwf source generator did not run for it.");
        }

        factorized.SetLambda(lambda);
        var factorization = factorized.Factorization;
        return new SampleModel(module, factorization, $"{className} [Factorize(Depth = {factorization.Plan.Options.Depth ?? FactorizationDefaults.Depth})]", FlattenInputs(kind));
    }
}
