namespace Dwf.Generators;

/// <summary>Names of the pipeline steps, for the incremental-caching tests (GeneratorDriverRunResult.TrackedSteps).</summary>
internal static class TrackingNames
{
    /// <summary>Each <c>[Factorize]</c> class declaration parsed into a model (or null for invalid input).</summary>
    public const string Parse = "Dwf.Parse";

    /// <summary>The valid models only.</summary>
    public const string Valid = "Dwf.Valid";

    /// <summary>All valid models, collected (to group them by type).</summary>
    public const string Collected = "Dwf.Collected";

    /// <summary>One model per class (a class's partial declarations grouped by type).</summary>
    public const string ByType = "Dwf.ByType";
}
