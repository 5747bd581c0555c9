using System;
using System.Globalization;
using Dwf;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using static TorchSharp.torch.nn.functional;

// A user's program: an ordinary TorchSharp model made factorized by `partial` + [Factorize], trained one
// step, measured and collapsed. Prints key=value lines that PackageConsumerTests checks.
manual_seed(1);
using var model = new ConsumerNet();
using var input = randn(16, 8);
using var target = randint(2, new long[] { 16 }, dtype: ScalarType.Int64);
using var optimizer = model.CreateSgd(lr: 0.1, momentum: 0.9);

double before = Loss();
optimizer.zero_grad();
using (var loss = cross_entropy(model.call(input), target))
{
    loss.backward();
}

optimizer.step();
double after = Loss();

Print("factorized-weights", model.Sparsity().TotalWeights.ToString(CultureInfo.InvariantCulture));
Print("loss-decreased", (after < before).ToString(CultureInfo.InvariantCulture));
model.Collapse();
Print("collapsed", model.Factorization.IsCollapsed.ToString(CultureInfo.InvariantCulture));
Print("state-dict", string.Join(",", model.state_dict().Keys));

double Loss()
{
    using var noGrad = no_grad();
    using var output = model.call(input);
    using var loss = cross_entropy(output, target);
    return loss.item<float>();
}

static void Print(string key, string value) => Console.WriteLine(key + "=" + value);

/// <summary>The user's model: plain TorchSharp plus `partial` and the attributes.</summary>
[Factorize(Depth = 3)]
internal sealed partial class ConsumerNet : Module<Tensor, Tensor>
{
    private readonly Linear fc1 = Linear(8, 16);
    [Dense] private readonly Linear head = Linear(16, 2);

    public ConsumerNet() : base(nameof(ConsumerNet)) => RegisterComponents();

    public override Tensor forward(Tensor input) => head.call(relu(fc1.call(input)));
}
