namespace Dwf.Generators.Model;

/// <summary>How much the generator emits for a <c>[Factorize]</c> class.</summary>
internal enum EmitMode
{
    /// <summary>The class is the first <c>[Factorize]</c> class in its hierarchy: the interface, the forwarding members, the RegisterComponents override and the plan.</summary>
    Root,

    /// <summary>A base class already carries <c>[Factorize]</c> and the generated members: only an override of the plan.</summary>
    DerivedPlanOverride,
}

/// <summary>
/// Everything the emitter needs for one <c>[Factorize]</c> class, and nothing else.
/// </summary>
/// <remarks>
/// Caching contract: this record and everything it holds are values (strings, numbers, enums, equatable
/// records and <see cref="EquatableArray{T}"/>); it never holds an <c>ISymbol</c>, <c>SyntaxNode</c>,
/// <c>Location</c>, <c>SemanticModel</c> or <c>Compilation</c>. Two parses of an unchanged class are equal,
/// which is what lets the incremental driver skip the emitter, and nothing here keeps a compilation alive.
/// </remarks>
/// <param name="MetadataName">The fully qualified metadata name (<c>A.B.Outer`1+Inner</c>): the class's identity.</param>
/// <param name="HintName">The generated file's name, from the metadata name; made unique across classes by <see cref="UniqueHintNames"/>.</param>
/// <param name="Namespace">The containing namespace as written in code (<c>A.B</c>, keywords escaped), or empty for the global namespace.</param>
/// <param name="ContainingTypes">The enclosing types, outermost first.</param>
/// <param name="Type">The <c>[Factorize]</c> class's own declaration.</param>
/// <param name="IsSealed">Sealed classes get a private, non-virtual plan property (a new virtual or protected member in a sealed type is an error or warning).</param>
/// <param name="DisplayName">The class's name as shown in the runtime's error messages.</param>
/// <param name="Mode">Root class or derived plan override.</param>
/// <param name="Options">The class-level options (for a derived class: its own, over its factorized bases').</param>
/// <param name="Fields">Field rules sorted by registered name (for a derived class: its bases' too; its own win).</param>
internal sealed record FactorizedClassModel(
    string MetadataName,
    string HintName,
    string Namespace,
    EquatableArray<ContainingTypeModel> ContainingTypes,
    ContainingTypeModel Type,
    bool IsSealed,
    string DisplayName,
    EmitMode Mode,
    FactorizationOptionsModel Options,
    EquatableArray<FieldRuleModel> Fields);
