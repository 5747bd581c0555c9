namespace Dwf.Generators.Model;

/// <summary>
/// The named arguments of one <c>[Factorize(...)]</c>, exactly as the user set them: <c>null</c> means "not
/// set", which the generated <c>FactorizationOptions</c> leaves out so the runtime inherits it.
/// </summary>
/// <param name="Depth">Depth D.</param>
/// <param name="Lambda">λ.</param>
/// <param name="FactorizeBias">FactorizeBias.</param>
/// <param name="InitTruncation">InitTruncation.</param>
/// <param name="InitStdMember">The <c>Dwf.InitStd</c> member name (e.g. <c>He</c>), read from the enum, not hard-coded.</param>
/// <param name="InitStdIsFixed">Whether <paramref name="InitStdMember"/> names the <c>Fixed</c> member (needs a positive InitStdValue).</param>
/// <param name="InitStdValue">InitStdValue.</param>
/// <param name="InitVarianceCorrection">InitVarianceCorrection.</param>
/// <param name="TargetCompression">TargetCompression (class level only; not together with Lambda).</param>
/// <param name="LambdaScalingMember">The <c>Dwf.LambdaScaling</c> member name (e.g. <c>FanIn</c>; class level only), read from the enum.</param>
internal sealed record FactorizationOptionsModel(
    int? Depth,
    double? Lambda,
    bool? FactorizeBias,
    double? InitTruncation,
    string? InitStdMember,
    bool? InitStdIsFixed,
    double? InitStdValue,
    bool? InitVarianceCorrection,
    double? TargetCompression,
    string? LambdaScalingMember)
{
    public static FactorizationOptionsModel None { get; } = new(null, null, null, null, null, null, null, null, null, null);

    public bool IsEmpty => this == None;

    /// <summary>These options with every unset value taken from <paramref name="fallback"/> (as the runtime's <c>Over</c>).</summary>
    public FactorizationOptionsModel Over(FactorizationOptionsModel fallback) => new(
        Depth ?? fallback.Depth,
        Lambda ?? fallback.Lambda,
        FactorizeBias ?? fallback.FactorizeBias,
        InitTruncation ?? fallback.InitTruncation,
        InitStdMember ?? fallback.InitStdMember,
        InitStdIsFixed ?? fallback.InitStdIsFixed,
        InitStdValue ?? fallback.InitStdValue,
        InitVarianceCorrection ?? fallback.InitVarianceCorrection,
        TargetCompression ?? fallback.TargetCompression,
        LambdaScalingMember ?? fallback.LambdaScalingMember);
}
