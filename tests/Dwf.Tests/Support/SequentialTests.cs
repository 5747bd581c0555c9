using Xunit;

// TorchSharp's random generator (manual_seed, randn, factor sampling) is one per process, and most tests seed it
// and then rely on the numbers it draws. Test classes running at the same time interleave their draws and fail at
// random (seen: PenaltyTests' explicit-penalty trajectory off by a relative 1.59 because another class drew
// between its two manual_seed(11) calls). So the tests of this assembly run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
