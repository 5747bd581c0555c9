using System;
using System.Collections.Generic;
using System.Linq;
using Dwf.Samples.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Dwf.Benchmarks.Performance;

/// <summary>A way of training one net for one step, ready to run repeatedly on a fixed batch.</summary>
internal sealed record StepVariant(string Name, string Description, Func<string, Action> Build)
{
    /// <summary>Whether the variant exists for <paramref name="net"/> (the generated and explicit-product twins are written for the LeNets only).</summary>
    public Func<string, bool> Supports { get; init; } = _ => true;
}

/// <summary>The variants the step-time benchmark compares.</summary>
internal static class StepVariants
{
    private const double Lr = 0.01, Momentum = 0.9, Lambda = 1e-4;

    public static IReadOnlyList<StepVariant> All { get; } = new[]
    {
        new StepVariant("dense", "plain TorchSharp model, torch.optim.SGD", net => Dense(net)),
        new StepVariant("dwf-D2", "Factorization at D = 2, CreateSgd (fused CPU kernel)", net => Factorized(net, 2, fused: true)),
        new StepVariant("dwf-D3", "the generated [Factorize(Depth = 3)] model (zoo nets: Factorization.Attach, the same code), CreateSgd (fused CPU kernel)", net => Generated(net)),
        new StepVariant("dwf-D4", "Factorization at D = 4, CreateSgd (fused CPU kernel)", net => Factorized(net, 4, fused: true)),
        new StepVariant("dwf-D3-target", "D = 3 with a CompressionController (target 50) in its mask phase: the controller's step, with the mask re-applied, after every optimizer step", net => Targeted(net)),
        new StepVariant("dwf-D3-general", "D = 3 with the fused kernel off (tensor-op path, as on a GPU)", net => Factorized(net, 3, fused: false)),
        new StepVariant("reference-D3", "hand-written explicit product in forward, plain autograd and SGD", net => Reference(net, 3)) { Supports = IsLeNet },
    };

    /// <summary>A fixed random batch for the net (the contents do not affect the timing), on <see cref="CurrentDevice"/>.</summary>
    public static (Tensor Images, Tensor Labels) Batch(string net, int batchSize)
    {
        manual_seed(0);
        var images = Experiments.Nets.Flatten(net) ? randn(batchSize, 784) : randn(batchSize, 1, 28, 28);
        var labels = randint(0, 10, new long[] { batchSize }, dtype: int64);
        return (images.to(CurrentDevice).DetachFromDisposeScope(), labels.to(CurrentDevice).DetachFromDisposeScope());
    }

    /// <summary>Waits until the device has finished the work queued so far: a GPU runs asynchronously, so a timer must wait for it.</summary>
    public static void Synchronize()
    {
        if (CurrentDevice.type == TorchSharp.DeviceType.CUDA)
        {
            cuda.synchronize();
        }
    }

    public static Func<Tensor, Tensor, Action> Step(nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer) => (images, labels) => () =>
    {
        using var scope = NewDisposeScope();
        optimizer.zero_grad();
        nn.functional.cross_entropy(model.call(images), labels).backward();
        optimizer.step();
    };

    private static bool IsLeNet(string net) => net is "lenet300" or "lenet5";

    private static Action Dense(string net)
    {
        var model = Place(Experiments.Nets.Create(net));
        return Bind(net, model, optim.SGD(model.parameters(), Lr, Momentum, weight_decay: Lambda));
    }

    private static Action Factorized(string net, int depth, bool fused)
    {
        var model = Place(Experiments.Nets.Create(net));
        var factorization = Factorization.Attach(model, new FactorizationPlan(new FactorizationOptions { Depth = depth, Lambda = Lambda }));
        var optimizer = factorization.CreateSgd(Lr, Momentum);
        optimizer.UseFusedKernel = fused;
        return Bind(net, model, optimizer);
    }

    private static Action Targeted(string net)
    {
        var model = Place(Experiments.Nets.Create(net));
        var factorization = Factorization.Attach(model, new FactorizationPlan(new FactorizationOptions { Depth = 3, Lambda = Lambda }));
        var optimizer = factorization.CreateSgd(Lr, Momentum);
        // A long run, advanced into its mask phase (from 5 % of the steps); the timed steps stay between two mask events.
        const long Total = 20_000;
        var controller = factorization.CreateCompressionController(optimizer, Total, target_compression: 50);
        for (long i = 0; i < (Total / 20) + 100; i++)
        {
            controller.step();
        }

        var step = Bind(net, model, optimizer);
        return () =>
        {
            step();
            controller.step();
        };
    }

    private static Action Generated(string net)
    {
        if (!IsLeNet(net))
        {
            return Factorized(net, 3, fused: true);
        }

        var model = Place(net == "lenet300" ? (nn.Module<Tensor, Tensor>)new FactorizedLeNet300() : new FactorizedLeNet5());
        var factorization = Factorization.Find(model) ?? throw new InvalidOperationException("The generated model has no factorization: is the source generator running?");
        factorization.SetLambda(Lambda);
        return Bind(net, model, factorization.CreateSgd(Lr, Momentum));
    }

    private static Action Reference(string net, int depth)
    {
        nn.Module<Tensor, Tensor> model;
        IEnumerable<TorchSharp.Modules.Parameter> factors;
        if (net == "lenet300")
        {
            var m = Place(new ExplicitProductLeNet300(depth));
            (model, factors) = (m, m.Factors);
        }
        else
        {
            var m = Place(new ExplicitProductLeNet5(depth));
            (model, factors) = (m, m.Factors);
        }

        var factorSet = new HashSet<TorchSharp.Modules.Parameter>(factors, ReferenceEqualityComparer.Instance);
        var optimizer = optim.SGD(
            new[]
            {
                new TorchSharp.Modules.SGD.ParamGroup(factorSet, lr: Lr * DepthLearningRate.Multiplier(depth), momentum: Momentum, weight_decay: 2 * Lambda / depth),
                new TorchSharp.Modules.SGD.ParamGroup(model.parameters().Where(p => !factorSet.Contains(p)), lr: Lr, momentum: Momentum),
            },
            Lr,
            Momentum);
        return Bind(net, model, optimizer);
    }

    private static Action Bind(string net, nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer)
    {
        var (images, labels) = Batch(net, CurrentBatchSize);
        return Step(model, optimizer)(images, labels);
    }

    /// <summary>Batch size used by <see cref="StepVariant.Build"/> (set by the harness before building).</summary>
    public static int CurrentBatchSize { get; set; } = 256;

    /// <summary>Device the variants are built and run on (set by the harness before building; default the CPU).</summary>
    public static Device CurrentDevice { get; set; } = CPU;

    // Before any optimizer holds the parameters: .to() replaces them.
    private static T Place<T>(T model)
        where T : nn.Module => Verbs.CommonOptions.Place(model, CurrentDevice);
}
