namespace Dwf.Datasets;

/// <summary>The two 28×28 grayscale, 10-class datasets in IDX format.</summary>
public enum MnistVariant
{
    /// <summary>Handwritten digits (LeCun et al.).</summary>
    Mnist,

    /// <summary>Zalando's Fashion-MNIST (clothing images), a drop-in replacement for MNIST.</summary>
    FashionMnist,
}
