using System;
using System.IO;

namespace Dwf.Generators.Tests.Infrastructure;

/// <summary>The repository these tests were built from: the folder of Dwf.Generators.sln above the test assembly.</summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var directory = AppContext.BaseDirectory; directory is not null; directory = System.IO.Path.GetDirectoryName(directory))
        {
            if (File.Exists(System.IO.Path.Combine(directory, "Dwf.Generators.sln")))
            {
                return directory;
            }
        }

        throw new InvalidOperationException("Dwf.Generators.sln not found above " + AppContext.BaseDirectory);
    }
}
