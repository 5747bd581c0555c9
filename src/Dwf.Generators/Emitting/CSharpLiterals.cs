using System.Globalization;
using Microsoft.CodeAnalysis.CSharp;

namespace Dwf.Generators.Emitting;

/// <summary>Culture-invariant C# literals, so generated code is the same whatever the build machine's culture.</summary>
internal static class CSharpLiterals
{
    /// <summary>A round-trippable double literal with a <c>D</c> suffix (<c>0.001D</c>, <c>1E-05D</c>).</summary>
    public static string Double(double value) => value.ToString("R", CultureInfo.InvariantCulture) + "D";

    public static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Bool(bool value) => value ? "true" : "false";

    /// <summary>A quoted, escaped string literal.</summary>
    public static string String(string value) => SymbolDisplay.FormatLiteral(value, quote: true);
}
