namespace Dwf.Generators.Tests.Fuzzing;

/// <summary>Text the mutations put where code expects something sensible.</summary>
internal static class HostileValues
{
    /// <summary>Attribute argument values: wrong types, non-constants, out-of-range, overflowing and NaN-ish numbers.</summary>
    public static readonly string[] AttributeArguments =
    {
        "\"three\"", "\"\"", "null", "default", "default(double)", "'3'", "true", "@\"\\\"", "\"\\u0000\"", "$\"{1}\"", "\"\"\"raw\"\"\"",
        "0", "1", "2", "6", "7", "9", "-1", "1000000", "int.MaxValue", "int.MinValue", "2147483648", "-2147483649", "long.MaxValue",
        "99999999999999999999", "0x7FFFFFFF", "0x80000000", "0b1", "1_000", "unchecked((int)0xFFFFFFFF)", "checked(int.MaxValue + 1)", "1 << 40",
        "3.5", "3.5f", "3.5m", "1e308", "-1e308", "1e309", "1e-400", "-0.0", "double.Epsilon", "double.MaxValue", "-double.MaxValue",
        "double.NaN", "float.NaN", "0.0 / 0.0", "1 / 0.0", "-1 / 0.0", "double.PositiveInfinity", "double.NegativeInfinity", "float.PositiveInfinity",
        "(InitStd)99", "(InitStd)(-1)", "InitStd.Fixed", "InitStd.He | InitStd.Fixed", "(Dwf.InitStd)2", "typeof(int)", "nameof(Depth)",
        "new[] { 1, 2 }", "new int[0]", "new object[] { null }", "Depth", "x => x", "(1, 2)", "Math.PI", "System.Math.E", "decimal.MaxValue",
        "(double)decimal.MaxValue", "sizeof(int)", "__arglist", "stackalloc int[1]", "throw null", "await 1", "this", "base",
    };

    /// <summary>Argument names for [Factorize], [Dense] and [ComponentName]: the real ones, misspellings and oddities.</summary>
    public static readonly string[] ArgumentNames =
    {
        "Depth", "Lambda", "FactorizeBias", "InitTruncation", "InitStd", "InitStdValue", "InitVarianceCorrection", "Name",
        "Deep", "depth", "lambda", "Depth ", "@Depth", "Values", "Equals", "TypeId",
    };

    /// <summary>Attributes to put on members, parameters, types and the assembly, including targets they cannot apply to.</summary>
    public static readonly string[] Attributes =
    {
        "[Factorize]", "[Dense]", "[Factorize(Depth = 9)]", "[Factorize(Depth = 1)]", "[Dwf.Factorize(Lambda = -1)]", "[field: Factorize]",
        "[field: Dense]", "[return: Dense]", "[return: Factorize]", "[method: Factorize]", "[param: Dense]", "[type: Factorize]",
        "[property: Dense]", "[event: Factorize]", "[typevar: Factorize]", "[Factorize, Factorize]", "[Dense][Factorize]", "[Dense, Dense]",
        "[TorchSharp.Utils.ComponentName(Name = \"dwf_factors\")]", "[TorchSharp.Utils.ComponentName(Name = \"\")]",
        "[TorchSharp.Utils.ComponentName(Name = null)]", "[TorchSharp.Utils.ComponentName(Name = \"fc\")]",
        "[global::Dwf.Factorize(InitStd = (global::Dwf.InitStd)7)]", "[Factorize(InitStd = InitStd.Fixed)]",
        "[Factorize(InitStdValue = 0.5)]", "[Factorize()]", "[Factorize(", "[Dense(1)]", "[Obsolete]", "[System.Runtime.CompilerServices.CompilerGenerated]",
        "[System.CodeDom.Compiler.GeneratedCode(\"x\", \"1\")]",
    };

    /// <summary>Assembly- and module-level attributes, which must follow the usings.</summary>
    public static readonly string[] GlobalAttributes =
    {
        "[assembly: Dwf.Factorize]", "[module: Dwf.Dense]", "[assembly: Dwf.Factorize(Depth = 0)]",
    };

    /// <summary>Characters and fragments inserted at random offsets.</summary>
    public static readonly string[] Noise =
    {
        "{", "}", "(", ")", "[", "]", ";", ",", "\"", "'", "/*", "*/", "//", "<", ">", "=>", "@", "#", "$\"{", "\"\"\"", "?", "!", ":", "::",
        "\n#if DEBUG\n", "\n#endif\n", "\n#if false\n", "\n#else\n", "\n#region r\n", "\n#nullable disable\n", "\n#pragma warning disable\n",
        "\n#line 1 \"other.cs\"\n", "\n#error e\n", "\u200B", "\u00A0", "\uFEFF", "\0", "\u0301", "\U0001D400", "ℵ", "\r", "\t",
        " partial ", " static ", " abstract ", " sealed ", " file ", " new ", " override ", " virtual ", " unsafe ", " ref ", " readonly ",
        " where T : struct ", " global:: ", " dynamic ", " var ", " __makeref ", " async ", " extern ",
    };

    /// <summary>Keywords that may replace a keyword of the same family.</summary>
    public static readonly string[][] KeywordFamilies =
    {
        new[] { "class", "struct", "record", "interface", "record struct", "record class", "enum", "delegate", "static class", "ref struct" },
        new[] { "public", "private", "protected", "internal", "file", "protected internal", "private protected" },
        new[] { "override", "new", "virtual", "abstract", "sealed override", "static", "extern" },
        new[] { "readonly", "const", "static", "volatile", "static readonly", "required", "fixed" },
        new[] { "base", "this", "null", "default" },
        new[] { "void", "int", "object", "dynamic", "var" },
        new[] { "partial", "static partial", "abstract partial", "sealed partial", "partial partial", "unsafe partial" },
    };

    /// <summary>Numbers that replace numeric literals anywhere.</summary>
    public static readonly string[] Numbers =
    {
        "0", "-1", "1e309", "1e-400", "99999999999999999999", "0x80000000", "2147483648", "double.NaN", "-0.0", "1_0", "0b11", "3.5m", "1e308",
    };
}
