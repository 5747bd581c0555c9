namespace Dwf.Generators.Parsing;

/// <summary>The types the generator recognizes, by metadata name.</summary>
internal static class KnownTypes
{
    public const string FactorizeAttributeName = "Dwf.FactorizeAttribute";

    public static readonly MetadataTypeName FactorizeAttribute = new(FactorizeAttributeName);

    public static readonly MetadataTypeName DenseAttribute = new("Dwf.DenseAttribute");

    /// <summary>TorchSharp's <c>torch.nn.Module</c>, the base of every module (including <c>Module&lt;T, TResult&gt;</c>).</summary>
    public static readonly MetadataTypeName Module = new("TorchSharp.torch+nn+Module");

    /// <summary>TorchSharp's <c>torch.Tensor</c>, the base of <c>Parameter</c>.</summary>
    public static readonly MetadataTypeName Tensor = new("TorchSharp.torch+Tensor");

    /// <summary>TorchSharp's attribute that changes the name a field is registered under.</summary>
    public static readonly MetadataTypeName ComponentNameAttribute = new("TorchSharp.Utils.ComponentNameAttribute");
}
