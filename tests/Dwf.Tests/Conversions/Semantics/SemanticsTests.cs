using System;
using System.Linq;
using Dwf.Tests.Conversions.Models;
using Xunit;
using static TorchSharp.torch;

namespace Dwf.Tests.Conversions.Semantics;

/// <summary>The semantics the generated code promises (issue 3, "Semantics").</summary>
public sealed class SemanticsTests
{
    [Fact]
    public void A_nested_factorized_submodule_keeps_its_own_depth_and_is_factorized_once()
    {
        using var model = new AutoEncoder();

        var layers = model.Sparsity().Layers.ToDictionary(l => l.Path, l => l.Depth);

        Assert.Equal(new[] { "decoder.weight", "encoder.enc.weight" }, layers.Keys.OrderBy(k => k, StringComparer.Ordinal));
        Assert.Equal(4, layers["encoder.enc.weight"]);
        Assert.Equal(2, layers["decoder.weight"]);
        var keys = model.state_dict().Keys.ToList();
        Assert.Equal(4, keys.Count(k => k.StartsWith("encoder.dwf_factors.enc.weight.", StringComparison.Ordinal)));
        Assert.Equal(2, keys.Count(k => k.StartsWith("dwf_factors.decoder.weight.", StringComparison.Ordinal)));
        Assert.DoesNotContain(keys, k => k.StartsWith("dwf_factors.encoder", StringComparison.Ordinal));
    }

    [Fact]
    public void Calling_RegisterComponents_twice_factorizes_once()
    {
        using var model = new RegisteredTwice();

        Assert.Single(model.Factorization.Weights);
        // weight, bias, and the three factors of the weight.
        Assert.Equal(new[] { "fc.weight", "fc.bias", "dwf_factors.fc.weight.0", "dwf_factors.fc.weight.1", "dwf_factors.fc.weight.2" },
            model.named_parameters().Select(p => p.name).ToArray());
    }

    [Fact]
    public void A_field_level_attribute_overrides_depth_and_lambda_for_that_field()
    {
        using var model = new Mixed();

        var layers = model.Sparsity().Layers.ToDictionary(l => l.Path);

        Assert.Equal(2, layers["fc1.weight"].Depth);
        Assert.Equal(4, layers["fc2.weight"].Depth);
        Assert.Equal(1e-2, layers["fc2.weight"].Lambda);
        Assert.Equal(FactorizationDefaults.Lambda, layers["fc1.weight"].Lambda);
    }

    [Fact]
    public void FactorizeBias_factorizes_the_biases_of_eligible_layers()
    {
        using var model = new Mixed();

        var paths = model.Sparsity().Layers.Select(l => l.Path).OrderBy(p => p, StringComparer.Ordinal);

        Assert.Equal(new[] { "fc1.bias", "fc1.weight", "fc2.bias", "fc2.weight" }, paths);
        Assert.Equal(4, model.Sparsity()["fc2.bias"]!.Depth);
    }

    [Fact]
    public void A_dense_head_stays_dense_and_trains_as_usual()
    {
        manual_seed(7);
        using var model = new Mlp();
        using var input = randn(4, 784);
        using var target = randint(10, new long[] { 4 }, dtype: ScalarType.Int64);
        var head = model.named_parameters().Single(p => p.name == "head.weight").parameter;
        using var before = head.detach().clone();

        using var optimizer = model.CreateSgd(0.1);
        optimizer.zero_grad();
        using var loss = nn.functional.cross_entropy(model.call(input), target);
        loss.backward();
        optimizer.step();

        Assert.Null(model.Sparsity()["head.weight"]);
        Assert.DoesNotContain(model.state_dict().Keys, k => k.StartsWith("dwf_factors.head", StringComparison.Ordinal));
        Assert.False(before.allclose(head), "The dense head was not trained.");
    }

    [Fact]
    public void ComponentName_keys_the_field_rule_by_the_registered_name()
    {
        using var model = new Mixed();

        Assert.Contains("classifier.weight", model.state_dict().Keys);
        Assert.Null(model.Sparsity()["classifier.weight"]);
    }

