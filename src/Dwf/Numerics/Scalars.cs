using TorchSharp;

namespace Dwf.Numerics;

/// <summary>Scalars that stay alive for the whole native call they are passed to.</summary>
/// <remarks>
/// TorchSharp 0.107 hands a <see cref="Scalar"/> to libtorch as a raw handle and frees it in its finalizer. A temporary
/// Scalar (from an implicit conversion, <c>t.mul_(0.5)</c>, or made inside TorchSharp, like the alpha of
/// <c>add_(other)</c>) is unreachable as soon as its handle has been read, so a garbage collection started by another
/// thread during the native call can free it while libtorch reads it: "Unknown scalar type" (seen in this project's
/// CI), or a wrong value. See dotnet/TorchSharp#1434. The runtime therefore makes every Scalar explicitly, in a
/// <c>using</c> declaration that keeps it alive to the end of its scope, and passes <see cref="One"/> as the alpha of
/// <c>add</c>/<c>add_</c>. <c>ScalarLifetimeTests</c> fails on any implicit Scalar left in the runtime's sources.
/// </remarks>
public static class Scalars
{
    /// <summary>The integer 1, for the alpha of <c>add(other, alpha)</c>; held by this class, so never finalized.</summary>
    public static Scalar One { get; } = 1.ToScalar();
}
