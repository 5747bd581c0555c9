using System;

namespace Dwf.Datasets;

/// <summary>
/// The images of an IDX image file (magic 0x00000803): <see cref="Count"/> images of
/// <see cref="Rows"/>×<see cref="Columns"/> unsigned bytes, row-major, image after image.
/// </summary>
/// <param name="Path">The file the images were read from.</param>
/// <param name="Count">Number of images.</param>
/// <param name="Rows">Image height in pixels.</param>
/// <param name="Columns">Image width in pixels.</param>
/// <param name="Pixels">Count·Rows·Columns pixel bytes (0 = background for MNIST), without the header.</param>
public sealed record IdxImages(string Path, int Count, int Rows, int Columns, ReadOnlyMemory<byte> Pixels);
