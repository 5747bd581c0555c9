using System;
using System.Globalization;
using Xunit;

namespace Dwf.Generators.Tests.Determinism;

/// <summary>
/// Runs code under another culture, as a build on a machine with that culture would: the current and UI
/// culture of this thread, and the default of every other thread (analyzers run on the thread pool);
/// everything is restored on dispose. Tests using it share <see cref="CultureCollection"/>, so no other
/// test runs meanwhile.
/// </summary>
internal sealed class CultureScope : IDisposable
{
    private readonly CultureInfo _culture = CultureInfo.CurrentCulture;
    private readonly CultureInfo _uiCulture = CultureInfo.CurrentUICulture;
    private readonly CultureInfo? _defaultCulture = CultureInfo.DefaultThreadCurrentCulture;
    private readonly CultureInfo? _defaultUiCulture = CultureInfo.DefaultThreadCurrentUICulture;

    public CultureScope(string name)
    {
        var culture = CultureInfo.GetCultureInfo(name);
        CultureInfo.CurrentCulture = culture;
        CultureInfo.CurrentUICulture = culture;
        CultureInfo.DefaultThreadCurrentCulture = culture;
        CultureInfo.DefaultThreadCurrentUICulture = culture;
    }

    /// <summary>
    /// Cultures whose number formatting differs from the invariant one: a decimal comma (fi-FI, de-DE), a
    /// minus sign other than '-' (fi-FI: U+2212, ar-SA: with a bidirectional mark), and tr-TR, whose
    /// upper/lower casing of 'i' is not the invariant one.
    /// </summary>
    public static readonly string[] Names = { "fi-FI", "de-DE", "ar-SA", "tr-TR" };

    /// <summary>
    /// Fails unless <paramref name="name"/> formats -2.5E-05 differently from the invariant culture: under
    /// invariant globalization every culture formats like the invariant one, and the tests could not fail.
    /// </summary>
    public static void AssertFormatsNumbersDifferently(string name)
    {
        string invariant = (-2.5E-05).ToString("R", CultureInfo.InvariantCulture);
        string local = (-2.5E-05).ToString("R", CultureInfo.GetCultureInfo(name));
        Assert.True(name == "tr-TR" || local != invariant, $"{name} formats -2.5E-05 as '{local}', like the invariant culture: is globalization invariant?");
    }

    public void Dispose()
    {
        CultureInfo.CurrentCulture = _culture;
        CultureInfo.CurrentUICulture = _uiCulture;
        CultureInfo.DefaultThreadCurrentCulture = _defaultCulture;
        CultureInfo.DefaultThreadCurrentUICulture = _defaultUiCulture;
    }
}

/// <summary>Tests that change the process's default culture: run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CultureCollection
{
    public const string Name = "Process-wide culture";
}
