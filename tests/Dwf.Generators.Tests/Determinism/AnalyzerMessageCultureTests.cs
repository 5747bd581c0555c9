using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using Dwf.Generators.Tests.Fuzzing;
using Dwf.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace Dwf.Generators.Tests.Determinism;

/// <summary>
/// The Dwf diagnostics read the same on every machine: numbers in messages are formatted invariantly,
/// whatever the current culture while the analyzers run and whatever culture the message is read in.
/// </summary>
[Collection(CultureCollection.Name)]
public sealed class AnalyzerMessageCultureTests
{
    private const string Source = HostileSeeds.Usings + """
        namespace Models;

        [Factorize(Depth = 9, Lambda = -2.5E-05, InitTruncation = 2.5, InitStdValue = 0.05)]
        public partial class Options : Module<Tensor, Tensor>
        {
            [Factorize(Depth = 1)] private readonly Linear fc = Linear(2, 2);
            [Factorize(InitStd = InitStd.Fixed, InitStdValue = -0.5)] private readonly Linear fc2 = Linear(2, 2);
            [Factorize(InitStd = (InitStd)12)] private readonly Linear fc3 = Linear(2, 2);
            [Factorize(Lambda = double.NegativeInfinity)] private readonly Linear fc4 = Linear(2, 2);

            public Options() : base(nameof(Options)) => RegisterComponents();

            public override Tensor forward(Tensor x) => fc4.call(fc3.call(fc2.call(fc.call(x))));
        }
        """;

    [Fact]
    public void The_messages_hold_numbers_as_CSharp_writes_them()
    {
        var messages = Messages(CultureInfo.InvariantCulture);

        // Not vacuous: these are the numbers a culture would format differently.
        Assert.Contains(messages, m => m.Contains("Lambda = -2.5E-05", System.StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("InitTruncation = 2.5", System.StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("0.05", System.StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("InitStdValue = -0.5", System.StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("(InitStd)12", System.StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("-Infinity", System.StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(GeneratorDeterminismTests.Cultures), MemberType = typeof(GeneratorDeterminismTests))]
    public void Another_culture_changes_no_message(string culture)
    {
        CultureScope.AssertFormatsNumbersDifferently(culture);
        var expected = Messages(CultureInfo.InvariantCulture);

        IReadOnlyList<string> analyzedThere, readThere;
        using (new CultureScope(culture))
        {
            analyzedThere = Messages(formatProvider: null);
            readThere = Messages(CultureInfo.GetCultureInfo(culture));
        }

        Assert.Equal(expected, analyzedThere);
        Assert.Equal(expected, readThere);
    }

    /// <summary>The Dwf diagnostics of <see cref="Source"/>, sorted, each as id, span and message read with <paramref name="formatProvider"/>.</summary>
    private static IReadOnlyList<string> Messages(CultureInfo? formatProvider)
    {
        var compilation = TestCompilation.Create(Source).WithAnalyzers(FuzzTarget.AllAnalyzers().ToImmutableArray());
        return compilation.GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult()
            .Where(d => d.Id.StartsWith("DWF", System.StringComparison.Ordinal))
            .Select(d => $"{d.Id} {d.Location.SourceSpan}: {d.GetMessage(formatProvider)}")
            .OrderBy(m => m, System.StringComparer.Ordinal)
            .ToList();
    }
}
