using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;

namespace Dwf.Numerics;

/// <summary>
/// The real switch: libtorch exports <c>at::globalContext()</c> and <c>at::Context::setUserEnabledMkldnn(bool)</c>,
/// the function behind PyTorch's <c>torch.backends.mkldnn.enabled = False</c>. TorchSharp does not wrap it, so it
/// is called through the C++ symbols of the already loaded <c>torch_cpu</c> library.
/// </summary>
/// <remarks>
/// NNPACK is switched off with oneDNN (<c>torch.backends.nnpack.enabled = False</c>). Without oneDNN, libtorch tries
/// NNPACK for float32 conv2d at batch sizes of 16 and more: a third kernel family the check's small probes would not
/// have exercised, and on a CPU NNPACK does not support, a "Could not initialize NNPACK" warning on every convolution.
/// With both off, every convolution takes libtorch's own im2col + GEMM path, the one the check verified.
/// </remarks>
internal sealed unsafe class NativeOneDnnSwitch : IOneDnnSwitch
{
    private const string ItaniumGlobalContext = "_ZN2at13globalContextEv";
    private const string ItaniumSetMkldnn = "_ZN2at7Context20setUserEnabledMkldnnEb";
    private const string ItaniumGetMkldnn = "_ZNK2at7Context17userEnabledMkldnnEv";
    private const string ItaniumSetNnpack = "_ZN2at7Context20setUserEnabledNNPACKEb";

    // (library file, at::globalContext, Context::setUserEnabledMkldnn, Context::userEnabledMkldnn,
    // Context::setUserEnabledNNPACK) per C++ ABI: Itanium mangling on Linux and macOS, MSVC mangling on Windows.
    private static readonly (string Library, string GlobalContext, string SetMkldnn, string GetMkldnn, string SetNnpack)[] Candidates =
    {
        ("libtorch_cpu.so", ItaniumGlobalContext, ItaniumSetMkldnn, ItaniumGetMkldnn, ItaniumSetNnpack),
        ("libtorch_cpu.dylib", ItaniumGlobalContext, ItaniumSetMkldnn, ItaniumGetMkldnn, ItaniumSetNnpack),
        ("torch_cpu.dll", "?globalContext@at@@YAAEAVContext@1@XZ", "?setUserEnabledMkldnn@Context@at@@QEAAX_N@Z", "?userEnabledMkldnn@Context@at@@QEBA_NXZ", "?setUserEnabledNNPACK@Context@at@@QEAAX_N@Z"),
    };

    private readonly delegate* unmanaged<IntPtr> _globalContext;
    private readonly delegate* unmanaged<IntPtr, byte, void> _setMkldnn;
    private readonly delegate* unmanaged<IntPtr, byte> _getMkldnn;
    private readonly delegate* unmanaged<IntPtr, byte, void> _setNnpack;

    private NativeOneDnnSwitch()
    {
        foreach (var candidate in Candidates)
        {
            foreach (var path in LibraryPaths(candidate.Library))
            {
                if (NativeLibrary.TryLoad(path, out var library)
                    && NativeLibrary.TryGetExport(library, candidate.GlobalContext, out var globalContext)
                    && NativeLibrary.TryGetExport(library, candidate.SetMkldnn, out var setMkldnn)
                    && NativeLibrary.TryGetExport(library, candidate.GetMkldnn, out var getMkldnn)
                    && NativeLibrary.TryGetExport(library, candidate.SetNnpack, out var setNnpack))
                {
                    _globalContext = (delegate* unmanaged<IntPtr>)globalContext;
                    _setMkldnn = (delegate* unmanaged<IntPtr, byte, void>)setMkldnn;
                    _getMkldnn = (delegate* unmanaged<IntPtr, byte>)getMkldnn;
                    _setNnpack = (delegate* unmanaged<IntPtr, byte, void>)setNnpack;
                    Library = path;
                    return;
                }
            }
        }
    }

    /// <summary>The switch of the torch_cpu library TorchSharp loaded (found once per process).</summary>
    public static NativeOneDnnSwitch Instance { get; } = new();

    /// <summary>Where the switch was found, or <c>null</c>.</summary>
    public string? Library { get; }

    public bool IsAvailable => Library is not null;

    public bool? IsEnabled => IsAvailable ? _getMkldnn(_globalContext()) != 0 : null;

    public void Disable()
    {
        if (!IsAvailable)
        {
            throw new InvalidOperationException("libtorch's oneDNN switch (at::Context::setUserEnabledMkldnn) was not found in the loaded torch_cpu library.");
        }

        _setMkldnn(_globalContext(), 0);
        _setNnpack(_globalContext(), 0);
    }

    // The bare name first: once TorchSharp has loaded the library, the loader returns that copy. Then the
    // places TorchSharp's native packages put it, in case the bare name is not on the search path.
    private static IEnumerable<string> LibraryPaths(string fileName)
    {
        yield return fileName;
        yield return Path.Combine(AppContext.BaseDirectory, fileName);
        string torchSharpDirectory = Path.GetDirectoryName(typeof(TorchSharp.torch).Assembly.Location) ?? AppContext.BaseDirectory;
        yield return Path.Combine(torchSharpDirectory, fileName);
        yield return Path.Combine(torchSharpDirectory, "runtimes", RuntimeInformation.RuntimeIdentifier, "native", fileName);
    }
}
