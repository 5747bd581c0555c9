using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using Dwf.Generators.Model;

namespace Dwf.Generators;

/// <summary>
/// One model per class, each with a hint name no other shares. The compiler compares hint names without
/// case (they become file names) and throws on a clash, which fails the user's build (CS8785); the
/// sanitized name also loses characters a file name cannot hold. So <c>Net</c> and <c>NET</c>, or
/// <c>Net‿</c> and <c>Net_</c>, would clash: each class of such a group gets a suffix from a stable hash of
/// its exact metadata name (<c>Models.Net.2bb8fed2.g.cs</c>); every other class keeps its documented name.
/// </summary>
/// <remarks>
/// The result is sorted by metadata name, so neither the names nor their order depend on the order of
/// files or declarations.
/// </remarks>
internal static class UniqueHintNames
{
    private const string Extension = ".g.cs";

    public static ImmutableArray<FactorizedClassModel> Assign(ImmutableArray<FactorizedClassModel> models)
    {
        // [Factorize] on two partial declarations of one class (itself an error) must still give one file.
        var byType = new SortedDictionary<string, FactorizedClassModel>(StringComparer.Ordinal);
        foreach (var model in models)
        {
            if (!byType.ContainsKey(model.MetadataName))
            {
                byType.Add(model.MetadataName, model);
            }
        }

        var clashing = new HashSet<string>(
            byType.Values.GroupBy(m => m.HintName, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).SelectMany(g => g).Select(m => m.MetadataName),
            StringComparer.Ordinal);
        var taken = new HashSet<string>(byType.Values.Where(m => !clashing.Contains(m.MetadataName)).Select(m => m.HintName), StringComparer.OrdinalIgnoreCase);

        var result = ImmutableArray.CreateBuilder<FactorizedClassModel>(byType.Count);
        foreach (var model in byType.Values)
        {
            if (!clashing.Contains(model.MetadataName))
            {
                result.Add(model);
                continue;
            }

            string stem = model.HintName.Substring(0, model.HintName.Length - Extension.Length) + "." + StableHash(model.MetadataName);
            string hintName = stem + Extension;
            for (int n = 2; !taken.Add(hintName); n++)
            {
                hintName = stem + "-" + n.ToString(CultureInfo.InvariantCulture) + Extension;
            }

            result.Add(model with { HintName = hintName });
        }

        return result.MoveToImmutable();
    }

    /// <summary>FNV-1a over the UTF-16 code units, as 8 hex digits: the same on every machine and run (unlike <c>string.GetHashCode</c>).</summary>
    private static string StableHash(string text)
    {
        uint hash = 2166136261;
        foreach (char c in text)
        {
            hash = unchecked((hash ^ c) * 16777619);
        }

        return hash.ToString("x8", CultureInfo.InvariantCulture);
    }
}
