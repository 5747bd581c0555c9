using System;
using System.Collections.Generic;
using System.Linq;
using Dwf.Tests.Support;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Dwf.Tests.Control;

/// <summary>
/// <see cref="MaskScore.Automatic"/>, the default: synaptic flow exactly on models whose norms are all BatchNorm with
/// running statistics; the mechanism it answers (global magnitude behind BatchNorm ranks layers by fan-in and empties
/// the wide ones); a missing input shape named at the first step; one input hook per model.
/// </summary>
public sealed class AutomaticMaskScoreTests
{
    public static TheoryData<string, MaskScore> Models => new()
    {
        { "batchnorm", MaskScore.SynapticFlow },
        { "none", MaskScore.Magnitude },
        { "layernorm", MaskScore.Magnitude },
        { "batchnorm and layernorm", MaskScore.Magnitude },
        { "batchnorm without running statistics", MaskScore.Magnitude },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void Ranks_by_flow_exactly_where_every_norm_is_a_batchnorm_with_running_statistics(string norms, MaskScore expected)
    {
        var model = new NormedMlp(norms);
        var factorization = Factorized.Attach(model, depth: 2, lambda: 3e-4);

        var controller = factorization.CreateCompressionController(factorization.CreateSgd(lr: 0.1), 100, target_compression: 10);
        var magnitude = factorization.CreateCompressionController(factorization.CreateSgd(lr: 0.1), 100, target_compression: 10, new CompressionControllerOptions { MaskScore = MaskScore.Magnitude });

        Assert.Equal(expected, controller.MaskScore);
        Assert.Equal(MaskScore.Magnitude, magnitude.MaskScore); // an explicit choice is kept
    }

    [Fact]
    public void Behind_batchnorm_global_magnitude_empties_the_wide_layer_and_the_default_ranking_keeps_every_layer()
    {
        // Magnitudes keep their initialization scale ∝ 1/√fan-in: fc2 (fan-in 256) has the most weights and the
        // smallest, so at CR 100 the 106 largest magnitudes all lie in fc1 (fan-in 8), whatever the weights do.
        var byMagnitude = MaskAtInitialization(new CompressionControllerOptions { MaskScore = MaskScore.Magnitude });
        var byDefault = MaskAtInitialization(new CompressionControllerOptions());

        Assert.Equal(0, byMagnitude["fc2.weight"]);
        Assert.Equal(0, byMagnitude["fc3.weight"]);
        Assert.All(byDefault, layer => Assert.True(layer.Value > 0, $"{layer.Key} emptied by the default ranking"));
        long total = 8 * 256 + 256 * 32 + 32 * 10;
        Assert.InRange(total / (double)byDefault.Values.Sum(), 99.0, 100.0);
    }

    [Fact]
    public void Without_an_input_seen_the_first_step_says_how_to_give_one_and_takes_no_step()
    {
        var model = new NormedMlp("batchnorm");
        var factorization = Factorized.Attach(model, depth: 2, lambda: 3e-4);
        var controller = factorization.CreateCompressionController(factorization.CreateSgd(lr: 0.1), 100, target_compression: 10);

        var error = Assert.Throws<InvalidOperationException>(controller.step);

        Assert.Contains("MaskScore.Automatic chose it", error.Message, StringComparison.Ordinal);
        Assert.Contains("model.call(x)", error.Message, StringComparison.Ordinal);
        Assert.Contains("FlowInputShape", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, controller.Steps);

        var shaped = factorization.CreateCompressionController(factorization.CreateSgd(lr: 0.1), 100, target_compression: 10, new CompressionControllerOptions { FlowInputShape = new long[] { 1, 8 } });
        shaped.step();
        Assert.Equal(1, shaped.Steps);
    }

    [Fact]
    public void Controllers_on_one_model_share_one_input_hook_that_keeps_the_first_shape()
    {
        var model = new NormedMlp("batchnorm");

        var first = FirstInputShape.Track(model);
        var second = FirstInputShape.Track(model);
        Assert.Same(first, second);
        Assert.Null(first.Shape);

        model.train();
        model.call(randn(4, 8));
        model.call(randn(6, 8));
        Assert.Equal(new long[] { 1, 8 }, first.Shape);
    }

    // The nonzero weights per layer once the mask is fixed, for a model at its initialization (no optimizer step: only
    // the mask changes the weights).
    private static Dictionary<string, long> MaskAtInitialization(CompressionControllerOptions options)
    {
        const long Total = 200;
        manual_seed(11);
        var model = new NormedMlp("batchnorm");
        var factorization = Factorized.Attach(model, depth: 3, lambda: 3e-4);
        var controller = factorization.CreateCompressionController(factorization.CreateSgd(lr: 0.1), Total, target_compression: 100, options);
        model.train();
        model.call(randn(16, 8));
        for (long step = 0; step < controller.FineTuneStep; step++)
        {
            controller.step();
        }

        return factorization.Weights.ToDictionary(w => w.Path, w => w.Weight.detach().ne(0).sum().item<long>());
    }

    // fc1 8→256, fc2 256→32, fc3 32→10, each of the first two followed by the norms named.
    private sealed class NormedMlp : Module<Tensor, Tensor>
    {
        private readonly Linear fc1; // fields: RegisterComponents registers fields, not properties
        private readonly Linear fc2;
        private readonly Linear fc3;
        private readonly ModuleList<Module<Tensor, Tensor>> norms1 = new();
        private readonly ModuleList<Module<Tensor, Tensor>> norms2 = new();

        public NormedMlp(string norms)
            : base(nameof(NormedMlp))
        {
            fc1 = Linear(8, 256);
            fc2 = Linear(256, 32);
            fc3 = Linear(32, 10);
            foreach (var (list, width) in new[] { (norms1, 256L), (norms2, 32L) })
            {
                if (norms.StartsWith("batchnorm", StringComparison.Ordinal))
                {
                    list.Add(BatchNorm1d(width, track_running_stats: norms != "batchnorm without running statistics"));
                }

                if (norms.EndsWith("layernorm", StringComparison.Ordinal))
                {
                    list.Add(LayerNorm(width));
                }
            }

            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            x = fc1.call(x);
            x = norms1.Aggregate(x, (h, norm) => norm.call(h));
            x = functional.relu(fc2.call(functional.relu(x)));
            x = norms2.Aggregate(x, (h, norm) => norm.call(h));
            return fc3.call(functional.relu(x));
        }
    }
}