    [Fact]
    public void Factorization_before_RegisterComponents_throws_a_clear_error()
    {
        using var model = new Forgetful();

        var error = Assert.Throws<InvalidOperationException>(() => model.Factorization);

        Assert.Contains("call RegisterComponents() at the end of the constructor", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_factorized_class_deriving_from_a_plain_module_factorizes_the_base_layers_too()
    {
        using var model = new OnPlainBase();

        Assert.Equal(new[] { "stem.weight" }, model.Sparsity().Layers.Select(l => l.Path));
        Assert.Equal(3, model.Sparsity()["stem.weight"]!.Depth);
    }

    [Fact]
    public void A_factorized_class_deriving_from_a_factorized_class_uses_its_own_plan_over_the_base_rules()
    {
        using var model = new Wide();

        var layers = model.Sparsity().Layers.ToDictionary(l => l.Path);

        Assert.Equal(new[] { "side.weight", "stem.weight" }, layers.Keys.OrderBy(k => k, StringComparer.Ordinal));
        Assert.Equal(4, layers["stem.weight"].Depth);   // the base's Depth
        Assert.Equal(1e-2, layers["stem.weight"].Lambda); // the derived class's λ
        Assert.Equal(2, layers["side.weight"].Depth);   // its own field rule; head stays dense by the base's rule
        Assert.Equal(1e-3, new Narrow().Sparsity()["stem.weight"]!.Lambda);
    }

    [Fact]
    public void A_module_with_two_inputs_trains()
    {
        manual_seed(3);
        using var model = new PairNet();
        using var left = randn(5, 4);
        using var right = randn(5, 3);
        using var target = randn(5, 2);

        Assert.Equal(2 * 4 * 3, model.Sparsity().TotalWeights);
        using var optimizer = model.CreateSgd(0.1);
        double first = Step(), last = first;
        for (int i = 0; i < 5; i++)
        {
            last = Step();
        }

        Assert.True(last < first, $"{first} -> {last}");

        double Step()
        {
            optimizer.zero_grad();
            using var loss = nn.functional.mse_loss(model.call(left, right), target);
            loss.backward();
            optimizer.step();
            return loss.item<float>();
        }
    }

    [Fact]
    public void Generic_nested_and_global_namespace_classes_are_factorized()
    {
        using var wrapper = new Containers.Wrapper<int>();
        using var global = new GlobalNamespaceNet();

        Assert.Equal(new[] { "inner.0.weight", "inner.2.weight" }, wrapper.Sparsity().Layers.Select(l => l.Path));
        Assert.Equal(6, global.Sparsity().TotalWeights);
    }

    [Fact]
    public void The_generated_surface_is_reachable_through_IFactorizedModule()
    {
        using var model = new GlobalNamespaceNet();
        IFactorizedModule factorized = model;

        using var optimizer = factorized.CreateSgd(0.1, momentum: 0.5);
        factorized.SetLambda(0.5);
        using var penalty = factorized.Penalty();

        Assert.Same(model.Factorization, factorized.Factorization);
        Assert.Equal(0.5, model.Sparsity()["fc.weight"]!.Lambda);
        Assert.True(penalty.item<float>() > 0);
    }

    [Fact]
    public void Layers_inside_ModuleList_and_ModuleDict_are_factorized_normalization_layers_never()
    {
        using var model = new Towers();

        var paths = model.Sparsity().Layers.Select(l => l.Path).OrderBy(p => p, StringComparer.Ordinal);

        Assert.Equal(new[] { "heads.left.weight", "heads.right.weight", "towers.0.weight", "towers.2.weight" }, paths);
    }

    [Fact]
    public void A_field_level_attribute_opts_in_an_Embedding_and_a_Parameter_field()
    {
        using var model = new OptIns();

        var layers = model.Sparsity().Layers.ToDictionary(l => l.Path, l => l.Depth);

        Assert.Equal(new[] { "scale", "tokens.weight" }, layers.Keys.OrderBy(k => k, StringComparer.Ordinal));
        Assert.Equal(2, layers["tokens.weight"]);
        Assert.Equal(3, layers["scale"]);
    }
}
