namespace Dwf.Datasets;

/// <summary>The two CIFAR datasets in their binary ("bin") distribution.</summary>
public enum CifarVariant
{
    /// <summary>CIFAR-10: records of 1 label byte (0..9) + 3072 pixel bytes (files data_batch_1..5.bin, test_batch.bin).</summary>
    Cifar10,

    /// <summary>CIFAR-100: records of 1 coarse label byte (0..19) + 1 fine label byte (0..99) + 3072 pixel bytes (files train.bin, test.bin).</summary>
    Cifar100,
}
