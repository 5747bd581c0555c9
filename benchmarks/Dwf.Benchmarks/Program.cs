using System.CommandLine;
using Dwf.Benchmarks.Verbs;

namespace Dwf.Benchmarks;

/// <summary>Entry point: one verb per experiment or benchmark (see --help).</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("Dwf experiments and benchmarks. Every verb writes its results under docs/ or --out, with the command that produced them.");
        root.Add(ExperimentsVerb.Create());
        root.Add(LrSweepVerb.Create());
        root.Add(SummarizeVerb.Create());
        root.Add(StepTimeVerb.Create());
        root.Add(StepTimeVerb.CreateChild());
        root.Add(MemoryVerb.Create());
        root.Add(ConvertVerb.Create());
        root.Add(DeploymentVerb.Create());
        root.Add(SparseForwardVerb.Create());
        root.Add(NumericsVerb.Create());
        root.Add(ScalarRaceVerb.Create());
        root.Add(StabilityVerb.Create());
        root.Add(NormTraceVerb.Create());
        root.Add(TargetReportVerb.Create());
        return root.Parse(args).Invoke();
    }
}
