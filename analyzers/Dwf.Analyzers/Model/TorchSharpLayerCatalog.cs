using System.Collections.Generic;

namespace Dwf.Analyzers.Model;

/// <summary>
/// TorchSharp's layer types (namespace <c>TorchSharp.Modules</c>, by metadata name) sorted by what the
/// Dwf runtime does with them; mirrors <c>Dwf.Core.LayerCatalog</c>. Types not listed here are treated
/// as possibly holding eligible layers, so an unknown or new TorchSharp type never causes a false error.
/// </summary>
internal static class TorchSharpLayerCatalog
{
    /// <summary>Phrases that complete "&lt;type&gt; is ..." in diagnostic messages.</summary>
    private const string Normalization = "a normalization layer, whose weight and bias are scales and shifts that must not be factorized";
    private const string Dropout = "dropout, which has no weights";
    private const string Activation = "an activation, which has no weights to factorize";
    private const string Pooling = "a pooling layer, which has no weights";
    private const string ParameterFree = "a parameter-free layer, with no weights";
    private const string Unsupported = "a layer whose weights the Dwf runtime does not factorize (it factorizes Linear, Conv, ConvTranspose, Bilinear and Embedding weights)";
    private const string ParameterContainer = "a parameter container, whose entries the Dwf runtime does not factorize (declare Parameter fields instead)";

    private static readonly string[] FactorizedByDefaultNames =
    {
        "Linear", "Bilinear", "Convolution", "ConvolutionTranspose",
        "Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d",
    };

    private static readonly Dictionary<string, string> NotFactorizableNames = Build(
        (Normalization, new[]
        {
            "NormBase", "BatchNorm", "BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "InstanceNorm", "InstanceNorm1d",
            "InstanceNorm2d", "InstanceNorm3d", "LayerNorm", "GroupNorm", "LocalResponseNorm",
        }),
        (Dropout, new[] { "Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout" }),
        (Activation, new[]
        {
            "CELU", "ELU", "GELU", "GLU", "Hardshrink", "Hardsigmoid", "Hardswish", "Hardtanh", "LeakyReLU", "LogSigmoid",
            "LogSoftmax", "Mish", "PReLU", "RReLU", "ReLU", "ReLU6", "SELU", "SiLU", "Sigmoid", "Softmax", "Softmax2d",
            "Softmin", "Softplus", "Softshrink", "Softsign", "Tanh", "Tanhshrink", "Threshold",
        }),
        (Pooling, new[]
        {
            "AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveAvgPool3d", "AdaptiveMaxPool1d", "AdaptiveMaxPool2d",
            "AdaptiveMaxPool3d", "AvgPool1d", "AvgPool2d", "AvgPool3d", "FractionalMaxPool2d", "FractionalMaxPool3d",
            "LPPool1d", "LPPool2d", "MaxPool1d", "MaxPool2d", "MaxPool3d", "MaxUnpool1d", "MaxUnpool2d", "MaxUnpool3d",
        }),
        (ParameterFree, new[]
        {
            "Flatten", "Unflatten", "Identity", "PixelShuffle", "PixelUnshuffle", "Upsample", "Fold", "Unfold",
            "ChannelShuffle", "CosineSimilarity", "PairwiseDistance", "PadBase", "ConstantPad1d", "ConstantPad2d",
            "ConstantPad3d", "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d", "ReplicationPad1d",
            "ReplicationPad2d", "ReplicationPad3d", "ZeroPad2d",
            // Every weightless TorchSharp layer derives from ParameterLessModule<...>.
            "ParameterLessModule`2", "ParameterLessModule`3", "ParameterLessModule`4", "ParameterLessModule`5",
            "ParameterLessModule`6", "ParameterLessModule`7",
        }),
        (Unsupported, new[] { "RNN", "LSTM", "GRU", "RNNCell", "LSTMCell", "GRUCell", "EmbeddingBag" }),
        (ParameterContainer, new[] { "ParameterList", "ParameterDict" }));

    /// <summary>Loss modules live in the <c>TorchSharp</c> namespace itself, not in <c>TorchSharp.Modules</c>.</summary>
    public const string LossPhrase = "a loss function, which has no weights to factorize";

    public static bool IsFactorizedByDefault(string metadataName) => System.Array.IndexOf(FactorizedByDefaultNames, metadataName) >= 0;

    public static bool IsOptInLayer(string metadataName) => metadataName == "Embedding";

    public static bool IsElementContainer(string metadataName) => metadataName is "ModuleList`1" or "ModuleDict`1";

    public static bool TryGetNotFactorizable(string metadataName, out string phrase)
    {
        if (NotFactorizableNames.TryGetValue(metadataName, out var found))
        {
            phrase = found;
            return true;
        }

        phrase = string.Empty;
        return false;
    }

    private static Dictionary<string, string> Build(params (string Phrase, string[] Names)[] groups)
    {
        var map = new Dictionary<string, string>(System.StringComparer.Ordinal);
        foreach (var (phrase, names) in groups)
        {
            foreach (var name in names)
            {
                map.Add(name, phrase);
            }
        }

        return map;
    }
}
