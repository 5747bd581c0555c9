using System.Runtime.CompilerServices;
using Dwf.Numerics;

namespace Dwf.Tests.Numerics;

/// <summary>
/// Runs the native-numerics check when the test assembly loads, before any test computes with a plain TorchSharp
/// module. Many tests compute a dense reference with plain modules before they touch Dwf; on a CPU whose oneDNN
/// float32 convolutions are wrong that reference would be wrong too, and the test would fail for a reason that
/// is not the code under test. A program does the same by calling <see cref="NativeNumerics.EnsureChecked"/> first.
/// </summary>
internal static class BackendCheckedFirst
{
#pragma warning disable CA2255 // A module initializer is the one place that runs before every test, discovery included.
    [ModuleInitializer]
    internal static void Check() => NativeNumerics.EnsureChecked();
#pragma warning restore CA2255
}
