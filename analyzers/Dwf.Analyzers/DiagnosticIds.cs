namespace Dwf.Analyzers;

/// <summary>
/// The stable diagnostic ids. They are public contract (users suppress them by id, help pages are named
/// after them): never renumber or reuse one.
/// </summary>
public static class DiagnosticIds
{
    public const string ClassNotPartial = "DWF001";
    public const string ClassNotModule = "DWF002";
    public const string DepthTooSmall = "DWF003";
    public const string DepthTooLarge = "DWF004";
    public const string OptionOutOfRange = "DWF005";
    public const string FieldNotFactorizable = "DWF006";
    public const string NothingToFactorize = "DWF007";
    public const string ReservedMemberConflict = "DWF008";
    public const string RegisterComponentsNotCalled = "DWF009";
    public const string OptimizerMissesFactors = "DWF010";
    public const string DenseMisplaced = "DWF011";
    public const string AttributeOnUnregisteredMember = "DWF012";
    public const string FieldFactorizeWithoutClassFactorize = "DWF013";
    public const string InitStdValueIgnored = "DWF014";
    public const string TargetCompressionInvalid = "DWF015";
    public const string LambdaScalingInvalid = "DWF016";
    public const string SubmoduleForwardSkipsHooks = "DWF017";
    public const string GraphDescriptionMissesLayer = "DWF018";
}
