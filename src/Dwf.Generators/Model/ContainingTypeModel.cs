namespace Dwf.Generators.Model;

/// <summary>
/// A type declaration to re-open in the generated file: the <c>[Factorize]</c> class itself or one of the
/// types it is nested in.
/// </summary>
/// <param name="Keyword">What follows <c>partial</c>: <c>class</c>, <c>struct</c>, <c>interface</c>, <c>record</c> or <c>record struct</c>.</param>
/// <param name="ModifiersBeforePartial">Modifiers every part must repeat (<c>ref </c> for a ref struct), or empty.</param>
/// <param name="Name">The type's name as written in code (a keyword escaped: <c>@class</c>).</param>
/// <param name="TypeParameters">The type parameter list without constraints (e.g. <c>&lt;T, out TResult&gt;</c>), or empty.</param>
internal sealed record ContainingTypeModel(string Keyword, string ModifiersBeforePartial, string Name, string TypeParameters);
