using System;
using System.Collections.Generic;
using System.Linq;
using Dwf.Datasets;

namespace Dwf.Samples.Mnist.Cli;

/// <summary>The command-line spellings of models and datasets, both ways.</summary>
internal static class ModelNames
{
    private static readonly IReadOnlyDictionary<string, ModelKind> Models = new Dictionary<string, ModelKind>(StringComparer.OrdinalIgnoreCase)
    {
        ["lenet300"] = ModelKind.LeNet300,
        ["lenet5"] = ModelKind.LeNet5,
    };

    private static readonly IReadOnlyDictionary<string, MnistVariant> Datasets = new Dictionary<string, MnistVariant>(StringComparer.OrdinalIgnoreCase)
    {
        ["mnist"] = MnistVariant.Mnist,
        ["fashion-mnist"] = MnistVariant.FashionMnist,
    };

    public static string ModelChoices => string.Join("|", Models.Keys);

    public static string DatasetChoices => string.Join("|", Datasets.Keys);

    public static string Name(ModelKind model) => Models.First(m => m.Value == model).Key;

    public static string Name(MnistVariant dataset) => Datasets.First(d => d.Value == dataset).Key;

    public static bool TryParseModel(string text, out ModelKind model) => Models.TryGetValue(text.Trim(), out model);

    public static bool TryParseDataset(string text, out MnistVariant dataset) => Datasets.TryGetValue(text.Trim(), out dataset);

    /// <summary>Human-readable network name, e.g. "LeNet-300-100".</summary>
    public static string DisplayName(ModelKind model) => model switch
    {
        ModelKind.LeNet300 => "LeNet-300-100",
        ModelKind.LeNet5 => "LeNet-5",
        _ => throw new ArgumentOutOfRangeException(nameof(model), model, null),
    };
}
