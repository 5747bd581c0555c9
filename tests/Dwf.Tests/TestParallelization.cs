using Xunit;

// TorchSharp's random generator is process-wide: tests that seed it (torch.manual_seed) and then build
// two models that must come out identical break when another test draws random numbers in parallel.
// The suite runs fast enough sequentially on two cores, so determinism wins.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
