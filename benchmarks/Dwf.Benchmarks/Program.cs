using System.CommandLine;
using Dwf.Benchmarks.Verbs;

namespace Dwf.Benchmarks;

/// <summary>Entry point: one verb per experiment or benchmark, each in Verbs/&lt;Name&gt;Verb.cs (see --help).</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("Dwf experiments and benchmarks. Every verb writes its results under docs/results/ with the command that produced them.");
        root.Add(ConvertVerb.Create());
        root.Add(DeploymentVerb.Create());
        return root.Parse(args).Invoke();
    }
}
