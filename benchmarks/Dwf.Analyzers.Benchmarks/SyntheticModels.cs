using System.Globalization;
using System.Text;

namespace Dwf.Analyzers.Benchmarks;

/// <summary>
/// Writes a compilation's worth of TorchSharp models in the shapes users write: MLPs, CNNs with
/// normalization/activation/pooling/dropout fields, a [Dense] head, field-level overrides, an opt-in
/// embedding, and a training method per model. One model in <see cref="MistakeEvery"/> carries a
/// mistake, so the analyzers also report (as they would in a real code base under edit).
/// </summary>
internal static class SyntheticModels
{
    public const int MistakeEvery = 50;

    public static string Generate(int modules)
    {
        var source = new StringBuilder();
        source.AppendLine("""
            using System;
            using Dwf;
            using TorchSharp;
            using TorchSharp.Modules;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;

            namespace Synthetic;
            """);

        for (int i = 0; i < modules; i++)
        {
            source.AppendLine((i % 3) switch
            {
                0 => Mlp(i),
                1 => Cnn(i),
                _ => Embedder(i),
            });
        }

        return source.ToString();
    }

    private static string Mlp(int i) => $$"""
        [Factorize(Depth = {{(i % MistakeEvery == 0 ? 1 : 3)}}, Lambda = 1e-4)]
        public partial class Mlp{{i}} : Module<Tensor, Tensor>
        {
            private readonly Linear fc1 = Linear(784, 300), fc2 = Linear(300, 100);
            [Factorize(Depth = 4)] private readonly Linear fc3 = Linear(100, 50);
            [Dense] private readonly Linear head = Linear(50, 10);
            private readonly ReLU act = ReLU();

            public Mlp{{i}}() : base(nameof(Mlp{{i}})) => RegisterComponents();

            public override Tensor forward(Tensor x) => head.call(act.call(fc3.call(act.call(fc2.call(act.call(fc1.call(x)))))));

            public static object Train(Mlp{{i}} model) => {{(i % MistakeEvery == 3 ? "torch.optim.SGD(model.parameters(), 0.1)" : "model.ToString()")}};
        }
        """;

    private static string Cnn(int i) => $$"""
        [Factorize]
        public partial class Cnn{{i}} : Module<Tensor, Tensor>
        {
            private readonly Conv2d conv1 = Conv2d(1, 32, 3), conv2 = Conv2d(32, 64, 3);
            {{(i % MistakeEvery == 1 ? "[Factorize] " : "")}}private readonly BatchNorm2d norm = BatchNorm2d(64);
            private readonly MaxPool2d pool = MaxPool2d(2);
            private readonly Dropout drop = Dropout(0.25);
            private readonly Flatten flatten = Flatten();
            private readonly Sequential classifier = Sequential(("fc", Linear(9216, 128)), ("act", ReLU()), ("out", Linear(128, 10)));

            public Cnn{{i}}() : base(nameof(Cnn{{i}}))
            {
                RegisterComponents();
            }

            public override Tensor forward(Tensor x) =>
                classifier.call(flatten.call(drop.call(pool.call(norm.call(conv2.call(conv1.call(x)))))));
        }
        """;

    private static string Embedder(int i) => $$"""
        [Factorize(InitStd = InitStd.Fixed, InitStdValue = {{(0.01 + i % 7 * 0.01).ToString("R", CultureInfo.InvariantCulture)}})]
        public partial class Embedder{{i}} : Module<Tensor, Tensor>
        {
            [Factorize(Lambda = 1e-5)] private readonly Embedding embed = Embedding(1000, 64);
            private readonly Linear proj = Linear(64, 16);
            private readonly LayerNorm norm = LayerNorm(16);
            {{(i % MistakeEvery == 2 ? "public Tensor Penalty() => zeros(1);" : "")}}

            public Embedder{{i}}() : base(nameof(Embedder{{i}})) => RegisterComponents();

            public override Tensor forward(Tensor x) => norm.call(proj.call(embed.call(x)));
        }
        """;
}
