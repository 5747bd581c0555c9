namespace Dwf.Datasets;

/// <summary>Which CIFAR-100 label becomes the dataset's label.</summary>
public enum CifarLabelKind
{
    /// <summary>The 100 fine classes (the usual choice; also the only label of CIFAR-10).</summary>
    Fine,

    /// <summary>The 20 coarse superclasses (CIFAR-100 only).</summary>
    Coarse,
}
