using System.CommandLine;
using System.IO;
using Dwf.Benchmarks.Experiments;

namespace Dwf.Benchmarks.Verbs;

/// <summary><c>summarize</c>: re-renders summary.md and the plot of a results directory from its runs.csv.</summary>
internal static class SummarizeVerb
{
    public static Command Create()
    {
        var net = CommonOptions.Net();
        var dataset = CommonOptions.Dataset();
        var directory = new Option<string?>("--out") { Description = "Results directory holding runs.csv (default: docs/results/<net>-<dataset>, where the experiments verb writes)." };
        var command = new Command("summarize", "Rebuild summary.md and accuracy-vs-compression.png from runs.csv.") { net, dataset, directory };
        command.SetAction(result => CommonOptions.Guard(() =>
        {
            string netName = result.GetValue(net)!;
            string datasetName = result.GetValue(dataset)!;
            string output = result.GetValue(directory) ?? CommonOptions.DefaultResults(netName, datasetName);
            string csv = Path.Combine(output, "runs.csv");
            if (!File.Exists(csv))
            {
                throw new IOException($"{csv}: no results file; run the experiments verb first.");
            }

            var runner = new ExperimentRunner(netName, CommonOptions.Variant(datasetName), output, CommonOptions.DefaultWork(netName, datasetName), CommonOptions.DataOptions(null), CommonOptions.CommandLine("experiments", ("--net", netName), ("--dataset", datasetName)));
            // The study options of the commands that made the runs, so the Setup sentence describes them (none if they disagree).
            var studies = ExperimentRunner.RecordedStudies(output);
            var study = studies.Count == 1 ? studies[0] : null;
            runner.WriteOutputs(RunStore.Open(csv), study?.ApplyTo(ExperimentPlan.Full(netName)));
        }));
        return command;
    }
}
