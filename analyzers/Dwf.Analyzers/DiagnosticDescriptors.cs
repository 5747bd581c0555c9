using Microsoft.CodeAnalysis;

namespace Dwf.Analyzers;

/// <summary>
/// The one catalog of Dwf diagnostics. Every message names the offending member and the fix; every
/// descriptor links its help page under <c>docs/diagnostics/</c>. New ids go to
/// <c>AnalyzerReleases.Unshipped.md</c> (checked by the release-tracking analyzer).
/// </summary>
public static class DiagnosticDescriptors
{
    /// <summary>Where the help pages live; the file name is the id.</summary>
    public const string HelpLinkBase = "https://github.com/dwf-generators/Dwf.Generators/blob/main/docs/diagnostics/";

    private const string Declaration = "Dwf.Declaration";
    private const string Configuration = "Dwf.Configuration";
    private const string Layers = "Dwf.Layers";
    private const string Training = "Dwf.Training";
    private const string Deployment = "Dwf.Deployment";

    public static readonly DiagnosticDescriptor ClassNotPartial = new(
        id: DiagnosticIds.ClassNotPartial,
        title: "[Factorize] class must be partial",
        messageFormat: "'{0}' has [Factorize], so the Dwf generator must add members to it: add 'partial' to {1}",
        category: Declaration,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The Dwf generator adds the factorization members in a second part of the class, which C# allows only for partial types; a nested class needs every containing type to be partial too.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.ClassNotPartial + ".md");

    public static readonly DiagnosticDescriptor ClassNotModule = new(
        id: DiagnosticIds.ClassNotModule,
        title: "[Factorize] class must be a TorchSharp module",
        messageFormat: "'{0}' has [Factorize] but does not derive from torch.nn.Module: derive it from a TorchSharp module such as Module<Tensor, Tensor>, or remove [Factorize]",
        category: Declaration,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Only a torch.nn.Module has registered layers whose weights can be factorized.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.ClassNotModule + ".md");

    public static readonly DiagnosticDescriptor DepthTooSmall = new(
        id: DiagnosticIds.DepthTooSmall,
        title: "Factorization depth must be at least 2",
        messageFormat: "Depth = {0} on '{1}' is below 2, the smallest factorization: use Depth = 3 (the default), or [Dense] to keep a layer unfactorized",
        category: Configuration,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "A weight is factorized into Depth factors; Depth = 2 gives the lasso (L1) penalty, Depth = 3 the L2/3 penalty. Fewer than two factors is not a factorization.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.DepthTooSmall + ".md");

    public static readonly DiagnosticDescriptor DepthTooLarge = new(
        id: DiagnosticIds.DepthTooLarge,
        title: "Factorization depth above 6",
        messageFormat: "Depth = {0} on '{1}' is numerically fragile and no benefit has been reported beyond 4: use Depth = 3 (the default), at most 6",
        category: Configuration,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Deep factorizations train more slowly and their factors under- or overflow more easily as the depth grows; published results show no gain beyond Depth = 4.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.DepthTooLarge + ".md");

    public static readonly DiagnosticDescriptor OptionOutOfRange = new(
        id: DiagnosticIds.OptionOutOfRange,
        title: "Factorization option out of range",
        messageFormat: "{0} on '{1}' is out of range: {2}",
        category: Configuration,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Lambda must be finite and non-negative, InitTruncation must lie in [0, 2), InitStd must be a defined value, and InitStd = Fixed needs a finite InitStdValue above 0. The runtime rejects such settings when the module is constructed.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.OptionOutOfRange + ".md");

    public static readonly DiagnosticDescriptor FieldNotFactorizable = new(
        id: DiagnosticIds.FieldNotFactorizable,
        title: "[Factorize] on a field that cannot be factorized",
        messageFormat: "[Factorize] on '{0}' cannot apply: {1}; remove the attribute",
        category: Layers,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Only the weights of Linear, Conv1d/2d/3d, ConvTranspose1d/2d/3d, Bilinear and Embedding layers, Parameter fields, and containers or custom modules that hold such layers can be factorized. Normalization layers must not be; dropout, activation, pooling, Flatten and Identity have no weights to factorize.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.FieldNotFactorizable + ".md");

    public static readonly DiagnosticDescriptor NothingToFactorize = new(
        id: DiagnosticIds.NothingToFactorize,
        title: "[Factorize] class has nothing to factorize",
        messageFormat: "'{0}' has nothing to factorize: {1}; add a Linear, Conv or Bilinear field, or remove [Factorize]",
        category: Layers,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "A field can hold an eligible layer when its type is Linear, Conv1d/2d/3d, ConvTranspose1d/2d/3d or Bilinear, a container (Sequential, ModuleList, ModuleDict), a module base type or a custom module; Embedding and Parameter fields count only with their own [Factorize], and [Dense] fields never count.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.NothingToFactorize + ".md");

    public static readonly DiagnosticDescriptor ReservedMemberConflict = new(
        id: DiagnosticIds.ReservedMemberConflict,
        title: "Member conflicts with a generated member",
        messageFormat: "'{0}' conflicts with {1}: {2}",
        category: Declaration,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The Dwf generator emits Factorization, Penalty, Sparsity, Collapse, CreateSgd, CreateAdamW, CreateCompressionController, SetLambda, FactorizeFromCurrentWeights, FactorizationPlan and an override of RegisterComponents in every [Factorize] class, and the runtime registers a submodule named dwf_factors.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.ReservedMemberConflict + ".md");

    public static readonly DiagnosticDescriptor RegisterComponentsNotCalled = new(
        id: DiagnosticIds.RegisterComponentsNotCalled,
        title: "Constructor does not call RegisterComponents()",
        messageFormat: "No constructor of '{0}' calls RegisterComponents(), so its layers are not registered and nothing is factorized: call RegisterComponents() at the end of each constructor",
        category: Declaration,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "The factorization is applied by the generated RegisterComponents() override, which TorchSharp modules call at the end of their constructors.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.RegisterComponentsNotCalled + ".md");

    public static readonly DiagnosticDescriptor OptimizerMissesFactors = new(
        id: DiagnosticIds.OptimizerMissesFactors,
        title: "Optimizer built from the parameters of a factorized module",
        messageFormat: "{0} is built from '{1}' of the factorized module '{2}', so the factors would not be trained: use '{3}' instead",
        category: Training,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "A factorized module trains its factors; parameters() and named_parameters() hand the optimizer the product weights, which the factorization overwrites after every step. CreateSgd and CreateAdamW build optimizers with depth-aware factor groups.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.OptimizerMissesFactors + ".md");

    public static readonly DiagnosticDescriptor DenseMisplaced = new(
        id: DiagnosticIds.DenseMisplaced,
        title: "[Dense] without effect",
        messageFormat: "[Dense] on '{0}' {1}: remove [Dense]",
        category: Layers,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "[Dense] keeps a field of a [Factorize] class unfactorized; it contradicts a [Factorize] on the same field and means nothing in a class without [Factorize].",
        helpLinkUri: HelpLinkBase + DiagnosticIds.DenseMisplaced + ".md");

    public static readonly DiagnosticDescriptor AttributeOnUnregisteredMember = new(
        id: DiagnosticIds.AttributeOnUnregisteredMember,
        title: "[Factorize] or [Dense] on a property or static field",
        messageFormat: "[{0}] on the {1} '{2}' is ignored because TorchSharp registers instance fields only: put it on an instance field, or remove it",
        category: Layers,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "RegisterComponents() registers the module's instance fields; the generator keys field rules by the registered field name, so properties and static fields never match.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.AttributeOnUnregisteredMember + ".md");

    public static readonly DiagnosticDescriptor FieldFactorizeWithoutClassFactorize = new(
        id: DiagnosticIds.FieldFactorizeWithoutClassFactorize,
        title: "Field-level [Factorize] in a class without [Factorize]",
        messageFormat: "[Factorize] on the field '{0}' has no effect because '{1}' has no [Factorize]: add [Factorize] to '{1}', or remove it from the field",
        category: Layers,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The generator extends classes that carry [Factorize]; a field-level [Factorize] only overrides the settings of such a class.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.FieldFactorizeWithoutClassFactorize + ".md");

    public static readonly DiagnosticDescriptor InitStdValueIgnored = new(
        id: DiagnosticIds.InitStdValueIgnored,
        title: "InitStdValue without InitStd = Fixed",
        messageFormat: "InitStdValue = {0} on '{1}' is ignored because InitStd is {2}: set InitStd = InitStd.Fixed, or remove InitStdValue",
        category: Configuration,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "InitStdValue is the target standard deviation only when InitStd is Fixed; with LayerDefault or He it is not read.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.InitStdValueIgnored + ".md");

    public static readonly DiagnosticDescriptor TargetCompressionInvalid = new(
        id: DiagnosticIds.TargetCompressionInvalid,
        title: "TargetCompression out of range, together with Lambda, or on a field",
        messageFormat: "TargetCompression = {0} on '{1}' cannot apply: {2}",
        category: Configuration,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "TargetCompression is the compression ratio (total / non-zero weights) wanted at the end of training; λ is then steered during training, so it must be above 1, finite, set on the class's [Factorize], and not combined with Lambda. The runtime rejects such plans when the module is constructed.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.TargetCompressionInvalid + ".md");

    public static readonly DiagnosticDescriptor LambdaScalingInvalid = new(
        id: DiagnosticIds.LambdaScalingInvalid,
        title: "LambdaScaling on a field, or not Uniform or FanIn",
        messageFormat: "LambdaScaling = {0} on '{1}' cannot apply: {2}",
        category: Configuration,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "LambdaScaling.FanIn scales each layer's λ against the largest fan-in among all factorized weights of the model, so it is a setting of the whole model: it belongs on the class's [Factorize]. Its values are Uniform and FanIn. The runtime rejects such plans when the module is constructed.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.LambdaScalingInvalid + ".md");

    /// <summary>
    /// Reported as a Warning inside a <c>[Factorize]</c> class (the model a user will collapse and serve) and
    /// as Info in any other module (a block of such a model, or an unrelated one).
    /// </summary>
    public static readonly DiagnosticDescriptor SubmoduleForwardSkipsHooks = new(
        id: DiagnosticIds.SubmoduleForwardSkipsHooks,
        title: "A submodule called with forward() skips TorchSharp's hooks",
        messageFormat: "'{0}.forward(...)' skips TorchSharp's forward hooks, so SparseForward cannot run '{0}' with sparse kernels (and no hook ever sees it): call '{0}.call(...)'",
        category: Deployment,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "TorchSharp runs forward hooks only in Module.call. SparseForward serves a collapsed model's Linear and Conv2d layers (and folds the BatchNorm after them) through hooks; a layer invoked with forward() keeps computing densely, and SparseForward.Create refuses the model, naming the layer. call() computes the same thing and runs the hooks.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.SubmoduleForwardSkipsHooks + ".md");

    /// <summary>
    /// DWF018: a module that describes its forward for sparse inference (IDescribesGraph) calls a submodule field
    /// in forward that its DescribeGraph never uses.
    /// </summary>
    public static readonly DiagnosticDescriptor GraphDescriptionMissesLayer = new(
        id: DiagnosticIds.GraphDescriptionMissesLayer,
        title: "DescribeGraph leaves out a layer that forward uses",
        messageFormat: "forward uses '{0}' but DescribeGraph never does: unless '{0}' does nothing in eval mode, the described graph is not the forward and SparseForward.Create refuses it; describe '{0}' where forward uses it",
        category: Deployment,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "SparseForward's graph path runs the graph a module describes (IDescribesGraph) instead of its forward, after checking on a probe input that both compute the same thing. A submodule that forward uses and the description leaves out (typically a shortcut or a norm) makes that check fail at run time; this rule says so while typing. Helper methods of the same class called from either method are followed.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.GraphDescriptionMissesLayer + ".md");
}
